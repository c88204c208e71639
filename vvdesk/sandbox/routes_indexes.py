"""``/indexes`` routes: create/list/get/delete, deletion status, media and run pages."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .checks import require_str
from .context import ctx_of
from .db import Row
from .deletions import deletion_status, start_deletion
from .errors import ApiError
from .indexes import create_index_row
from .lookups import load_index
from .paging import keyset_page
from .views import public, run_view, video_view
from .web import idempotent, json_object, query_bool, respond


def index_view(row: Row) -> dict[str, Any]:
    return public(row.doc)


async def create_index(request: Request) -> Response:
    ctx = ctx_of(request)
    body = await json_object(request)
    name = require_str(body, "name", low=1, high=255)

    def produce() -> tuple[int, Any]:
        return 201, index_view(create_index_row(ctx, name))

    return idempotent(request, body, produce)


async def list_indexes(request: Request) -> Response:
    ctx = ctx_of(request)
    include_defaults = query_bool(request, "include_defaults", True)
    rows = ctx.store.query("index")
    return respond([index_view(r) for r in rows if include_defaults or not r.doc["is_default"]])


async def get_index(request: Request) -> Response:
    ctx = ctx_of(request)
    return respond(index_view(load_index(ctx, request.path_params["index_id"])))


async def delete_index(request: Request) -> Response:
    ctx = ctx_of(request)
    row = load_index(ctx, request.path_params["index_id"])
    if row.doc["is_default"]:
        raise ApiError(403, "authorization_default_index_immutable",
                       "Shared default indexes cannot be deleted", {"index_id": row.id})
    return respond(start_deletion(ctx, row))


async def get_deletion(request: Request) -> Response:
    return respond(deletion_status(ctx_of(request), "index", request.path_params["index_id"]))


async def index_videos(request: Request) -> Response:
    ctx = ctx_of(request)
    row = load_index(ctx, request.path_params["index_id"])
    page = keyset_page(request, "video", row.id, f"videos:{row.id}",
                       lambda r: video_view(ctx, r))
    return respond(page)


async def index_runs(request: Request) -> Response:
    ctx = ctx_of(request)
    row = load_index(ctx, request.path_params["index_id"])
    page = keyset_page(request, "run", row.id, f"runs:{row.id}", lambda r: run_view(r.doc))
    return respond(page)


ROUTES = [
    Route("/indexes", create_index, methods=["POST"]),
    Route("/indexes", list_indexes, methods=["GET"]),
    Route("/indexes/{index_id}", get_index, methods=["GET"]),
    Route("/indexes/{index_id}", delete_index, methods=["DELETE"]),
    Route("/indexes/{index_id}/deletion", get_deletion, methods=["GET"]),
    Route("/indexes/{index_id}/videos", index_videos, methods=["GET"]),
    Route("/indexes/{index_id}/prompt-runs", index_runs, methods=["GET"]),
]

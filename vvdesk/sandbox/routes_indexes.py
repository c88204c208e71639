"""``/indexes`` routes: create/list/get/delete, deletion status, media and run pages."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import clock
from .context import Context, ctx_of
from .db import Row
from .deletions import deletion_status, start_deletion
from .errors import ApiError, not_found
from .ids import new_id
from .paging import decode_cursor, encode_cursor, page_envelope, parse_limit
from .views import public, video_view
from .web import idempotent, json_object, query_bool, require_str, respond


def load_index(ctx: Context, index_id: str) -> Row:
    """Live (not deleted) index or 404."""
    row = ctx.store.get("index", index_id)
    if row is None:
        raise not_found("index", index_id)
    return row


def index_view(row: Row) -> dict[str, Any]:
    return public(row.doc)


def create_index_row(ctx: Context, name: str, *, is_default: bool = False,
                     index_id: str | None = None, description: str | None = None) -> Row:
    index_id = index_id or new_id("idx")
    doc = {
        "index_id": index_id, "name": name, "user_id": ctx.user_id,
        "created_at": clock.iso(), "description": description,
        "sort_order": None, "is_default": is_default,
    }
    return ctx.store.insert("index", index_id, doc)


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


def keyset_page(
    request: Request, kind: str, parent: str | None, scope: str,
    render: Any, *, descending: bool = True, parent2: Any = None,
) -> dict[str, Any]:
    """One ``{data, pagination}`` page over rows of ``kind`` under ``parent``."""
    ctx = ctx_of(request)
    limit = parse_limit(request, default=50, low=1, high=100) or 50
    cursor = request.query_params.get("cursor")
    after = decode_cursor(cursor, scope) if cursor else None
    kwargs: dict[str, Any] = {"parent": parent}
    if parent2 is not None:
        kwargs["parent2"] = parent2
    rows = ctx.store.query(kind, descending=descending, after_seq=after, limit=limit + 1,
                           **kwargs)
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1].seq, scope) if more and rows else None
    return page_envelope([render(r) for r in rows], limit, next_cursor)


async def index_videos(request: Request) -> Response:
    ctx = ctx_of(request)
    row = load_index(ctx, request.path_params["index_id"])
    page = keyset_page(request, "video", row.id, f"videos:{row.id}",
                       lambda r: video_view(ctx, r))
    return respond(page)


async def index_runs(request: Request) -> Response:
    ctx = ctx_of(request)
    row = load_index(ctx, request.path_params["index_id"])
    page = keyset_page(request, "run", row.id, f"runs:{row.id}", lambda r: public(r.doc))
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

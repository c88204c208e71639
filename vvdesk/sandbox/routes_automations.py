"""``/indexes/{index_id}/automations/{import,export}`` routes (contract §6)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import clock
from .automations import automation_id, save_config, validate_export, validate_import
from .context import Context, ctx_of
from .db import Row
from .errors import ApiError
from .lookups import load_index
from .views import public
from .web import json_object, respond

KINDS = ("import", "export")


def _kind(request: Request) -> str:
    kind = request.path_params["kind"]
    if kind not in KINDS:
        raise ApiError(404, "resource_route_not_found", f"No route for {request.url.path}",
                       {"path": request.url.path})
    return kind


def _load(ctx: Context, index_id: str, kind: str) -> Row:
    load_index(ctx, index_id)
    row = ctx.store.get("automation", automation_id(index_id, kind))
    if row is None:
        raise ApiError(404, "resource_automation_not_found",
                       f"No {kind} automation is saved for index '{index_id}'",
                       {"index_id": index_id, "automation": kind})
    return row


def _view(row: Row) -> dict[str, Any]:
    return public(row.doc)


async def get_automation(request: Request) -> Response:
    ctx = ctx_of(request)
    return respond(_view(_load(ctx, request.path_params["index_id"], _kind(request))))


async def put_automation(request: Request) -> Response:
    ctx = ctx_of(request)
    kind = _kind(request)
    index_id = request.path_params["index_id"]
    load_index(ctx, index_id)
    body = await json_object(request)
    config = validate_import(ctx, body) if kind == "import" else validate_export(ctx, body)
    return respond(_view(save_config(ctx, index_id, kind, config)))


def _set_paused(paused: bool) -> Any:
    async def handler(request: Request) -> Response:
        ctx = ctx_of(request)
        row = _load(ctx, request.path_params["index_id"], _kind(request))
        row.doc.update(paused=paused, updated_at=clock.iso())
        ctx.store.save(row)
        return respond(_view(row))

    return handler


ROUTES = [
    Route("/indexes/{index_id}/automations/{kind}", get_automation, methods=["GET"]),
    Route("/indexes/{index_id}/automations/{kind}", put_automation, methods=["PUT"]),
    Route("/indexes/{index_id}/automations/{kind}/pause", _set_paused(True), methods=["POST"]),
    Route("/indexes/{index_id}/automations/{kind}/resume", _set_paused(False),
          methods=["POST"]),
]

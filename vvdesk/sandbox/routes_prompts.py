"""``/prompts`` routes (list/create/get) with the contract §3.1 field rules."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .context import ctx_of
from .lookups import load_prompt
from .prompts import create_prompt_row, validate_prompt
from .views import public
from .web import idempotent, json_object, query_bool, respond


async def list_prompts(request: Request) -> Response:
    ctx = ctx_of(request)
    active_only = query_bool(request, "active_only", True)
    include_defaults = query_bool(request, "include_defaults", True)
    rows = [r for r in ctx.store.query("prompt") if include_defaults or not r.doc["_default"]]
    active = [r for r in rows if r.doc["is_active"]]
    shown = active if active_only else rows
    return respond({"prompts": [public(r.doc) for r in shown], "total_count": len(rows),
                    "active_count": len(active)})


async def create_prompt(request: Request) -> Response:
    ctx = ctx_of(request)
    body = await json_object(request)
    fields = validate_prompt(body)
    return idempotent(request, body, lambda: (201, public(create_prompt_row(ctx, fields).doc)))


async def get_prompt(request: Request) -> Response:
    ctx = ctx_of(request)
    return respond(public(load_prompt(ctx, request.path_params["prompt_id"]).doc))


ROUTES = [
    Route("/prompts", list_prompts, methods=["GET"]),
    Route("/prompts", create_prompt, methods=["POST"]),
    Route("/prompts/{prompt_id}", get_prompt, methods=["GET"]),
]

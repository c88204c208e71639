"""``/prompts`` routes: list/create/get/update/delete, usage, schema test (contract §3.1)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .context import ctx_of
from .errors import invalid
from .lookups import load_prompt
from .prompts import (
    create_prompt_row,
    delete_prompt,
    update_prompt,
    usage_view,
    validate_prompt,
)
from .schema_check import check_sample
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


async def put_prompt(request: Request) -> Response:
    ctx = ctx_of(request)
    row = load_prompt(ctx, request.path_params["prompt_id"])
    body = await json_object(request)
    return idempotent(request, body, lambda: (200, public(update_prompt(ctx, row, body).doc)))


async def remove_prompt(request: Request) -> Response:
    ctx = ctx_of(request)
    row = load_prompt(ctx, request.path_params["prompt_id"])
    force = query_bool(request, "force", False)
    return respond(delete_prompt(ctx, row, force=bool(force)))


async def prompt_usage(request: Request) -> Response:
    ctx = ctx_of(request)
    return respond(usage_view(ctx, load_prompt(ctx, request.path_params["prompt_id"])))


async def test_schema(request: Request) -> Response:
    """Check ``sample_data`` against ``json_schema`` (a mismatch is a 200 with valid=false)."""
    body = await json_object(request)
    schema = body.get("json_schema")
    if not isinstance(schema, dict):
        raise invalid("json_schema", "json_schema is required and must be an object")
    if "sample_data" not in body:
        raise invalid("sample_data", "sample_data is required")
    return respond(check_sample(schema, body["sample_data"]))


ROUTES = [
    Route("/prompts", list_prompts, methods=["GET"]),
    Route("/prompts", create_prompt, methods=["POST"]),
    Route("/prompts/test-schema", test_schema, methods=["POST"]),
    Route("/prompts/{prompt_id}", get_prompt, methods=["GET"]),
    Route("/prompts/{prompt_id}", put_prompt, methods=["PUT"]),
    Route("/prompts/{prompt_id}", remove_prompt, methods=["DELETE"]),
    Route("/prompts/{prompt_id}/usage", prompt_usage, methods=["GET"]),
]

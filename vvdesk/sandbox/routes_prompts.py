"""``/prompts`` routes (list/create/get) with the contract §3.1 field rules."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import clock
from .context import Context, ctx_of
from .db import Row
from .errors import invalid, not_found
from .ids import new_id
from .views import public
from .web import idempotent, json_object, query_bool, require_str, respond


def load_prompt(ctx: Context, prompt_id: str) -> Row:
    row = ctx.store.get("prompt", prompt_id)
    if row is None:
        raise not_found("prompt", prompt_id)
    return row


def validate_prompt(body: dict[str, Any]) -> dict[str, Any]:
    """Checked prompt fields (422 ``validation_error`` naming the field)."""
    name = require_str(body, "name", low=3, high=100)
    text = require_str(body, "prompt_text", low=10, high=5000)
    description = body.get("description", "")
    if not isinstance(description, str) or len(description) > 500:
        raise invalid("description", "description must be a string of at most 500 characters")
    schema = body.get("json_schema")
    if not isinstance(schema, dict):
        raise invalid("json_schema", "json_schema is required and must be an object")
    video_level = body.get("video_level")
    if video_level is not None and (
        not isinstance(video_level, dict)
        or not isinstance(video_level.get("instructions_text"), str)
        or not isinstance(video_level.get("json_schema"), dict)
    ):
        raise invalid("video_level", "video_level needs instructions_text and json_schema")
    semantic = body.get("semantic_indexing") or {}
    if not isinstance(semantic, dict):
        raise invalid("semantic_indexing", "semantic_indexing must be an object")
    return {
        "name": name, "description": description, "prompt_text": text, "json_schema": schema,
        "video_level": video_level,
        "semantic_indexing": {
            "disabled_segment_fields": list(semantic.get("disabled_segment_fields") or []),
            "disabled_video_level_fields": list(semantic.get("disabled_video_level_fields")
                                                or []),
        },
    }


def create_prompt_row(ctx: Context, fields: dict[str, Any], *, prompt_id: str | None = None,
                      default: bool = False) -> Row:
    prompt_id = prompt_id or new_id("prm")
    doc = {"prompt_id": prompt_id, "user_id": ctx.user_id, **fields, "is_active": True,
           "created_at": clock.iso(), "_default": default}
    return ctx.store.insert("prompt", prompt_id, doc)


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

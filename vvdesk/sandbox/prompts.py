"""Prompt fields (contract §3.1 rules) and prompt rows, shared by routes and the seed."""

from __future__ import annotations

from typing import Any

from . import clock
from .checks import require_str
from .context import Context
from .db import Row
from .errors import invalid
from .ids import new_id


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

"""Prompt fields (contract §3.1 rules) and prompt rows, shared by routes and the seed."""

from __future__ import annotations

from typing import Any

from . import clock
from .checks import require_str
from .context import Context
from .db import Row
from .errors import ApiError, conflict, invalid
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


UPDATABLE = ("name", "description", "prompt_text", "json_schema", "video_level",
             "semantic_indexing")


def update_prompt(ctx: Context, row: Row, body: dict[str, Any]) -> Row:
    """Apply a ``PUT /prompts/{id}`` body: only the fields sent change (same rules as
    create); ``clear_video_level: true`` removes the video-level instructions."""
    refuse_default(row, "changed")
    unknown = set(body) - set(UPDATABLE) - {"clear_video_level"}
    if unknown:
        raise invalid(sorted(unknown)[0], "unknown field")
    clear = body.get("clear_video_level", False)
    if not isinstance(clear, bool):
        raise invalid("clear_video_level", "clear_video_level must be a boolean")
    if clear and body.get("video_level") is not None:
        raise invalid("video_level", "send video_level or clear_video_level, not both")
    current = {k: row.doc.get(k) for k in UPDATABLE}
    merged = validate_prompt({**current, **{k: v for k, v in body.items() if k in UPDATABLE}})
    if clear:
        merged["video_level"] = None
    row.doc.update(merged)
    ctx.store.save(row)
    return row


def refuse_default(row: Row, verb: str) -> None:
    if row.doc.get("_default"):
        raise ApiError(403, "authorization_default_prompt_immutable",
                       f"Shared default prompts cannot be {verb}", {"prompt_id": row.id})


def runs_using(ctx: Context, prompt_id: str) -> int:
    return sum(1 for r in ctx.store.query("run") if r.doc["prompt_id"] == prompt_id)


def presets_using(ctx: Context, prompt_id: str) -> int:
    return sum(1 for a in ctx.store.query("automation")
               if (a.doc.get("prompt_preset") or {}).get("prompt_id") == prompt_id)


def delete_prompt(ctx: Context, row: Row, *, force: bool) -> dict[str, Any]:
    """Delete a prompt; one that runs or automations use needs ``force`` (409 otherwise).
    Runs keep their ``prompt_id`` and ``prompt_name``."""
    refuse_default(row, "deleted")
    runs, presets = runs_using(ctx, row.id), presets_using(ctx, row.id)
    if (runs or presets) and not force:
        raise conflict("resource_prompt_in_use",
                       f"The prompt is used by {runs} prompt run(s) and {presets} import "
                       "automation(s); delete with force=true to remove it anyway",
                       prompt_id=row.id, prompt_runs=runs, automations=presets)
    ctx.store.delete(row)
    return {"message": f"Prompt '{row.doc['name']}' deleted"}


def usage_view(ctx: Context, row: Row) -> dict[str, Any]:
    """``PromptUsageStats``: in use while any run or import automation refers to it."""
    schema = row.doc.get("json_schema") or {}
    props = schema.get("properties") if isinstance(schema, dict) else None
    return {
        "prompt_id": row.id, "name": row.doc["name"], "is_active": row.doc["is_active"],
        "is_in_use": bool(runs_using(ctx, row.id) or presets_using(ctx, row.id)),
        "created_at": row.doc["created_at"],
        "schema_properties_count": len(props) if isinstance(props, dict) else 0,
    }

"""Index rows (creation is shared by ``POST /indexes`` and the demo seed)."""

from __future__ import annotations

from . import clock
from .context import Context
from .db import Row
from .ids import new_id


def create_index_row(ctx: Context, name: str, *, is_default: bool = False,
                     index_id: str | None = None, description: str | None = None) -> Row:
    index_id = index_id or new_id("idx")
    doc = {
        "index_id": index_id, "name": name, "user_id": ctx.user_id,
        "created_at": clock.iso(), "description": description,
        "sort_order": None, "is_default": is_default,
    }
    return ctx.store.insert("index", index_id, doc)

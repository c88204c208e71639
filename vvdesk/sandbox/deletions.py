"""Durable index/video deletion: draining -> deleting -> deleted over simulated time."""

from __future__ import annotations

import math
from typing import Any

from . import clock, simulate
from .context import Context
from .db import Row
from .errors import not_found
from .ids import new_id

ID_FIELD = {"index": "index_id", "video": "video_id"}


def start_deletion(ctx: Context, row: Row) -> dict[str, Any]:
    """Begin (or keep) deleting ``row``; returns the public deletion response."""
    if row.doc.get("_deletion") is None:
        row.doc["_deletion"] = {"deletion_id": new_id("del"), "status": "draining"}
        ctx.store.save(row, next_at=ctx.clock.after(simulate.DELETE_DRAIN_SECONDS))
    return deletion_view(row)


def deletion_status(ctx: Context, kind: str, resource_id: str) -> dict[str, Any]:
    """GET /indexes|videos/{id}/deletion: 404 for an unknown id or one never deleted."""
    row = ctx.store.get(kind, resource_id, include_hidden=True)
    if row is None:
        raise not_found(kind, resource_id)
    if row.doc.get("_deletion") is None:
        raise not_found(f"{kind}_deletion", resource_id)
    return deletion_view(row)


def deletion_view(row: Row) -> dict[str, Any]:
    info = row.doc["_deletion"]
    retry: int | None = None
    if info["status"] != "deleted":
        remaining = (row.next_at or clock.now()) - clock.now()
        retry = max(1, math.ceil(remaining))
    return {
        ID_FIELD[row.kind]: row.id,
        "deletion_id": info["deletion_id"],
        "status": info["status"],
        "retry_after_seconds": retry,
    }


def step_deletion(ctx: Context, row: Row) -> None:
    info = row.doc["_deletion"]
    if info["status"] == "draining":
        info["status"] = "deleting"
        ctx.store.save(row, next_at=ctx.clock.after(simulate.DELETE_WORK_SECONDS))
        return
    info["status"] = "deleted"
    with ctx.store.transaction():
        ctx.store.save(row, next_at=None, hidden=True)
        if row.kind == "index":
            for video in ctx.store.query("video", parent=row.id):
                ctx.store.save(video, hidden=True)

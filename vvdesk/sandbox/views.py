"""Public JSON projections of stored documents.

Internal keys (``_``-prefixed) are stripped here and derived fields (video status,
per-run processing status, import outputs) are computed from the stored rows so
they can never drift from the underlying data.
"""

from __future__ import annotations

from typing import Any

from .context import Context
from .db import Row

RUN_TERMINAL = frozenset({"completed", "completed_with_failures", "failed", "cancelled"})


def public(doc: dict[str, Any]) -> dict[str, Any]:
    """Copy of ``doc`` without internal keys."""
    return {k: v for k, v in doc.items() if not k.startswith("_")}


def _segment_status_entry(seg: dict[str, Any]) -> dict[str, Any]:
    return {
        "segment_id": seg["segment_id"],
        "video_id": seg["video_id"],
        "status": seg["segment_status"],
        "start_time": seg["start_time"],
        "end_time": seg["end_time"],
        "started_at": seg.get("_started_at"),
        "completed_at": seg.get("processed_at"),
        "updated_at": seg.get("processed_at") or seg.get("created_at"),
        "error_message": seg.get("error_message"),
        "failure_stage": seg.get("failure_stage"),
        "attempt_id": seg.get("attempt_id"),
    }


def processing_status(ctx: Context, video_id: str) -> list[dict[str, Any]]:
    """Per-run status snapshots for one media item (oldest run first)."""
    by_run: dict[str, list[dict[str, Any]]] = {}
    for row in ctx.store.query("segment", parent=video_id, descending=False):
        by_run.setdefault(row.parent2 or "", []).append(row.doc)
    result = []
    for run_id, segs in by_run.items():
        run = ctx.store.get("run", run_id, include_hidden=True)
        counts = {s: sum(1 for g in segs if g["segment_status"] == s)
                  for s in ("pending", "processing", "completed", "failed", "cancelled")}
        result.append({
            "run_id": run_id,
            "prompt_id": run.doc["prompt_id"] if run else None,
            "status": run.doc["status"] if run else "unknown",
            "total_segments": len(segs),
            "pending_segments": counts["pending"],
            "processing_segments": counts["processing"],
            "successful_segments": counts["completed"],
            "failed_segments": counts["failed"],
            "created_at": segs[0].get("created_at"),
            "updated_at": max((g.get("processed_at") or g["created_at"]) for g in segs),
            "attempt_id": None,
            "video_level": None,
            "segments": [_segment_status_entry(g) for g in segs],
        })
    return result


def derive_video_status(statuses: list[dict[str, Any]]) -> str:
    """``processing`` > ``processed`` > ``failed`` > ``not_processed``."""
    if any(s["status"] not in RUN_TERMINAL for s in statuses):
        return "processing"
    if any(s["successful_segments"] for s in statuses):
        return "processed"
    if any(s["failed_segments"] for s in statuses):
        return "failed"
    return "not_processed"


def video_view(ctx: Context, row: Row, *, details: bool = False) -> dict[str, Any]:
    """``Video`` (or ``VideoWithDetails``) for one stored media row."""
    out = public(row.doc)
    statuses = processing_status(ctx, row.id)
    out["status"] = derive_video_status(statuses)
    out["processing_status"] = statuses
    keys: set[str] = set()
    for seg in ctx.store.query("segment", parent=row.id):
        if seg.doc.get("metadata"):
            keys.update(seg.doc["metadata"])
    out["metadata_keys"] = sorted(keys) if keys else None
    if details:
        out["gif_data"] = None
        out["first_thumbnail"] = None
    return out


def video_status_view(ctx: Context, row: Row) -> dict[str, Any]:
    statuses = processing_status(ctx, row.id)
    return {
        "video_id": row.id,
        "status": derive_video_status(statuses),
        "processing_status": statuses,
    }


def import_outputs(doc: dict[str, Any], start: int, limit: int) -> dict[str, Any]:
    """``{items, next_cursor, total}`` for an import job's ordered output manifest."""
    parts: list[dict[str, Any]] = doc.get("_parts", [])
    done = int(doc.get("_done", 0))
    failed = doc["status"] == "failed"
    items = []
    for i, part in enumerate(parts[start : start + limit], start=start):
        status = "ready" if i < done else ("failed" if failed else "pending")
        items.append({
            "file_id": part["file_id"],
            "file_name": part["file_name"],
            "source_ordinal": part["source_ordinal"],
            "part_index": part["part_index"],
            "part_count": part["part_count"],
            "source_start_seconds": part["start"],
            "source_end_seconds": part["end"],
            "video_id": part["video_id"],
            "title": part["title"],
            "status": status,
        })
    end = start + limit
    next_cursor = str(end) if end < len(parts) else None
    return {"items": items, "next_cursor": next_cursor, "total": len(parts)}


def import_job_view(row: Row) -> dict[str, Any]:
    out = public(row.doc)
    outputs = import_outputs(row.doc, 0, 100)
    out["outputs"] = outputs
    out["video_ids"] = [i["video_id"] for i in outputs["items"] if i["status"] == "ready"]
    return out


def segment_view(row: Row) -> dict[str, Any]:
    return public(row.doc)

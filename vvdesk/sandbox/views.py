"""Public JSON projections of stored documents.

Internal keys (``_``-prefixed) are stripped here and derived fields (video status,
per-run processing status, import outputs) are computed from the stored rows so
they can never drift from the underlying data.
"""

from __future__ import annotations

import json
from typing import Any

from . import pictures, video_level
from .context import Context
from .db import Row

RUN_TERMINAL = frozenset({"completed", "completed_with_failures", "failed", "cancelled"})

# Every key of the SDK's MarkerInfo; the sandbox sets no markers, so all are null.
EMPTY_MARKER: dict[str, Any] = {"marker_id": None, "color": None, "note": None,
                                "updated_at": None}
STOP_STATE_KEYS = ("requested_at", "requested_by", "mode", "observed_at", "completed_at")
MEDIA_URIS = ("gcs_uri", "thumbnail_gcs_uri", "gif_gcs_uri", "thumbnail_uri", "gif_uri")
STEP_ERRORS = ("field_extraction_error", "transcription_error", "image_embedding_error")
STEP_SUCCESS = ("field_extraction_succeeded", "transcription_succeeded",
                "image_embedding_succeeded")

# Every key of the SDK's Segment, with the value a segment has before anything happened.
SEGMENT_DEFAULTS: dict[str, Any] = {
    **dict.fromkeys(MEDIA_URIS), "processed": False, "processing_failed": False,
    "segment_status": "pending", "failure_stage": None, "failure_message": None,
    "attempt_id": None, "status_source": None, "metadata": None, "metadata_text": None,
    "created_at": None, "processed_at": None, "error_message": None,
    "processing_warning": None, "thumbnail_data": None, "thumbnail_available": False,
    "gif_data": None, "gif_available": False, "from_run_id": None,
    **dict.fromkeys(STEP_SUCCESS), **dict.fromkeys(STEP_ERRORS),
}

# PromptRun keys a stored run may lack (runs stored by older sandboxes included).
RUN_DEFAULTS: dict[str, Any] = {
    "error_message": None, "billing_error": None, **dict.fromkeys(STEP_SUCCESS),
    "video_level_enabled": False, "video_level_total_items": 0,
    "video_level_completed_items": 0, "video_level_failed_items": 0,
    "video_level_partial_items": 0,
}


def public(doc: dict[str, Any]) -> dict[str, Any]:
    """Copy of ``doc`` without internal keys."""
    return {k: v for k, v in doc.items() if not k.startswith("_")}


def marker(value: Any) -> dict[str, Any]:
    """A full ``MarkerInfo`` (stored docs may hold ``{}``)."""
    return {**EMPTY_MARKER, **(value if isinstance(value, dict) else {})}


def run_view(doc: dict[str, Any]) -> dict[str, Any]:
    """``PromptRun`` with every declared key."""
    out = {**RUN_DEFAULTS, **public(doc)}
    stop = out["stop_state"] if isinstance(out.get("stop_state"), dict) else {}
    out["stop_state"] = {k: stop.get(k) for k in STOP_STATE_KEYS}
    out["marker"] = marker(out.get("marker"))
    return out


def segment_view(row: Row, ctx: Context | None = None,
                 video: dict[str, Any] | None = None) -> dict[str, Any]:
    """``Segment`` with every declared key; with ``ctx`` also its pictures and locations
    (``video``: its media's document, looked up when absent)."""
    out = {**SEGMENT_DEFAULTS, **public(row.doc)}
    if ctx is not None:
        if video is None:
            found = ctx.store.get("video", row.doc["video_id"], include_hidden=True)
            video = found.doc if found else None
        out.update(pictures.segment_fields(ctx, row.doc, video))
    out["marker"] = marker(out.get("marker"))
    out["metadata_markers"] = {k: marker(v) for k, v in
                               (out.get("metadata_markers") or {}).items()}
    return out


def segment_result_view(ctx: Context, run: Row, seg: Row, video: Row | None,
                        prompt: dict[str, Any] | None) -> dict[str, Any]:
    """``SegmentRunResult`` for one successful segment of a run."""
    doc = segment_view(seg, ctx, video.doc if video else None)
    return {
        "result_type": "segment", "result_id": f"segment:{seg.id}:{run.id}",
        "segment_id": seg.id, "video_id": doc["video_id"], "run_id": run.id,
        "prompt_id": run.doc["prompt_id"], "prompt_run_id": run.id,
        "video_name": video.doc["title"] if video else None,
        "source_index_id": video.doc.get("_index_id") if video else None,
        "executed_at": run.doc["executed_at"], "start_time": doc["start_time"],
        "end_time": doc["end_time"], "segment_uri": None,
        **{k: doc[k] for k in MEDIA_URIS}, "thumbnail_available": doc["thumbnail_available"],
        "gif_available": doc["gif_available"], "metadata": doc["metadata"] or {},
        "metadata_text": doc["metadata_text"] or "",
        "processing_warning": doc["processing_warning"],
        "schema_used": json.dumps(prompt["json_schema"], sort_keys=True) if prompt else None,
        **{k: doc[k] for k in STEP_SUCCESS}, **{k: doc[k] for k in STEP_ERRORS},
        "marker": doc["marker"], "extracted_metadata_markers": {},
        "metadata_markers": doc["metadata_markers"],
    }


def failed_segment_view(seg: Row) -> dict[str, Any]:
    """``PromptRunFailedSegment`` (every simulated failure is a retryable extraction one)."""
    doc = segment_view(seg)
    return {
        "segment_id": seg.id, "failed_operations": ["field_extraction"],
        **{k: doc[k] for k in STEP_ERRORS}, "failure_stage": doc["failure_stage"],
        "failure_message": doc["failure_message"],
        "failure_code": "simulated_extraction_failure", "retryable": True,
        "start_time": doc["start_time"], "end_time": doc["end_time"], "projection_only": False,
    }


def video_result_view(ctx: Context, run: Row, video_id: str) -> dict[str, Any]:
    """``PromptRunVideoResult`` for one media item of a video-level run."""
    video = ctx.store.get("video", video_id, include_hidden=True)
    segs = [s.doc for s in ctx.store.query("segment", parent=video_id, parent2=run.id)]
    prompt = ctx.store.get("prompt", run.doc["prompt_id"], include_hidden=True)
    out = video_level.result_view(run.doc, video.doc if video else None, video_id, segs,
                                  prompt.doc if prompt else None)
    out["marker"] = marker(None)
    return out


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
            "video_level": (video_level.processing_entry(run_id, video_id, segs)
                            if run and run.doc.get("video_level_enabled") else None),
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
    out["marker"] = marker(out.get("marker"))
    if details:
        out.update(pictures.video_fields(ctx, row.doc))
    return out


def video_status_view(ctx: Context, row: Row) -> dict[str, Any]:
    statuses = processing_status(ctx, row.id)
    return {
        "video_id": row.id,
        "status": derive_video_status(statuses),
        "processing_status": statuses,
    }


def part_state(doc: dict[str, Any], i: int) -> str:
    """``pending``, ``completed`` or ``failed`` of output part ``i`` (jobs stored before parts
    had a state count the first ``_done`` parts as completed)."""
    part = doc["_parts"][i]
    state = part.get("state")
    if state is None:
        state = "completed" if i < int(doc.get("_done", 0)) else "pending"
    return str(state)


def import_outputs(doc: dict[str, Any], start: int, limit: int) -> dict[str, Any]:
    """``{items, next_cursor, total}`` for an import job's ordered output manifest."""
    parts: list[dict[str, Any]] = doc.get("_parts", [])
    failed = doc["status"] == "failed"
    cancelled = doc["status"] == "cancelled"
    items = []
    for i, part in enumerate(parts[start : start + limit], start=start):
        status = part_state(doc, i)
        if status == "pending" and (cancelled or failed):
            status = "cancelled" if cancelled else "failed"
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
    """``ImportJob``; ``skipped_files`` (``[{path, reason}]``) is a contract key the SDK
    model does not declare."""
    out = {"skipped_files": [], "failed_files": [], "failed_files_next_cursor": None,
           **public(row.doc)}
    outputs = import_outputs(row.doc, 0, 100)
    out["outputs"] = outputs
    out["video_ids"] = [i["video_id"] for i in outputs["items"] if i["status"] == "completed"]
    return out

"""Simulated video-level (whole-media) results, derived from a run's segments.

A run has video-level extraction when its prompt carries ``video_level`` instructions and
its video segmentation is not ``fixed`` (the SDK: "fixed mode is segment-only"). Each
media item's result is a pure function of that media's segments in the run, so it never
drifts from them (and a segment retry updates it)::

    ok      = completed segments (time order);  bad = failed segments
    status  = "pending" (none finished) | "processing" (some unfinished)
              | "completed" (all ok) | "partial" (some ok, some failed) | "failed" (none ok)
              | "cancelled" (unfinished segments were cancelled)
    labels  = the distinct ``metadata.label`` of ``ok`` in first-seen order
    dominant_label = the most frequent label (first seen wins a tie)
    metadata = {"dominant_label", "labels", "segment_count": len(ok)}
    metadata_text = f"{dominant_label} media: {len(ok)} segments labelled {', '.join(labels)}"
    source_fingerprint = sha256("".join(fingerprints of ok))[:16]
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Any

FINISHED = ("completed", "failed", "cancelled")


def enabled(prompt: dict[str, Any] | None, options: dict[str, Any]) -> bool:
    """Whether a run of ``prompt`` with ``options`` produces video-level results."""
    return bool(prompt and prompt.get("video_level")) and (
        options.get("video_segmentation_type", "smart") != "fixed")


def _status(segs: list[dict[str, Any]]) -> str:
    states = [s["segment_status"] for s in segs]
    if not states or all(s == "pending" for s in states):
        return "pending"
    if any(s not in FINISHED for s in states):
        return "processing"
    if "cancelled" in states:
        return "cancelled"
    ok = states.count("completed")
    if ok == len(states):
        return "completed"
    return "partial" if ok else "failed"


def summary(segs: list[dict[str, Any]]) -> dict[str, Any]:
    """Status, counts, metadata and timing of one media item's video-level result."""
    ordered = sorted(segs, key=lambda s: float(s["start_time"]))
    ok = [s for s in ordered if s["segment_status"] == "completed"]
    bad = [s for s in ordered if s["segment_status"] == "failed"]
    status = _status(ordered)
    labels = list(dict.fromkeys(str((s.get("metadata") or {}).get("label")) for s in ok))
    counts = Counter(str((s.get("metadata") or {}).get("label")) for s in ok)
    dominant = max(labels, key=lambda label: counts[label]) if labels else None
    finished = status in ("completed", "partial")
    metadata = ({"dominant_label": dominant, "labels": labels, "segment_count": len(ok)}
                if finished else {})
    text = (f"{dominant} media: {len(ok)} segments labelled {', '.join(labels)}"
            if finished else "")
    prints = "".join(str((s.get("metadata") or {}).get("fingerprint", "")) for s in ok)
    times = [s["processed_at"] for s in ordered if s.get("processed_at")]
    return {
        "status": status, "ok": ok, "bad": bad, "metadata": metadata, "metadata_text": text,
        "fingerprint": hashlib.sha256(prints.encode()).hexdigest()[:16] if ok else None,
        "started_at": min(times) if times else None,
        "completed_at": max(times) if status not in ("pending", "processing") and times else None,
        "error": "No segment of this media succeeded" if status == "failed" else None,
    }


def processing_entry(run_id: str, video_id: str, segs: list[dict[str, Any]]) -> dict[str, Any]:
    """``VideoLevelProcessingStatus`` inside a video's per-run processing snapshot."""
    s = summary(segs)
    return {
        "status": s["status"], "result_available": s["status"] in ("completed", "partial"),
        "successful_segment_count": len(s["ok"]), "failed_segment_count": len(s["bad"]),
        "started_at": s["started_at"], "completed_at": s["completed_at"],
        "updated_at": s["completed_at"] or s["started_at"], "error_message": s["error"],
        "attempt_id": attempt_id(run_id, video_id),
    }


def attempt_id(run_id: str, video_id: str) -> str:
    return "vla_" + hashlib.sha256(f"{run_id}:{video_id}".encode()).hexdigest()[:16]


def result_view(run: dict[str, Any], video: dict[str, Any] | None, video_id: str,
                segs: list[dict[str, Any]], prompt: dict[str, Any] | None) -> dict[str, Any]:
    """``PromptRunVideoResult`` for one media item of a run."""
    s = summary(segs)
    preview = s["ok"][0] if s["ok"] else None
    level = (prompt or {}).get("video_level") or {}
    return {
        "result_type": "video", "result_id": f"video:{video_id}:{run['run_id']}",
        "run_id": run["run_id"], "prompt_id": run["prompt_id"], "prompt_run_id": run["run_id"],
        "video_id": video_id, "video_name": video["title"] if video else None,
        "source_index_id": video.get("_index_id") if video else None,
        "executed_at": run["executed_at"], "status": s["status"], "metadata": s["metadata"],
        "metadata_text": s["metadata_text"],
        "raw_llm_response": json.dumps(s["metadata"], sort_keys=True) if s["metadata"] else None,
        "processing_warning": None,
        "schema_used": json.dumps(level["json_schema"], sort_keys=True) if level else None,
        "successful_segment_count": len(s["ok"]), "failed_segment_count": len(s["bad"]),
        "source_fingerprint": s["fingerprint"],
        "embedding_status": "completed" if s["metadata"] else None, "embedding_error": None,
        "attempt_id": attempt_id(run["run_id"], video_id), "error_message": s["error"],
        "started_at": s["started_at"], "completed_at": s["completed_at"],
        "segment_uri": None, "gcs_uri": None, "thumbnail_uri": None, "thumbnail_gcs_uri": None,
        "gif_uri": None, "gif_gcs_uri": None, "thumbnail_available": False,
        "gif_available": False,
        "preview_segment_id": preview["segment_id"] if preview else None,
        "preview_start_time": preview["start_time"] if preview else None,
        "preview_end_time": preview["end_time"] if preview else None,
        "preview_segment_uri": None, "preview_thumbnail_uri": None, "preview_gif_uri": None,
        "marker": None,
    }

"""Prompt-run lifecycle: plan segments, complete them one by one, finalise counters."""

from __future__ import annotations

from typing import Any

from . import clock, previews, simulate, video_level
from .context import Context
from .db import Row
from .ids import new_id
from .views import EMPTY_MARKER, RUN_TERMINAL, STOP_STATE_KEYS

MEDIA_PLURAL = {"video": "videos", "audio": "audios", "image": "images"}


def new_run(
    ctx: Context,
    *,
    prompt: dict[str, Any],
    run_context: dict[str, Any],
    video_ids: list[str],
    options: dict[str, Any],
    index_id: str | None,
    run_id: str | None = None,
) -> Row:
    """Insert a pending PromptRun over ``video_ids``."""
    run_id = run_id or new_id("run")
    seconds = 0.0
    for vid in video_ids:
        video = ctx.store.get("video", vid)
        if video:
            seconds += float(video.doc["_duration"])
    doc: dict[str, Any] = {
        "run_id": run_id,
        "prompt_id": prompt["prompt_id"],
        "prompt_name": prompt["name"],
        "prompt_type": "custom" if not prompt.get("_default") else "default",
        "executed_at": clock.iso(),
        "executed_by": ctx.user_id,
        "status": "pending",
        "run_context": run_context,
        "video_segmentation_type": options.get("video_segmentation_type", "smart"),
        "audio_segmentation_type": options.get("audio_segmentation_type", "content_aware"),
        "image_segmentation_type": "image",
        "video_segment_duration": options.get("video_segment_duration"),
        "audio_segment_duration": options.get("audio_segment_duration"),
        "processing_model": options.get("processing_model"),
        "enable_transcription": options.get("enable_transcription", True),
        "enable_image_embedding": options.get("enable_image_embedding", True),
        "created_new_segments": True,
        "total_video_seconds": round(seconds, 3),
        "billing_estimated_mt": estimate_mt(seconds, len(video_ids)),
        "billing_actual_mt": 0.0,
        "billing_status": "estimated",
        "billing_error": None,
        "error_message": None,
        "field_extraction_succeeded": None,
        "transcription_succeeded": None,
        "image_embedding_succeeded": None,
        "video_level_enabled": video_level.enabled(prompt, options),
        "video_level_total_items": 0,
        "video_level_completed_items": 0,
        "video_level_failed_items": 0,
        "video_level_partial_items": 0,
        "stop_state": dict.fromkeys(STOP_STATE_KEYS),
        "marker": dict(EMPTY_MARKER),
        "_video_ids": video_ids,
        "_options": options,
        "_queue": [],
        "_next": 0,
    }
    for media in MEDIA_PLURAL.values():
        for prefix in ("total", "completed", "failed", "partial", "cancelled"):
            doc[f"{prefix}_{media}"] = 0
    doc.update(total_segments=0, completed_segments=0, field_extraction_failures=0,
               transcription_failures=0, image_embedding_failures=0)
    return ctx.store.insert("run", run_id, doc, parent=index_id,
                            next_at=ctx.clock.after(simulate.RUN_QUEUE_SECONDS))


def estimate_mt(seconds: float, media_count: int) -> float:
    """Pretend pricing: 0.02 MT per media second plus 0.5 MT per item."""
    return round(seconds * 0.02 + media_count * 0.5, 3)


def _plan(ctx: Context, row: Row) -> None:
    doc = row.doc
    queue: list[str] = []
    now = clock.iso()
    with ctx.store.transaction():
        for vid in doc["_video_ids"]:
            video = ctx.store.get("video", vid)
            if video is None:
                continue
            vdoc = video.doc
            media = vdoc["media_type"]
            doc[f"total_{MEDIA_PLURAL.get(media, 'videos')}"] += 1
            spans = simulate.plan_segments(media, float(vdoc["_duration"]), doc["_options"])
            for i, (start, end) in enumerate(spans):
                seg_id = new_id("seg")
                seg = {
                    "segment_id": seg_id, "video_id": vid, "start_time": start,
                    "end_time": end, "processed": False, "processing_failed": False,
                    "segment_status": "pending", "from_run_id": row.id, "created_at": now,
                    "processed_at": None, "metadata": None, "metadata_text": None,
                    "status_source": "prompt_run", "marker": dict(EMPTY_MARKER),
                    "metadata_markers": {},
                    "_index": i, "_count": len(spans),
                }
                ctx.store.insert("segment", seg_id, seg, parent=vid, parent2=row.id)
                queue.append(seg_id)
        if doc.get("video_level_enabled"):
            doc["video_level_total_items"] = sum(
                doc[f"total_{plural}"] for plural in MEDIA_PLURAL.values())
        doc.update(status="processing", _queue=queue, _next=0, total_segments=len(queue))
        ctx.store.save(row, next_at=ctx.clock.after(simulate.RUN_SEGMENT_SECONDS))


def _complete_segment(ctx: Context, row: Row, seg_id: str) -> None:
    seg = ctx.store.get("segment", seg_id)
    if seg is None:
        return
    video = ctx.store.get("video", seg.doc["video_id"], include_hidden=True)
    vdoc: dict[str, Any] = video.doc if video else {"title": "", "_filename": "",
                                                     "_blob_sha": "", "_part_index": 0}
    sdoc = seg.doc
    index, count = int(sdoc["_index"]), int(sdoc["_count"])
    sdoc.update(processed_at=clock.iso(), attempt_id=new_id("att"))
    if simulate.should_fail(vdoc["title"], vdoc["_filename"], index, count):
        message = f"Simulated field extraction failure for segment {index}"
        sdoc.update(segment_status="failed", processing_failed=True,
                    failure_stage="field_extraction", failure_message=message,
                    error_message=message, field_extraction_succeeded=False,
                    field_extraction_error=message)
        row.doc["field_extraction_failures"] += 1
    else:
        metadata, text = simulate.segment_metadata(vdoc["_blob_sha"], int(vdoc["_part_index"]),
                                                   index)
        sdoc.update(segment_status="completed", processed=True, metadata=metadata,
                    metadata_text=text, field_extraction_succeeded=True,
                    transcription_succeeded=row.doc["enable_transcription"] or None,
                    image_embedding_succeeded=row.doc["enable_image_embedding"] or None)
        row.doc["completed_segments"] += 1
    ctx.store.save(seg)
    previews.queue(ctx, "segment", seg_id)


def tally(ctx: Context, row: Row) -> None:
    """Recount a finished run's per-media, segment and video-level outcomes and settle its
    status from its segments (after processing, and again after a segment retry)."""
    doc = row.doc
    for plural in MEDIA_PLURAL.values():
        for prefix in ("completed", "failed", "partial"):
            doc[f"{prefix}_{plural}"] = 0
    for prefix in ("completed", "failed", "partial"):
        doc[f"video_level_{prefix}_items"] = 0
    failed_total = completed_total = 0
    for vid in doc["_video_ids"]:
        video = ctx.store.get("video", vid, include_hidden=True)
        if video is None:
            continue
        plural = MEDIA_PLURAL.get(video.doc["media_type"], "videos")
        segs = [s.doc for s in ctx.store.query("segment", parent=vid, parent2=row.id)]
        bad = sum(1 for s in segs if s["processing_failed"])
        failed_total += bad
        completed_total += sum(1 for s in segs if s["segment_status"] == "completed")
        outcome = "completed" if bad == 0 else "failed" if bad == len(segs) else "partial"
        doc[f"{outcome}_{plural}"] += 1
        if doc.get("video_level_enabled"):
            level = video_level.summary(segs)["status"]
            if level in ("completed", "failed", "partial"):
                doc[f"video_level_{level}_items"] += 1
    doc.update(completed_segments=completed_total, field_extraction_failures=failed_total)
    if failed_total == 0:
        status, error = "completed", None
    elif completed_total == 0:
        status, error = "failed", "All segments failed"
    else:
        status, error = "completed_with_failures", None
    some = completed_total > 0 or None
    doc.update(status=status, error_message=error,
               field_extraction_succeeded=failed_total == 0,
               transcription_succeeded=some if doc["enable_transcription"] else None,
               image_embedding_succeeded=some if doc["enable_image_embedding"] else None)


def _finalise(ctx: Context, row: Row) -> None:
    tally(ctx, row)
    row.doc.update(billing_actual_mt=row.doc["billing_estimated_mt"], billing_status="charged")
    ctx.store.save(row, next_at=None)
    for hook in ctx.hooks.run_finished:
        hook(ctx, row)


def step_run(ctx: Context, row: Row) -> None:
    """Advance a run by one simulated step."""
    doc = row.doc
    if doc["status"] == "pending":
        _plan(ctx, row)
        if not doc["_queue"]:
            _finalise(ctx, row)
        return
    if doc["status"] != "processing":
        ctx.store.save(row, next_at=None)
        return
    queue: list[str] = doc["_queue"]
    position = int(doc["_next"])
    with ctx.store.transaction():
        if position < len(queue):
            _complete_segment(ctx, row, queue[position])
            doc["_next"] = position + 1
        ctx.store.save(row, next_at=ctx.clock.after(simulate.RUN_SEGMENT_SECONDS))
    if doc["_next"] >= len(queue):
        _finalise(ctx, row)


def cancel_run(ctx: Context, row: Row) -> None:
    """Stop a non-terminal run; unprocessed segments become ``cancelled``."""
    doc = row.doc
    if doc["status"] in RUN_TERMINAL:
        return
    now = clock.iso()
    touched: set[str] = set()
    with ctx.store.transaction():
        for seg_id in doc["_queue"][int(doc["_next"]):]:
            seg = ctx.store.get("segment", seg_id)
            if seg is None:
                continue
            seg.doc.update(segment_status="cancelled", processed_at=now)
            touched.add(seg.doc["video_id"])
            ctx.store.save(seg)
        for vid in doc["_video_ids"] if doc["status"] == "pending" else touched:
            video = ctx.store.get("video", vid)
            if video:
                plural = MEDIA_PLURAL.get(video.doc["media_type"], "videos")
                doc[f"cancelled_{plural}"] += 1
        doc["stop_state"] = {"requested_at": now, "requested_by": ctx.user_id, "mode": "cancel",
                             "observed_at": now, "completed_at": now}
        some = doc["completed_segments"] > 0 or None
        doc.update(field_extraction_succeeded=(doc["field_extraction_failures"] == 0
                                               if some else None),
                   transcription_succeeded=some if doc["enable_transcription"] else None,
                   image_embedding_succeeded=some if doc["enable_image_embedding"] else None)
        doc["status"] = "cancelled"
        ctx.store.save(row, next_at=None)
    for hook in ctx.hooks.run_finished:
        hook(ctx, row)

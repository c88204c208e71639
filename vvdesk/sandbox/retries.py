"""Retry of one failed segment of a finished prompt run.

Simulated failures are transient: a retry waits ``RUN_QUEUE_SECONDS`` queued, then one
``RUN_SEGMENT_SECONDS`` step, and then succeeds with the segment's deterministic metadata
(``simulate.segment_metadata``), so ``failed-segments`` saying ``retryable: true`` holds.
The run is then recounted (``runs.tally``): a run whose last failed segment was retried
becomes ``completed``.
"""

from __future__ import annotations

from typing import Any

from . import clock, search, simulate
from .context import Context
from .db import Row
from .errors import conflict, not_found
from .ids import new_id
from .runs import tally

RETRYABLE_RUNS = ("completed", "completed_with_failures", "failed")
BUSY = ("pending", "processing")
STEP_SUCCESS = ("field_extraction_succeeded", "transcription_succeeded",
                "image_embedding_succeeded")


def load_segment_of(ctx: Context, run: Row, video_id: str, segment_id: str) -> Row:
    """The segment ``segment_id`` of ``video_id`` in ``run``, or 404."""
    seg = ctx.store.get("segment", segment_id)
    if seg is None or seg.parent2 != run.id or seg.doc["video_id"] != video_id:
        raise not_found("segment", segment_id)
    return seg


def start_retry(ctx: Context, run: Row, seg: Row, idempotency_key: str | None) -> Row:
    """Queue a retry of a failed segment (409 when the run or segment does not allow one)."""
    if run.doc["status"] not in RETRYABLE_RUNS:
        raise conflict("resource_prompt_run_not_finished",
                       "Segments can be retried once the prompt run has finished",
                       run_id=run.id, status=run.doc["status"])
    for other in ctx.store.query("retry", parent=run.id, parent2=seg.id):
        if other.doc["status"] in BUSY:
            raise conflict("resource_segment_retry_in_progress",
                           "A retry of this segment is already under way",
                           segment_id=seg.id, retry_id=other.id)
    if not seg.doc.get("processing_failed"):
        raise conflict("resource_segment_not_retryable", "Only a failed segment can be retried",
                       segment_id=seg.id, segment_status=seg.doc["segment_status"])
    seconds = float(seg.doc["end_time"]) - float(seg.doc["start_time"])
    retry_id = new_id("rty")
    doc: dict[str, Any] = {
        "run_id": run.id, "retry_id": retry_id, "status": "pending",
        "message": "Retry queued", "idempotency_key": idempotency_key,
        "video_id": seg.doc["video_id"], "segment_id": seg.id, "created_at": clock.iso(),
        "started_at": None, "completed_at": None, "error": None,
        "billing_estimated_mt": round(seconds * 0.02, 3), "billing_actual_mt": 0.0,
        "billing_status": "estimated", "billing_error": None,
        **dict.fromkeys(STEP_SUCCESS),
    }
    return ctx.store.insert("retry", retry_id, doc, parent=run.id, parent2=seg.id,
                            next_at=ctx.clock.after(simulate.RUN_QUEUE_SECONDS))


def load_retry(ctx: Context, seg: Row, retry_id: str) -> Row:
    row = ctx.store.get("retry", retry_id)
    if row is None or row.parent2 != seg.id:
        raise not_found("segment_retry", retry_id)
    return row


def retry_view(row: Row, *, with_outcome: bool) -> dict[str, Any]:
    """``PromptRunSegmentRetry`` (dispatch answer) or ``…RetryStatus`` (``with_outcome``)."""
    doc = row.doc
    if with_outcome:
        return {k: v for k, v in doc.items() if k not in ("message", "idempotency_key")}
    return {k: v for k, v in doc.items() if k not in STEP_SUCCESS}


def step_retry(ctx: Context, row: Row) -> None:
    """pending → processing → completed (the segment gets its deterministic metadata)."""
    doc = row.doc
    if doc["status"] == "pending":
        doc.update(status="processing", started_at=clock.iso(), message="Retry running")
        ctx.store.save(row, next_at=ctx.clock.after(simulate.RUN_SEGMENT_SECONDS))
        return
    run = ctx.store.get("run", doc["run_id"], include_hidden=True)
    seg = ctx.store.get("segment", doc["segment_id"], include_hidden=True)
    video = ctx.store.get("video", doc["video_id"], include_hidden=True)
    with ctx.store.transaction():
        if run is None or seg is None or video is None:
            doc.update(status="failed", completed_at=clock.iso(), message="Retry failed",
                       error="The segment's media or prompt run no longer exists")
            ctx.store.save(row, next_at=None)
            return
        metadata, text = simulate.segment_metadata(video.doc["_blob_sha"],
                                                   int(video.doc["_part_index"]),
                                                   int(seg.doc["_index"]))
        transcription = run.doc["enable_transcription"] or None
        embedding = run.doc["enable_image_embedding"] or None
        seg.doc.update(segment_status="completed", processed=True, processing_failed=False,
                       metadata=metadata, metadata_text=text, processed_at=clock.iso(),
                       failure_stage=None, failure_message=None, error_message=None,
                       field_extraction_error=None, field_extraction_succeeded=True,
                       transcription_succeeded=transcription,
                       image_embedding_succeeded=embedding, attempt_id=new_id("att"),
                       status_source="segment_retry")
        ctx.store.save(seg)
        tally(ctx, run)
        search.index_run(ctx, run)  # the retried segment becomes searchable
        run.doc["billing_actual_mt"] = round(run.doc["billing_actual_mt"]
                                             + doc["billing_estimated_mt"], 3)
        ctx.store.save(run)
        doc.update(status="completed", completed_at=clock.iso(), message="Retry completed",
                   billing_actual_mt=doc["billing_estimated_mt"], billing_status="charged",
                   field_extraction_succeeded=True, transcription_succeeded=transcription,
                   image_embedding_succeeded=embedding)
        ctx.store.save(row, next_at=None)

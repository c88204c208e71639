"""Pictures off the request path: a first thumbnail + GIF per media item, one per segment.

A job is a row of kind ``preview`` (id ``video:<id>`` or ``segment:<id>``) that the
worker picks up when due. The decoding and encoding (mediakit) run in one worker
thread; the JPEG/GIF bytes are content-addressed blobs, and their sha256 land on the
media or segment document (``_thumb_sha``, ``_gif_sha``) back on the event loop. A
segment's thumbnail also gives the image-search vector (search_store). Jobs that were
running when the server stopped are queued again at start.

What each picture shows (deterministic for the same bytes):

* video: the frame at the middle of the segment (media: at 1 s, or the middle when
  shorter); GIF: 6 frames spread over the segment (media: over the whole part);
* audio: a 320x90 waveform of the segment (media: of the whole part), no GIF;
* image: the image itself, no GIF;
* bytes FFmpeg cannot decode: a generated placeholder (colour from the blob's sha256,
  a mark for the media type), no GIF.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import sqlite3
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import blobs, clock, mediakit, search_store
from .context import Context
from .db import Row

log = logging.getLogger("vvdesk.sandbox")
_pool: ThreadPoolExecutor | None = None


@dataclass(frozen=True)
class Plan:
    """Everything the worker thread needs (no database access there)."""

    path: Path
    media_type: str
    decoded: bool | None  # None: a media row from before probing existed; probe it now
    start: float  # seconds in the file
    end: float
    seed: str
    with_gif: bool
    first: bool  # the media's first thumbnail (not a segment's)


@dataclass(frozen=True)
class Rendered:
    thumb_sha: str
    gif_sha: str | None
    vector: np.ndarray | None


def queue(ctx: Context, target: str, target_id: str) -> None:
    """Ask for the pictures of one media item (``video``) or segment (``segment``)."""
    job_id = f"{target}:{target_id}"
    if ctx.store.get("preview", job_id, include_hidden=True) is None:
        ctx.store.insert("preview", job_id, {"target": target, "id": target_id,
                                            "state": "queued"},
                         parent=target_id, next_at=clock.now())


def resume(ctx: Context) -> None:
    """Queue again the jobs a stopped server left running (and, once, the pictures of a data
    dir made before there were any)."""
    for row in ctx.store.query("preview"):
        if row.doc.get("state") == "running":
            row.doc["state"] = "queued"
            ctx.store.save(row, next_at=clock.now())
    if ctx.store.setting("pictures_backfilled"):
        return
    for kind in ("video", "segment"):
        for row in ctx.store.query(kind, include_hidden=True):
            if "_thumb_sha" not in row.doc and row.doc.get("segment_status", "") != "pending":
                queue(ctx, kind, row.id)
    ctx.store.set_setting("pictures_backfilled", "1")


def shutdown() -> None:
    """Stop the worker thread (pending renders are dropped; ``resume`` redoes them)."""
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


def _lower_priority() -> None:
    """Pictures may wait: on a busy machine the requests and the simulation go first."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


def step_preview(ctx: Context, row: Row) -> None:
    """Worker step: hand the job to the thread; the result is applied on the loop."""
    global _pool
    plan = _plan(ctx, row.doc)
    if plan is None:
        ctx.store.delete(row)
        return
    row.doc["state"] = "running"
    ctx.store.save(row, next_at=None)
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sandbox-previews",
                                   initializer=_lower_priority)
    loop = asyncio.get_running_loop()
    future: Future[Rendered] = _pool.submit(render, ctx.blob_dir, plan)
    wrapped = asyncio.wrap_future(future, loop=loop)
    wrapped.add_done_callback(lambda done: _apply(ctx, row.id, done))


def _plan(ctx: Context, job: dict[str, Any]) -> Plan | None:
    target = ctx.store.get(job["target"], job["id"], include_hidden=True)
    if target is None:
        return None
    if job["target"] == "segment":
        video = ctx.store.get("video", target.doc["video_id"], include_hidden=True)
        if video is None:
            return None
        vdoc, seg = video.doc, target.doc
        offset = float(vdoc.get("_offset") or 0.0)
        start, end = offset + float(seg["start_time"]), offset + float(seg["end_time"])
        seed = f"{vdoc['_blob_sha']}:{vdoc.get('_part_index', 0)}:{seg.get('_index', 0)}"
        first = False
    else:
        vdoc = target.doc
        offset = float(vdoc.get("_offset") or 0.0)
        start, end = offset, offset + float(vdoc.get("_duration") or 0.0)
        seed = f"{vdoc['_blob_sha']}:{vdoc.get('_part_index', 0)}"
        first = True
    media_type = vdoc["media_type"]
    decoded = vdoc.get("_decoded")
    return Plan(path=ctx.blob_dir / vdoc["_blob_sha"], media_type=media_type, decoded=decoded,
                start=start, end=end, seed=seed, first=first,
                with_gif=decoded is not False and media_type == "video")


def render(blob_dir: Path, plan: Plan) -> Rendered:
    """Make the pictures of one plan and store them as blobs (runs in the worker thread)."""
    thumb, gif = b"", None
    decoded = plan.decoded
    if decoded is None:
        decoded = mediakit.probe(plan.path) is not None
    if decoded:
        try:
            thumb, gif = _real(plan)
        except Exception:  # a file that probed fine can still fail mid-way: say so, go on
            log.warning("could not render a preview of %s; using a placeholder", plan.path.name)
            thumb, gif = b"", None
    if not thumb:
        thumb = mediakit.placeholder(plan.seed, plan.media_type)
    vector = _features(thumb)
    thumb_sha = blobs.put_bytes(blob_dir, thumb)
    gif_sha = blobs.put_bytes(blob_dir, gif) if gif else None
    return Rendered(thumb_sha, gif_sha, vector)


@functools.lru_cache(maxsize=1024)
def _features(picture: bytes) -> np.ndarray | None:
    """Image vector of a picture (placeholders repeat: remembered by their bytes)."""
    return mediakit.picture_features(picture)


def _real(plan: Plan) -> tuple[bytes, bytes | None]:
    if plan.media_type == "image":
        return mediakit.still_thumbnail(plan.path), None
    if plan.media_type == "audio":
        return mediakit.waveform_thumbnail(plan.path, plan.start, plan.end), None
    at_start = plan.first and plan.end - plan.start > 2.0
    frame_span = (plan.start, plan.start + 2.0) if at_start else (plan.start, plan.end)
    thumb = mediakit.video_thumbnail(plan.path, *frame_span)
    gif = mediakit.video_gif(plan.path, plan.start, plan.end) if plan.with_gif else None
    return thumb, gif


def _apply(ctx: Context, job_id: str, done: asyncio.Future[Rendered]) -> None:
    if done.cancelled():
        return
    try:
        _store(ctx, job_id, done)
    except sqlite3.ProgrammingError:  # the store closed while the thread worked
        return


def _store(ctx: Context, job_id: str, done: asyncio.Future[Rendered]) -> None:
    job = ctx.store.get("preview", job_id, include_hidden=True)
    if job is None:
        return
    error = done.exception()
    if error is not None:
        log.error("preview job %s failed: %s", job_id, type(error).__name__)
        job.doc["state"] = "failed"
        ctx.store.save(job, next_at=None)
        return
    result = done.result()
    target = ctx.store.get(job.doc["target"], job.doc["id"], include_hidden=True)
    with ctx.store.transaction():
        if target is not None:
            target.doc["_thumb_sha"] = result.thumb_sha
            target.doc["_gif_sha"] = result.gif_sha
            ctx.store.save(target)
            if target.kind == "segment" and result.vector is not None:
                search_store.put_image(ctx.store.conn, target.id, result.vector,
                                       result.thumb_sha, result.gif_sha)
        ctx.store.delete(job)

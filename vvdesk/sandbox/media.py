"""Import jobs and media rows: from a stored blob to one video per output part.

When a job starts importing, every source file is probed with FFmpeg (mediakit):
a file that decodes gets its real duration (and the parts are re-planned from it);
one that does not keeps the size-based simulated length. Each new media row queues
its first thumbnail/preview (previews.py).

Every output part has a ``state`` (``pending``, ``completed``, ``failed``); the worker takes
the first pending one. A connector source that cannot be imported (an empty bucket file;
on a retry, one gone from the bucket) fails as a whole: its parts are ``failed``, the file
is in ``failed_files`` with the reason, and the job ends ``failed`` with what it could
import kept. A retry reads failed sources from the bucket again and imports only those.
"""

from __future__ import annotations

from typing import Any

from . import buckets, clock, mediakit, previews, simulate
from .context import Context
from .db import Row
from .errors import conflict
from .ids import new_id
from .views import part_state


def make_source(
    *, blob_sha: str, size: int, filename: str, title: str, media_type: str,
    duration: float | None = None, video_uri: str | None = None,
    bucket_key: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """One source file of an import job (its length derived from size unless given).
    ``bucket_key`` (bucket folder, key) is where a connector source is read from."""
    length = simulate.duration_for(media_type, size) if duration is None else duration
    return {"blob_sha": blob_sha, "size": size, "filename": filename, "title": title,
            "media_type": media_type, "duration": length, "video_uri": video_uri,
            "file_id": new_id("file"), "failure": None,
            "bucket_key": list(bucket_key) if bucket_key else None}


def new_import_job(
    ctx: Context,
    *,
    source_kind: str,
    sources: list[dict[str, Any]],
    index_id: str | None,
    connector_id: str | None = None,
    source_prefix: str = "",
    file_pattern: str = "*",
    recursive: bool = True,
    preset: dict[str, Any] | None = None,
    skipped: list[dict[str, str]] | None = None,
) -> Row:
    """Create a pending import job whose outputs (and video ids) are planned up front.

    ``skipped`` lists source files left out before import (``{path, reason}``)."""
    job_id = new_id("job")
    parts = plan_parts(sources, [])
    doc: dict[str, Any] = {
        "job_id": job_id,
        "status": "pending",
        "phase": "queued",
        "source_kind": source_kind,
        "connector_id": connector_id,
        "target_index_id": index_id,
        "source_prefix": source_prefix,
        "file_pattern": file_pattern,
        "recursive": recursive,
        "created_at": clock.iso(),
        "started_at": None,
        "completed_at": None,
        "error_message": None,
        "progress": {
            "total_files": len(sources) + len(skipped or []), "imported": 0, "failed": 0,
            "skipped": len(skipped or []),
            "bytes_transferred": 0, "current_file": None, "parts_total": len(parts),
            "parts_completed": 0, "parts_failed": 0,
        },
        "execution": {"status": "pending" if preset else "not_requested", "run_id": None,
                      "error_code": None, "error": None},
        "failed_files": [],
        "failed_files_next_cursor": None,
        "skipped_files": list(skipped or []),
        "_parts": parts,
        "_done": 0,
        "_sources": sources,
        "_preset": preset,
    }
    return ctx.store.insert("import_job", job_id, doc,
                            next_at=ctx.clock.after(simulate.IMPORT_QUEUE_SECONDS))


def plan_parts(sources: list[dict[str, Any]], previous: list[dict[str, Any]]
               ) -> list[dict[str, Any]]:
    """Output parts of ``sources``; a part already planned in ``previous`` keeps its video id
    and its state."""
    known = {(p["source_ordinal"], p["part_index"]): p["video_id"] for p in previous}
    states = {(p["source_ordinal"], p["part_index"]): p.get("state", "pending")
              for p in previous}
    parts = []
    for ordinal, src in enumerate(sources):
        spans = simulate.split_parts(src["media_type"], src["duration"])
        for i, (start, end) in enumerate(spans):
            title = src["title"]
            part_title = title if len(spans) == 1 else f"{title} (part {i + 1} of {len(spans)})"
            parts.append({
                "file_id": src["file_id"], "file_name": src["filename"],
                "source_ordinal": ordinal, "part_index": i, "part_count": len(spans),
                "start": start, "end": end, "title": part_title,
                "video_id": known.get((ordinal, i)) or new_id("vid"),
                "state": states.get((ordinal, i), "pending"),
            })
    return parts


def probe_sources(ctx: Context, doc: dict[str, Any]) -> None:
    """Real length and size of every decodable source; re-plan the parts if lengths moved."""
    changed = False
    for src in doc["_sources"]:
        if "decoded" in src:
            continue
        found = mediakit.probe(ctx.blob_dir / src["blob_sha"], src["filename"])
        src["decoded"] = found is not None
        if found is None:
            continue
        src["width"], src["height"] = found.width, found.height
        if src["media_type"] != "image" and found.duration > 0:
            changed = changed or abs(found.duration - float(src["duration"])) > 1e-3
            src["duration"] = found.duration
    if changed:
        doc["_parts"] = plan_parts(doc["_sources"], doc["_parts"])
        doc["progress"]["parts_total"] = len(doc["_parts"])


def create_media_row(
    ctx: Context, *, video_id: str, title: str, filename: str, blob_sha: str,
    media_type: str, duration: float, index_id: str | None, part_index: int = 0,
    video_uri: str | None = None, job_id: str | None = None, offset: float = 0.0,
    decoded: bool = False, width: int | None = None, height: int | None = None,
    pictures: bool = True,
) -> Row:
    """Insert one media (video/audio/image) row backed by a stored blob.

    ``offset`` is where this part starts in the file; ``decoded`` says FFmpeg can read
    the blob (then ``width``/``height`` are the picture's, when it has one).
    """
    ext = simulate.extension_of(filename) or "bin"
    uri = video_uri or f"gs://vv-sandbox/media/{ctx.user_id}/{video_id}.{ext}"
    now = clock.iso()
    doc = {
        "video_id": video_id, "title": title, "video_uri": uri, "status": "not_processed",
        "created_at": now, "updated_at": now, "media_type": media_type, "marker": {},
        "_blob_sha": blob_sha, "_filename": filename, "_duration": round(duration, 3),
        "_part_index": part_index, "_job_id": job_id, "_index_id": index_id,
        "_offset": offset, "_decoded": decoded, "_width": width, "_height": height,
    }
    row = ctx.store.insert("video", video_id, doc, parent=index_id)
    if pictures:
        previews.queue(ctx, "video", video_id)
    return row


def _create_video(ctx: Context, job: dict[str, Any], part: dict[str, Any]) -> None:
    src = job["_sources"][part["source_ordinal"]]
    create_media_row(
        ctx, video_id=part["video_id"], title=part["title"], filename=src["filename"],
        blob_sha=src["blob_sha"], media_type=src["media_type"],
        duration=part["end"] - part["start"], index_id=job["target_index_id"],
        part_index=part["part_index"], video_uri=src.get("video_uri"), job_id=job["job_id"],
        offset=part["start"], decoded=bool(src.get("decoded")), width=src.get("width"),
        height=src.get("height"))


def _next_pending(doc: dict[str, Any]) -> int | None:
    return next((i for i in range(len(doc["_parts"])) if part_state(doc, i) == "pending"), None)


def source_failure(ctx: Context, src: dict[str, Any]) -> dict[str, str] | None:
    """Why a connector source cannot be imported, or None (uploads always can)."""
    if not src.get("bucket_key"):
        return None
    if int(src["size"]) == 0:
        return {"code": "empty_file", "message": "The file is empty (0 bytes)."}
    return None


def _fail_source(doc: dict[str, Any], ordinal: int, failure: dict[str, str]) -> None:
    src = doc["_sources"][ordinal]
    src["failure"] = failure
    for part in doc["_parts"]:
        if part["source_ordinal"] == ordinal:
            part["state"] = "failed"


def recount(doc: dict[str, Any]) -> None:
    """Per-file and per-part counts (and ``failed_files``) from the parts' states."""
    parts, sources, progress = doc["_parts"], doc["_sources"], doc["progress"]
    states = [part_state(doc, i) for i in range(len(parts))]
    by_source: dict[int, list[str]] = {}
    for part, state in zip(parts, states, strict=True):
        by_source.setdefault(part["source_ordinal"], []).append(state)
    progress["imported"] = sum(1 for st in by_source.values()
                               if st and all(x == "completed" for x in st))
    progress["failed"] = sum(1 for src in sources if src.get("failure"))
    progress["parts_completed"] = states.count("completed")
    progress["parts_failed"] = states.count("failed")
    progress["parts_total"] = len(parts)
    doc["_done"] = len(parts) - states.count("pending")
    doc["failed_files"] = [{"path": src["filename"], "error": src["failure"]["message"]}
                           for src in sources if src.get("failure")]


def _finish(ctx: Context, row: Row) -> None:
    doc = row.doc
    recount(doc)
    progress = doc["progress"]
    failed = progress["failed"]
    progress["current_file"] = None
    if not failed:
        progress["bytes_transferred"] = sum(int(s["size"]) for s in doc["_sources"])
        doc.update(status="completed", phase="completed", error_message=None)
    else:
        total = len(doc["_sources"])
        doc.update(status="failed",
                   phase="completed_with_failures" if progress["imported"] else "failed",
                   error_message=f"{failed} of {total} file{'s' if total != 1 else ''} "
                                 "could not be imported")
    doc["completed_at"] = clock.iso()
    ctx.store.save(row, next_at=None)


def step_import(ctx: Context, row: Row) -> None:
    """Advance an import job by one simulated step (one output part per step)."""
    doc = row.doc
    progress = doc["progress"]
    if doc["status"] == "pending":
        probe_sources(ctx, doc)
        doc.update(status="importing", phase="importing", started_at=clock.iso())
        nxt = _next_pending(doc)
        progress["current_file"] = None if nxt is None else doc["_parts"][nxt]["file_name"]
        ctx.store.save(row, next_at=ctx.clock.after(simulate.IMPORT_PART_SECONDS))
        return
    if doc["status"] != "importing":
        ctx.store.save(row, next_at=None)
        return
    with ctx.store.transaction():
        nxt = _next_pending(doc)
        if nxt is not None:
            part = doc["_parts"][nxt]
            src = doc["_sources"][part["source_ordinal"]]
            failure = source_failure(ctx, src) if part["part_index"] == 0 else None
            if failure is not None:
                _fail_source(doc, part["source_ordinal"], failure)
            else:
                _create_video(ctx, doc, part)
                part["state"] = "completed"
                progress["bytes_transferred"] += int(src["size"] / part["part_count"])
            recount(doc)
            nxt = _next_pending(doc)
        if nxt is not None:
            progress["current_file"] = doc["_parts"][nxt]["file_name"]
            ctx.store.save(row, next_at=ctx.clock.after(simulate.IMPORT_PART_SECONDS))
            return
        _finish(ctx, row)
    for hook in ctx.hooks.import_completed:
        hook(ctx, row)


IMPORT_ACTIVE = ("pending", "scanning", "importing")


def cancel_import(ctx: Context, row: Row) -> Row:
    """Stop an unfinished import: parts already imported stay, the rest are not made.
    Cancelling a cancelled job changes nothing; a finished one answers 409."""
    doc = row.doc
    if doc["status"] == "cancelled":
        return row
    if doc["status"] not in IMPORT_ACTIVE:
        raise conflict("resource_import_job_not_cancellable",
                       f"The import job has already {doc['status']}; there is nothing to cancel",
                       job_id=row.id, status=doc["status"])
    doc["progress"]["current_file"] = None
    doc.update(status="cancelled", phase="cancelled", completed_at=clock.iso())
    ctx.store.save(row, next_at=None)
    return row


def _reread(ctx: Context, src: dict[str, Any]) -> None:
    """Read a failed connector source from its bucket again (it may have been fixed)."""
    folder, key = src["bucket_key"]
    path = ctx.buckets_dir / folder / key
    if not path.is_file():
        src["failure"] = {"code": "source_not_found",
                          "message": "The file is no longer in the storage bucket."}
        return
    src["blob_sha"] = buckets.copy_to_blobs(path, ctx.blob_dir, ctx.tmp_dir)
    src["size"] = path.stat().st_size
    src["duration"] = simulate.duration_for(src["media_type"], src["size"])
    src.pop("decoded", None)
    src["failure"] = None


def retry_import(ctx: Context, row: Row) -> Row:
    """Resume a failed or cancelled import (same job) with the parts it had not made: the
    pending ones, and those of failed files, which are read from the bucket again.
    ``files`` in the body (refreshed source descriptors) is accepted; the sandbox reads
    the sources again from where it stored them."""
    doc = row.doc
    if doc["status"] not in ("failed", "cancelled"):
        raise conflict("resource_import_job_not_retryable",
                       "Only a failed or cancelled import job can be retried",
                       job_id=row.id, status=doc["status"])
    for ordinal, src in enumerate(doc["_sources"]):
        if not src.get("failure"):
            continue
        if src.get("bucket_key"):
            _reread(ctx, src)
        if src.get("failure") is None:
            for part in doc["_parts"]:
                if part["source_ordinal"] == ordinal:
                    part["state"] = "pending"
    doc["_parts"] = plan_parts(doc["_sources"], doc["_parts"])
    for ordinal, src in enumerate(doc["_sources"]):
        if src.get("failure"):  # still failing: a part planned anew is failed too
            _fail_source(doc, ordinal, src["failure"])
    recount(doc)
    if _next_pending(doc) is None:  # nothing left to do: the same outcome again
        _finish(ctx, row)
        return row
    doc.update(status="pending", phase="queued", completed_at=None, error_message=None,
               failed_files_next_cursor=None)
    ctx.store.save(row, next_at=ctx.clock.after(simulate.IMPORT_QUEUE_SECONDS))
    return row

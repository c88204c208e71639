"""Import jobs and media rows: from a stored blob to one video per output part."""

from __future__ import annotations

from typing import Any

from . import clock, simulate
from .context import Context
from .db import Row
from .ids import new_id


def new_import_job(
    ctx: Context,
    *,
    source_kind: str,
    blob_sha: str,
    size: int,
    filename: str,
    title: str,
    index_id: str | None,
    media_type: str,
    duration: float | None = None,
    connector_id: str | None = None,
    source_prefix: str = "",
    file_pattern: str = "*",
    video_uri: str | None = None,
    preset: dict[str, Any] | None = None,
) -> Row:
    """Create a pending import job whose outputs (and video ids) are planned up front."""
    job_id = new_id("job")
    length = simulate.duration_for(media_type, size) if duration is None else duration
    spans = simulate.split_parts(media_type, length)
    file_id = new_id("file")
    parts = []
    for i, (start, end) in enumerate(spans):
        part_title = title if len(spans) == 1 else f"{title} (part {i + 1} of {len(spans)})"
        parts.append({
            "file_id": file_id, "file_name": filename, "source_ordinal": 0,
            "part_index": i, "part_count": len(spans), "start": start, "end": end,
            "video_id": new_id("vid"), "title": part_title,
        })
    doc: dict[str, Any] = {
        "job_id": job_id,
        "status": "pending",
        "phase": "queued",
        "source_kind": source_kind,
        "connector_id": connector_id,
        "target_index_id": index_id,
        "source_prefix": source_prefix,
        "file_pattern": file_pattern,
        "recursive": True,
        "created_at": clock.iso(),
        "started_at": None,
        "completed_at": None,
        "error_message": None,
        "progress": {
            "total_files": 1, "imported": 0, "failed": 0, "skipped": 0,
            "bytes_transferred": 0, "current_file": None, "parts_total": len(spans),
            "parts_completed": 0, "parts_failed": 0,
        },
        "execution": {"status": "pending" if preset else "not_requested", "run_id": None,
                      "error_code": None, "error": None},
        "failed_files": [],
        "failed_files_next_cursor": None,
        "_parts": parts,
        "_done": 0,
        "_source": {"blob_sha": blob_sha, "size": size, "filename": filename, "title": title,
                    "media_type": media_type, "duration": length, "video_uri": video_uri},
        "_preset": preset,
    }
    return ctx.store.insert("import_job", job_id, doc,
                            next_at=ctx.clock.after(simulate.IMPORT_QUEUE_SECONDS))


def create_media_row(
    ctx: Context, *, video_id: str, title: str, filename: str, blob_sha: str,
    media_type: str, duration: float, index_id: str | None, part_index: int = 0,
    video_uri: str | None = None, job_id: str | None = None,
) -> Row:
    """Insert one media (video/audio/image) row backed by a stored blob."""
    ext = simulate.extension_of(filename) or "bin"
    uri = video_uri or f"gs://vv-sandbox/media/{ctx.user_id}/{video_id}.{ext}"
    now = clock.iso()
    doc = {
        "video_id": video_id, "title": title, "video_uri": uri, "status": "not_processed",
        "created_at": now, "updated_at": now, "media_type": media_type, "marker": {},
        "_blob_sha": blob_sha, "_filename": filename, "_duration": round(duration, 3),
        "_part_index": part_index, "_job_id": job_id, "_index_id": index_id,
    }
    return ctx.store.insert("video", video_id, doc, parent=index_id)


def _create_video(ctx: Context, job: dict[str, Any], part: dict[str, Any]) -> None:
    src = job["_source"]
    create_media_row(
        ctx, video_id=part["video_id"], title=part["title"], filename=src["filename"],
        blob_sha=src["blob_sha"], media_type=src["media_type"],
        duration=part["end"] - part["start"], index_id=job["target_index_id"],
        part_index=part["part_index"], video_uri=src.get("video_uri"), job_id=job["job_id"])


def step_import(ctx: Context, row: Row) -> None:
    """Advance an import job by one simulated step."""
    doc = row.doc
    parts = doc["_parts"]
    if doc["status"] == "pending":
        doc.update(status="importing", phase="importing", started_at=clock.iso())
        doc["progress"]["current_file"] = doc["_source"]["filename"]
        ctx.store.save(row, next_at=ctx.clock.after(simulate.IMPORT_PART_SECONDS))
        return
    if doc["status"] != "importing":
        ctx.store.save(row, next_at=None)
        return
    done = int(doc["_done"])
    with ctx.store.transaction():
        _create_video(ctx, doc, parts[done])
        done += 1
        doc["_done"] = done
        progress = doc["progress"]
        progress["parts_completed"] = done
        progress["bytes_transferred"] = int(doc["_source"]["size"] * done / len(parts))
        if done < len(parts):
            ctx.store.save(row, next_at=ctx.clock.after(simulate.IMPORT_PART_SECONDS))
            return
        progress.update(imported=1, current_file=None)
        doc.update(status="completed", phase="completed", completed_at=clock.iso())
        ctx.store.save(row, next_at=None)
    for hook in ctx.hooks.import_completed:
        hook(ctx, row)


"""Export lifecycle and the JSON artifact it produces.

Artifact rule (so tests can recompute it): a JSON document serialised with
``json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False).encode()`` where::

    doc = {
      "export_id", "export_type", "target_id", "user_id", "created_at",
      "generated_at",
      "prompt_runs": [            # oldest run first
        {"run_id", "prompt_id", "prompt_name", "status", "executed_at", "run_context",
         "media": [               # in the run's media order
            {"video_id", "title", "media_type",
             "segments": [        # by start time
                {"segment_id", "start_time", "end_time", "segment_status",
                 "processing_failed", "metadata", "metadata_text"}]}]}]}

Index exports default to every ``completed``/``completed_with_failures`` run of the
index; prompt-run exports contain just that run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from . import clock, simulate
from .connectors import check_relative_path
from .context import Context
from .db import Row
from .errors import invalid, not_found
from .ids import new_id
from .lookups import load_index, load_run

SEARCHABLE = ("completed", "completed_with_failures")
MAX_ATTEMPTS = 3


def new_export(
    ctx: Context,
    *,
    export_type: str,
    target_id: str,
    run_ids: list[str],
    connector: Row | None,
    subpath: str | None,
    requested_run_ids: list[str] | None,
) -> Row:
    """Insert a pending export; the run selection is frozen at creation time."""
    export_id = new_id("exp")
    now = clock.iso()
    base_path = connector.doc.get("export_base_path") if connector else None
    params: dict[str, Any] = {
        "prompt_run_ids": requested_run_ids,
        "destination_connector_id": connector.id if connector else None,
        "destination_base_path": base_path,
        "destination_subpath": subpath,
    }
    doc: dict[str, Any] = {
        "export_id": export_id, "user_id": ctx.user_id, "export_type": export_type,
        "target_id": target_id, "status": "pending", "created_at": now,
        "gcs_uri": None, "download_url": None, "file_size_bytes": None,
        "error_message": None, "export_params": params, "queue_status": "queued",
        "attempts": 0, "max_attempts": MAX_ATTEMPTS, "available_at": now,
        "started_at": None, "completed_at": None, "updated_at": now, "last_error": None,
        "destination_type": "connector" if connector else "download",
        "destination_connector_id": connector.id if connector else None,
        "destination_base_path": base_path,
        "destination_subpath": subpath,
        "destination_uri": None,
        "_run_ids": run_ids,
        "_fail_message": ctx.store.setting("fail_next_export"),
        "_expired": False,
    }
    ctx.store.set_setting("fail_next_export", None)
    return ctx.store.insert("export", export_id, doc,
                            next_at=ctx.clock.after(simulate.EXPORT_QUEUE_SECONDS))


def index_run_ids(ctx: Context, index_id: str) -> list[str]:
    """Searchable runs of an index, oldest first."""
    rows = ctx.store.query("run", parent=index_id, descending=False)
    return [r.id for r in rows if r.doc["status"] in SEARCHABLE]


def artifact_document(ctx: Context, doc: dict[str, Any]) -> dict[str, Any]:
    """The export document for ``doc`` built from the current runs and segments."""
    runs = []
    for run_id in doc["_run_ids"]:
        run = ctx.store.get("run", run_id, include_hidden=True)
        if run is None:
            continue
        media = []
        for vid in run.doc["_video_ids"]:
            video = ctx.store.get("video", vid, include_hidden=True)
            if video is None:
                continue
            segs = ctx.store.query("segment", parent=vid, parent2=run_id, descending=False)
            media.append({
                "video_id": vid, "title": video.doc["title"],
                "media_type": video.doc["media_type"],
                "segments": [{
                    "segment_id": s.id, "start_time": s.doc["start_time"],
                    "end_time": s.doc["end_time"], "segment_status": s.doc["segment_status"],
                    "processing_failed": s.doc["processing_failed"],
                    "metadata": s.doc["metadata"], "metadata_text": s.doc["metadata_text"],
                } for s in sorted(segs, key=lambda s: s.doc["start_time"])],
            })
        rdoc = run.doc
        runs.append({
            "run_id": run_id, "prompt_id": rdoc["prompt_id"], "prompt_name": rdoc["prompt_name"],
            "status": rdoc["status"], "executed_at": rdoc["executed_at"],
            "run_context": rdoc["run_context"], "media": media,
        })
    return {
        "export_id": doc["export_id"], "export_type": doc["export_type"],
        "target_id": doc["target_id"], "user_id": doc["user_id"],
        "created_at": doc["created_at"], "generated_at": clock.iso(), "prompt_runs": runs,
    }


def serialise(document: dict[str, Any]) -> bytes:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False).encode()


def artifact_path(ctx: Context, export_id: str) -> Path:
    return ctx.settings.data_dir / "exports" / f"{export_id}.json"


def _write(path: Path, payload: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(payload)
    tmp.replace(path)


def _deliver(ctx: Context, doc: dict[str, Any], payload: bytes) -> None:
    """Write the artifact where the export's destination says."""
    export_id = doc["export_id"]
    _write(artifact_path(ctx, export_id), payload)
    doc["file_size_bytes"] = len(payload)
    if doc["destination_type"] == "download":
        doc["gcs_uri"] = f"gs://vv-sandbox/exports/{ctx.user_id}/{export_id}.json"
        doc["download_url"] = f"/api/v2/exports/{quote(export_id, safe='')}/download"
        return
    connector = ctx.store.get("connector", doc["destination_connector_id"], include_hidden=True)
    if connector is None:
        raise RuntimeError("destination connector no longer exists")
    bucket = connector.doc["_folder"]
    rel = "/".join(p for p in (doc["destination_base_path"] or "", doc["destination_subpath"]
                               or "") if p).strip("/")
    parts = [p for p in rel.split("/") if p]
    target = ctx.buckets_dir / bucket
    for part in parts:
        target = target / part
    _write(target / f"{export_id}.json", payload)
    key = "/".join([*parts, f"{export_id}.json"])
    scheme = {"gcs": "gs", "s3": "s3"}.get(connector.doc["provider"], "azure")
    uri = f"{scheme}://{bucket}/{key}"
    doc["gcs_uri"] = uri
    doc["destination_uri"] = uri


def step_export(ctx: Context, row: Row) -> None:
    """Advance an export by one simulated step."""
    doc = row.doc
    now = clock.iso()
    if doc["status"] == "pending":
        doc.update(status="processing", queue_status="running", attempts=doc["attempts"] + 1,
                   started_at=now, updated_at=now)
        ctx.store.save(row, next_at=ctx.clock.after(simulate.EXPORT_PROCESS_SECONDS))
        return
    if doc["status"] != "processing":
        ctx.store.save(row, next_at=None)
        return
    message = doc.get("_fail_message")
    if not message:
        try:
            _deliver(ctx, doc, serialise(artifact_document(ctx, doc)))
        except OSError as exc:  # its text names a server path: keep only the reason
            message = f"Export delivery failed: {exc.strerror or 'the file could not be written'}"
        except (RuntimeError, ValueError) as exc:
            message = f"Export delivery failed: {exc}"
    if message:
        doc.update(status="failed", queue_status="failed", error_message=message,
                   last_error=message, download_url=None)
    else:
        doc.update(status="completed", queue_status="succeeded")
    doc.update(completed_at=now, updated_at=now)
    ctx.store.save(row, next_at=None)
    for hook in ctx.hooks.export_finished:
        hook(ctx, row)


def fail_export(ctx: Context, row: Row, message: str) -> None:
    """Control hook: an unfinished export fails at its next step; a finished one now."""
    doc = row.doc
    if doc["status"] in ("pending", "processing"):
        doc["_fail_message"] = message
        ctx.store.save(row)
        return
    now = clock.iso()
    doc.update(status="failed", queue_status="failed", error_message=message, last_error=message,
               download_url=None, updated_at=now, completed_at=doc["completed_at"] or now)
    ctx.store.save(row)


def check_subpath(value: Any, field: str = "destination_subpath") -> str | None:
    """Relative POSIX sub-path: no ``..``, backslash, empty segment or leading ``/``."""
    return check_relative_path(value, field)


def resolve_destination(ctx: Context, body: dict[str, Any]) -> tuple[Row | None, str | None]:
    """Connector row (404 when unknown) and checked subpath of a create body."""
    connector_id = body.get("destination_connector_id")
    subpath = check_subpath(body.get("destination_subpath"))
    if connector_id in (None, ""):
        if subpath is not None:
            raise invalid("destination_subpath",
                          "destination_subpath needs destination_connector_id")
        return None, None
    if not isinstance(connector_id, str):
        raise invalid("destination_connector_id", "destination_connector_id must be a string")
    connector = ctx.store.get("connector", connector_id)
    if connector is None:
        raise not_found("connector", connector_id)
    if "export" not in connector.doc.get("scopes", []):
        raise invalid("destination_connector_id", "connector lacks the 'export' scope")
    return connector, subpath


def create_index_export(ctx: Context, index_id: str, body: dict[str, Any]) -> Row:
    """Validated index export (also used by export automations)."""
    load_index(ctx, index_id)
    connector, subpath = resolve_destination(ctx, body)
    requested = body.get("prompt_run_ids")
    if requested is not None:
        if not isinstance(requested, list) or not all(isinstance(r, str) for r in requested):
            raise invalid("prompt_run_ids", "prompt_run_ids must be a list of strings")
        for run_id in requested:
            run = load_run(ctx, run_id)
            if run.parent != index_id:
                raise invalid("prompt_run_ids", f"run '{run_id}' does not belong to the index")
        run_ids = list(requested)
    else:
        run_ids = index_run_ids(ctx, index_id)
    return new_export(ctx, export_type="index", target_id=index_id, run_ids=run_ids,
                      connector=connector, subpath=subpath, requested_run_ids=requested or None)

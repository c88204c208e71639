"""Per-index import/export automations (contract §6, seeds 001/002).

Import automation: while enabled and not paused, the connector folder is scanned
(``source_prefix``, ``file_pattern``, ``recursive``) every 5 base seconds. Once no
file has changed for the debounce interval (5m/10m/1h/1d, divided by the time
scale), every matching file not yet handled is imported (each path once) in one
connector import job; when that job completes a prompt run is started with the
``prompt_preset``. Files already present when the automation is created or
re-enabled count as new when the connector's ``import_mode`` is ``all`` and are
ignored when it is ``new_only``.

Export automation: while enabled and not paused, every run of the index that
finishes ``completed``/``completed_with_failures`` triggers an index export (all
searchable runs) to ``destination_connector_id`` + ``destination_subpath``.
"""

from __future__ import annotations

import logging
from typing import Any

from . import buckets, clock
from .connectors import check_path_text, check_relative_path, import_from_bucket
from .context import Context
from .db import Row
from .errors import ApiError, invalid
from .exports import create_index_export
from .run_options import parse_options
from .runs import new_run

log = logging.getLogger("vvdesk.sandbox")

DEBOUNCE_SECONDS = {"5m": 300.0, "10m": 600.0, "1h": 3600.0, "1d": 86400.0}
SCAN_BASE_SECONDS = 5.0
MIN_SCAN_REAL = 0.05
SEARCHABLE = ("completed", "completed_with_failures")


def automation_id(index_id: str, kind: str) -> str:
    return f"{index_id}:{kind}"


def _flag(body: dict[str, Any], name: str, default: bool) -> bool:
    value = body.get(name, default)
    if not isinstance(value, bool):
        raise invalid(name, f"{name} must be a boolean")
    return value


def _connector(ctx: Context, body: dict[str, Any], field: str, scope: str) -> Row:
    connector_id = body.get(field)
    if not isinstance(connector_id, str) or not connector_id:
        raise invalid(field, f"{field} is required")
    row = ctx.store.get("connector", connector_id)
    if row is None:
        raise invalid(field, f"connector '{connector_id}' does not exist",
                      reason="connector_not_found")
    if scope not in row.doc["scopes"]:
        raise invalid(field, f"connector '{connector_id}' lacks the '{scope}' scope")
    return row


def validate_import(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    """Checked import-automation config (422 naming the field)."""
    connector = _connector(ctx, body, "connector_id", "import")
    prefix = body.get("source_prefix", "") or ""
    if not isinstance(prefix, str) or prefix.startswith("/") or ".." in prefix.split("/"):
        raise invalid("source_prefix", "source_prefix must be a relative key prefix")
    check_path_text(prefix, "source_prefix")
    pattern = body.get("file_pattern", "*") or "*"
    if not isinstance(pattern, str):
        raise invalid("file_pattern", "file_pattern must be a glob string")
    check_path_text(pattern, "file_pattern")
    debounce = body.get("debounce_interval")
    if debounce not in DEBOUNCE_SECONDS:
        raise invalid("debounce_interval", "debounce_interval must be one of 5m, 10m, 1h, 1d")
    preset = body.get("prompt_preset")
    if not isinstance(preset, dict):
        raise invalid("prompt_preset", "prompt_preset with a prompt_id is required")
    prompt_id = preset.get("prompt_id")
    if not isinstance(prompt_id, str) or ctx.store.get("prompt", prompt_id) is None:
        raise invalid("prompt_preset.prompt_id", f"prompt '{prompt_id}' does not exist")
    try:
        parse_options(preset)
    except ApiError as exc:
        field = exc.details.get("field", "")
        raise invalid(f"prompt_preset.{field}", exc.message) from exc
    return {
        "enabled": _flag(body, "enabled", True), "paused": _flag(body, "paused", False),
        "connector_id": connector.id, "source_prefix": prefix, "file_pattern": pattern,
        "recursive": _flag(body, "recursive", True), "debounce_interval": debounce,
        "prompt_preset": preset,
    }


def validate_export(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    connector = _connector(ctx, body, "destination_connector_id", "export")
    return {
        "enabled": _flag(body, "enabled", True), "paused": _flag(body, "paused", False),
        "destination_connector_id": connector.id,
        "destination_subpath": check_relative_path(body.get("destination_subpath"),
                                                   "destination_subpath"),
    }


def _listing(ctx: Context, doc: dict[str, Any]) -> list[buckets.BucketFile]:
    connector = ctx.store.get("connector", doc["connector_id"], include_hidden=True)
    if connector is None:
        return []
    return buckets.list_files(ctx.buckets_dir / connector.doc["_folder"], doc["source_prefix"],
                              doc["file_pattern"], doc["recursive"])


def save_config(ctx: Context, index_id: str, kind: str, config: dict[str, Any]) -> Row:
    """Create or replace (pure replace: a retried PUT gives the same result)."""
    aid = automation_id(index_id, kind)
    row = ctx.store.get("automation", aid)
    now = clock.iso()
    internal: dict[str, Any] = {}
    was_enabled = False
    if row is not None:
        was_enabled = row.doc["enabled"]
        internal = {k: v for k, v in row.doc.items() if k.startswith("_")}
        same_source = all(row.doc.get(k) == config.get(k) for k in
                          ("connector_id", "source_prefix", "file_pattern", "recursive"))
        if not same_source:
            internal = {}
    doc = {**config, "index_id": index_id, "created_at": row.doc["created_at"] if row else now,
           "updated_at": now, **internal}
    if kind == "import" and config["enabled"] and (not was_enabled or not internal):
        files = _listing(ctx, doc)
        connector = ctx.store.get("connector", config["connector_id"])
        mode = connector.doc["import_mode"] if connector else "all"
        handled = set(doc.get("_handled", []))
        if mode == "new_only":
            handled.update(f.key for f in files)
        doc["_handled"] = sorted(handled)
        doc["_seen"] = {f.key: [f.size, f.mtime_ns] for f in files}
        doc["_last_change"] = clock.now()
    next_at = clock.now() if kind == "import" and config["enabled"] else None
    if row is None:
        return ctx.store.insert("automation", aid, doc, parent=index_id, next_at=next_at)
    row.doc = doc
    ctx.store.save(row, next_at=next_at)
    return row


def step_automation(ctx: Context, row: Row) -> None:
    """One scan of an import automation's connector folder."""
    doc = row.doc
    if not doc.get("enabled") or row.id.endswith(":export"):
        ctx.store.save(row, next_at=None)
        return
    now = clock.now()
    files = _listing(ctx, doc)
    current = {f.key: [f.size, f.mtime_ns] for f in files}
    if current != doc.get("_seen"):
        doc["_seen"] = current
        doc["_last_change"] = now
    handled = set(doc.get("_handled", []))
    fresh = [f for f in files if f.key not in handled]
    quiet = now - float(doc.get("_last_change", now)) >= ctx.clock.real(
        DEBOUNCE_SECONDS[doc["debounce_interval"]])
    if fresh and quiet and not doc["paused"]:
        connector = ctx.store.get("connector", doc["connector_id"])
        if connector is not None and ctx.store.get("index", doc["index_id"]) is not None:
            job = import_from_bucket(ctx, connector, doc["index_id"], fresh,
                                     prefix=doc["source_prefix"], pattern=doc["file_pattern"],
                                     recursive=doc["recursive"], preset=doc["prompt_preset"])
            doc["_handled"] = sorted(handled | {f.key for f in fresh})
            doc["_last_job_id"] = job.id
    scan = max(MIN_SCAN_REAL, ctx.clock.real(SCAN_BASE_SECONDS))
    ctx.store.save(row, next_at=now + scan)


def on_import_completed(ctx: Context, job: Row) -> None:
    """Start the preset prompt run for an automation import job."""
    preset = job.doc.get("_preset")
    if not preset:
        return
    ids = [p["video_id"] for p in job.doc["_parts"] if ctx.store.get("video", p["video_id"])]
    prompt = ctx.store.get("prompt", preset.get("prompt_id", ""))
    execution = job.doc["execution"]
    if not ids or prompt is None:
        execution.update(status="blocked", error_code="nothing_to_process" if not ids
                         else "resource_prompt_not_found",
                         error="no media imported" if not ids else "preset prompt is gone")
    else:
        index_id = job.doc["target_index_id"]
        run = new_run(ctx, prompt=prompt.doc, video_ids=ids, options=parse_options(preset),
                      run_context={"type": "videos", "video_ids": ids, "index_id": index_id},
                      index_id=index_id)
        execution.update(status="submitted", run_id=run.id)
    ctx.store.save(job)


def on_run_finished(ctx: Context, run: Row) -> None:
    """Trigger the index's export automation for a searchable finished run."""
    if run.parent is None or run.doc["status"] not in SEARCHABLE:
        return
    auto = ctx.store.get("automation", automation_id(run.parent, "export"))
    if auto is None or not auto.doc["enabled"] or auto.doc["paused"]:
        return
    body = {"destination_connector_id": auto.doc["destination_connector_id"],
            "destination_subpath": auto.doc["destination_subpath"]}
    try:
        export = create_index_export(ctx, run.parent, body)
    except ApiError as exc:
        auto.doc["_last_error"] = exc.message
        log.warning("export automation for %s failed: %s", run.parent, exc.code)
    else:
        auto.doc["_last_export_id"] = export.id
    ctx.store.save(auto)


def install(ctx: Context, steps: dict[str, Any]) -> None:
    """Wire automations into the worker and the simulation hooks."""
    steps["automation"] = step_automation
    ctx.hooks.import_completed.append(on_import_completed)
    ctx.hooks.run_finished.append(on_run_finished)

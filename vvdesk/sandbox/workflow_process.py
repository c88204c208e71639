"""``POST /workflow/process``: start a prompt run the simple way (contract §3.1).

The prompt is a saved one (``prompt_id``) or written inline (``prompt_instruction``, saved
as a new prompt named "Inline prompt"); the media are an import job's imported outputs
(``import_job_id``, alone), a list of ``video_ids``, or an index (``index_id`` or
``index_name``). An import job must have finished and brought in at least one media item;
its ``execution`` then names the run (``submitted``).
"""

from __future__ import annotations

from typing import Any

from .context import Context
from .errors import conflict, invalid, not_found
from .lookups import load_import_job, load_index, load_prompt, load_video
from .prompts import create_prompt_row
from .run_options import parse_options
from .runs import new_run
from .views import part_state, public, run_view

ACTIVE_IMPORT = ("pending", "scanning", "importing")


def _options(body: dict[str, Any]) -> dict[str, Any]:
    mode = body.get("segmentation_mode")
    if mode not in (None, "content_aware", "fixed"):
        raise invalid("segmentation_mode", "segmentation_mode must be content_aware or fixed")
    fixed = body.get("fixed_segment_duration_seconds")
    if fixed is not None and mode != "fixed":
        raise invalid("fixed_segment_duration_seconds",
                      "fixed_segment_duration_seconds is accepted only with fixed segmentation")
    execute: dict[str, Any] = {}
    if mode is not None:
        execute["video_segmentation_type"] = mode
    if fixed is not None:
        execute["video_segment_duration"] = fixed
    for ours, theirs in (("advanced_transcription", "enable_transcription"),
                         ("create_image_embeddings", "enable_image_embedding")):
        if body.get(ours) is not None:
            execute[theirs] = body[ours]
    return parse_options(execute)


def _prompt(ctx: Context, body: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    prompt_id, text = body.get("prompt_id"), body.get("prompt_instruction")
    if bool(prompt_id) == bool(text):
        raise invalid("prompt_id", "exactly one of prompt_id or prompt_instruction is required")
    if prompt_id:
        if not isinstance(prompt_id, str):
            raise invalid("prompt_id", "prompt_id must be a string")
        return load_prompt(ctx, prompt_id).doc, False
    if not isinstance(text, str) or not 10 <= len(text) <= 5000:
        raise invalid("prompt_instruction", "prompt_instruction must be 10-5000 characters")
    row = create_prompt_row(ctx, {
        "name": "Inline prompt", "description": "", "prompt_text": text,
        "json_schema": {"type": "object"}, "video_level": None,
        "semantic_indexing": {"disabled_segment_fields": [], "disabled_video_level_fields": []},
    })
    return row.doc, True


def _from_import(ctx: Context, job_id: Any) -> tuple[dict[str, Any], list[str], str | None, Any]:
    if not isinstance(job_id, str) or not job_id:
        raise invalid("import_job_id", "import_job_id must be a string")
    job = load_import_job(ctx, job_id)
    doc = job.doc
    if doc["status"] in ACTIVE_IMPORT:
        raise conflict("resource_import_job_not_finished",
                       "The import job is still running; process it once it has finished",
                       job_id=job_id, status=doc["status"])
    ids = [p["video_id"] for i, p in enumerate(doc["_parts"])
           if part_state(doc, i) == "completed" and ctx.store.get("video", p["video_id"])]
    if not ids:
        raise conflict("resource_import_job_nothing_imported",
                       "The import job brought in no media to process", job_id=job_id)
    index_id = doc.get("target_index_id")
    context: dict[str, Any] = {"type": "videos", "video_ids": ids}
    if index_id:
        context["index_id"] = index_id
    return context, ids, index_id, job


def _target(ctx: Context, body: dict[str, Any]) -> tuple[dict[str, Any], list[str], str | None,
                                                        Any]:
    others = [k for k in ("video_ids", "index_id", "index_name") if body.get(k) is not None]
    if body.get("import_job_id") is not None:
        if others:
            raise invalid("import_job_id",
                          "import_job_id cannot be combined with another processing target")
        return _from_import(ctx, body["import_job_id"])
    ids = body.get("video_ids")
    if ids is not None:
        ids = [ids] if isinstance(ids, str) else ids
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            raise invalid("video_ids", "video_ids must be a non-empty list of strings")
        for vid in ids:
            load_video(ctx, vid)
        return {"type": "videos", "video_ids": ids}, list(dict.fromkeys(ids)), None, None
    index_id = body.get("index_id")
    if index_id is None and isinstance(body.get("index_name"), str):
        found = [r for r in ctx.store.query("index") if r.doc["name"] == body["index_name"]]
        if not found:
            raise not_found("index", body["index_name"])
        index_id = found[0].id
    if not isinstance(index_id, str) or not index_id:
        raise invalid("import_job_id", "a target is required: import_job_id, video_ids, "
                      "index_id or index_name")
    load_index(ctx, index_id)
    ids = [r.id for r in ctx.store.query("video", parent=index_id, descending=False)]
    return {"type": "index", "index_id": index_id}, ids, index_id, None


def process(ctx: Context, body: dict[str, Any], base_url: str) -> dict[str, Any]:
    """Validate, start the run, answer ``WorkflowProcessResponse``."""
    options = _options(body)
    context, ids, index_id, job = _target(ctx, body)
    prompt, inline = _prompt(ctx, body)
    run = new_run(ctx, prompt=prompt, run_context=context, video_ids=ids, options=options,
                  index_id=index_id)
    if job is not None:
        job.doc["execution"] = {"status": "submitted", "run_id": run.id, "error_code": None,
                                "error": None}
        ctx.store.save(job)
    return {"prompt": public(prompt), "run": run_view(run.doc),
            "status_url": f"{base_url}/prompt-runs/{run.id}", "prompt_created_inline": inline}

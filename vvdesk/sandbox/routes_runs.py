"""``/prompt-runs`` routes: execute/estimate (§3.2 rules), reads, cancel, results."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .context import Context, ctx_of
from .db import Row
from .errors import invalid, not_found
from .paging import parse_limit
from .routes_indexes import keyset_page, load_index
from .routes_prompts import load_prompt
from .routes_videos import load_video
from .runs import cancel_run, estimate_mt, new_run
from .views import public
from .web import idempotent, json_object, respond

VIDEO_TYPES = ("smart", "fixed", "content_aware")
AUDIO_TYPES = ("fixed", "content_aware")
MODELS = ("gemini-3-pro-preview", "gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.5-flash-lite")


def load_run(ctx: Context, run_id: str) -> Row:
    row = ctx.store.get("run", run_id)
    if row is None:
        raise not_found("prompt_run", run_id)
    return row


def _duration(body: dict[str, Any], name: str, required: bool) -> int | None:
    value = body.get(name)
    if value is None:
        if required:
            raise invalid(name, f"{name} is required when the segmentation type is 'fixed'")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 300:
        raise invalid(name, f"{name} must be an integer between 1 and 300")
    return value


def parse_options(body: dict[str, Any]) -> dict[str, Any]:
    """Segmentation/model options of an execute/estimate body."""
    vtype = body.get("video_segmentation_type", "smart")
    atype = body.get("audio_segmentation_type", "content_aware")
    if vtype not in VIDEO_TYPES:
        raise invalid("video_segmentation_type", f"must be one of {', '.join(VIDEO_TYPES)}")
    if atype not in AUDIO_TYPES:
        raise invalid("audio_segmentation_type", f"must be one of {', '.join(AUDIO_TYPES)}")
    model = body.get("processing_model")
    if model is not None and model not in MODELS:
        raise invalid("processing_model", f"must be one of {', '.join(MODELS)}")
    options: dict[str, Any] = {
        "video_segmentation_type": vtype, "audio_segmentation_type": atype,
        "video_segment_duration": _duration(body, "video_segment_duration", vtype == "fixed"),
        "audio_segment_duration": _duration(body, "audio_segment_duration", atype == "fixed"),
        "processing_model": model,
    }
    for flag in ("enable_transcription", "enable_image_embedding"):
        value = body.get(flag, True)
        if not isinstance(value, bool):
            raise invalid(flag, f"{flag} must be a boolean")
        options[flag] = value
    return options


def resolve_target(ctx: Context, target: Any) -> tuple[dict[str, Any], list[str], str | None]:
    """``(run_context, video_ids, index_id)`` for a §3.2 target."""
    if not isinstance(target, dict):
        raise invalid("target", "target is required and must be an object")
    kind = target.get("type")
    if kind == "index":
        index_id = target.get("index_id")
        if not isinstance(index_id, str) or not index_id:
            raise invalid("target.index_id", "index_id is required for an index target")
        load_index(ctx, index_id)
        ids = [r.id for r in ctx.store.query("video", parent=index_id, descending=False)]
        return {"type": "index", "index_id": index_id}, ids, index_id
    if kind == "videos":
        ids = target.get("video_ids")
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            raise invalid("target.video_ids", "video_ids must be a non-empty list of strings")
        for vid in ids:
            load_video(ctx, vid)
        index_id = target.get("index_id")
        if index_id is not None:
            load_index(ctx, index_id)
        context: dict[str, Any] = {"type": "videos", "video_ids": ids}
        if index_id:
            context["index_id"] = index_id
        return context, list(dict.fromkeys(ids)), index_id
    if kind == "playground":
        ids = [r.id for r in ctx.store.query("video", parent=None, descending=False)]
        return {"type": "playground", "is_playground": True}, ids, None
    raise invalid("target.type", "target.type must be index, videos or playground")


def _prepare(ctx: Context, body: dict[str, Any]) -> tuple[Row, dict[str, Any], list[str],
                                                         str | None, dict[str, Any]]:
    prompt_id = body.get("prompt_id")
    if not isinstance(prompt_id, str) or not prompt_id:
        raise invalid("prompt_id", "prompt_id is required")
    options = parse_options(body)
    run_context, ids, index_id = resolve_target(ctx, body.get("target"))
    prompt = load_prompt(ctx, prompt_id)
    return prompt, run_context, ids, index_id, options


async def execute(request: Request) -> Response:
    ctx = ctx_of(request)
    body = await json_object(request)
    prompt, run_context, ids, index_id, options = _prepare(ctx, body)

    def produce() -> tuple[int, Any]:
        row = new_run(ctx, prompt=prompt.doc, run_context=run_context, video_ids=ids,
                      options=options, index_id=index_id)
        return 202, public(row.doc)

    return idempotent(request, body, produce)


async def estimate(request: Request) -> Response:
    ctx = ctx_of(request)
    _, _, ids, _, _ = _prepare(ctx, await json_object(request))
    seconds = sum(float(r.doc["_duration"]) for r in (ctx.store.get("video", i) for i in ids) if r)
    mt = estimate_mt(seconds, len(ids))
    return respond({"estimated_mt": mt,
                    "breakdown": {"media_items": len(ids), "media_seconds": round(seconds, 3),
                                  "per_second_mt": 0.02, "per_item_mt": 0.5},
                    "sufficient_balance": mt <= 10_000.0, "current_balance_mt": 10_000.0})


async def list_runs(request: Request) -> Response:
    ctx = ctx_of(request)
    limit = parse_limit(request, default=200, low=1, high=200) or 200
    return respond([public(r.doc) for r in ctx.store.query("run", limit=limit)])


async def get_run(request: Request) -> Response:
    ctx = ctx_of(request)
    return respond(public(load_run(ctx, request.path_params["run_id"]).doc))


async def cancel(request: Request) -> Response:
    ctx = ctx_of(request)
    row = load_run(ctx, request.path_params["run_id"])

    def produce() -> tuple[int, Any]:
        cancel_run(ctx, row)
        return 200, public(row.doc)

    return idempotent(request, None, produce)


def _result(run: Row, seg: Row, video: Row | None) -> dict[str, Any]:
    doc = seg.doc
    return {
        "result_type": "segment", "result_id": f"{run.id}:{seg.id}", "segment_id": seg.id,
        "video_id": doc["video_id"], "run_id": run.id, "prompt_id": run.doc["prompt_id"],
        "prompt_run_id": run.id, "video_name": video.doc["title"] if video else None,
        "source_index_id": video.parent if video else None,
        "executed_at": run.doc["executed_at"], "start_time": doc["start_time"],
        "end_time": doc["end_time"], "metadata": doc["metadata"] or {},
        "metadata_text": doc["metadata_text"] or "",
        "field_extraction_succeeded": True,
        "transcription_succeeded": doc.get("transcription_succeeded"),
        "image_embedding_succeeded": doc.get("image_embedding_succeeded"),
        "marker": {}, "extracted_metadata_markers": {}, "metadata_markers": {},
    }


async def results(request: Request) -> Response:
    """Successful segment results of one run for one media item."""
    ctx = ctx_of(request)
    run = load_run(ctx, request.path_params["run_id"])
    video_id = request.query_params.get("video_id")
    if not video_id:
        raise invalid("video_id", "video_id is required")
    video = ctx.store.get("video", video_id, include_hidden=True)
    if video is None:
        raise not_found("video", video_id)
    scope = f"results:{run.id}:{video_id}"
    page = keyset_page(request, "segment", video_id, scope, lambda s: s, descending=False,
                       parent2=run.id)
    page["data"] = [_result(run, s, video) for s in page["data"]
                    if s.doc["segment_status"] == "completed"]
    return respond(page)


async def failed_segments(request: Request) -> Response:
    ctx = ctx_of(request)
    run = load_run(ctx, request.path_params["run_id"])
    videos = []
    for vid in run.doc["_video_ids"]:
        segs = [s for s in ctx.store.query("segment", parent=vid, parent2=run.id,
                                           descending=False) if s.doc["processing_failed"]]
        if not segs:
            continue
        videos.append({
            "video_id": vid, "failed_segments": len(segs),
            "operation_counts": {"field_extraction": len(segs), "transcription": 0,
                                 "image_embedding": 0, "processing": 0},
            "segments": [{
                "segment_id": s.id, "failed_operations": ["field_extraction"],
                "field_extraction_error": s.doc.get("field_extraction_error"),
                "failure_stage": s.doc.get("failure_stage"),
                "failure_message": s.doc.get("failure_message"),
                "failure_code": "simulated_extraction_failure", "retryable": True,
                "start_time": s.doc["start_time"], "end_time": s.doc["end_time"],
                "projection_only": False,
            } for s in segs],
        })
    total = sum(v["failed_segments"] for v in videos)
    return respond({
        "run_id": run.id, "status": run.doc["status"], "videos_with_failures": len(videos),
        "failed_segments": total,
        "operation_counts": {"field_extraction": total, "transcription": 0,
                             "image_embedding": 0, "processing": 0},
        "videos": videos,
    })


ROUTES = [
    Route("/prompt-runs/execute", execute, methods=["POST"]),
    Route("/prompt-runs/estimate", estimate, methods=["POST"]),
    Route("/prompt-runs", list_runs, methods=["GET"]),
    Route("/prompt-runs/{run_id}", get_run, methods=["GET"]),
    Route("/prompt-runs/{run_id}/cancel", cancel, methods=["POST"]),
    Route("/prompt-runs/{run_id}/results", results, methods=["GET"]),
    Route("/prompt-runs/{run_id}/failed-segments", failed_segments, methods=["GET"]),
]

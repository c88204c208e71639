"""``/prompt-runs`` routes: execute/estimate (§3.2 rules), reads, cancel, results."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .context import Context, ctx_of
from .db import Row
from .errors import invalid, not_found
from .lookups import load_prompt, load_run
from .paging import keyset_page, parse_limit
from .run_options import parse_options, resolve_target
from .runs import cancel_run, estimate_mt, new_run
from .views import public
from .web import idempotent, json_object, respond


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

"""``/prompt-runs`` routes: execute/estimate (§3.2 rules), reads, cancel, results."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .context import Context, ctx_of
from .db import Row
from .errors import ApiError, invalid, not_found
from .lookups import load_prompt, load_run
from .paging import keyset_page, parse_limit
from .retries import load_retry, load_segment_of, retry_view, start_retry
from .run_options import parse_options, resolve_target
from .runs import cancel_run, estimate_mt, new_run
from .views import failed_segment_view, run_view, segment_result_view, video_result_view
from .web import idempotent, json_object, respond
from .workflow_process import process


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
        return 202, run_view(row.doc)

    return idempotent(request, body, produce)


async def workflow_process(request: Request) -> Response:
    """``POST /workflow/process`` (see workflow_process.py)."""
    ctx = ctx_of(request)
    body = await json_object(request)
    base = str(request.url).split("?")[0].rsplit("/workflow/process", 1)[0]
    return idempotent(request, body, lambda: (202, process(ctx, body, base)))


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
    return respond([run_view(r.doc) for r in ctx.store.query("run", limit=limit)])


async def get_run(request: Request) -> Response:
    ctx = ctx_of(request)
    return respond(run_view(load_run(ctx, request.path_params["run_id"]).doc))


async def cancel(request: Request) -> Response:
    ctx = ctx_of(request)
    row = load_run(ctx, request.path_params["run_id"])

    def produce() -> tuple[int, Any]:
        cancel_run(ctx, row)
        return 200, run_view(row.doc)

    return idempotent(request, None, produce)


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
    prompt = ctx.store.get("prompt", run.doc["prompt_id"], include_hidden=True)
    scope = f"results:{run.id}:{video_id}"
    page = keyset_page(request, "segment", video_id, scope, lambda s: s, descending=False,
                       parent2=run.id)
    page["data"] = [segment_result_view(ctx, run, s, video, prompt.doc if prompt else None)
                    for s in page["data"] if s.doc["segment_status"] == "completed"]
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
            "segments": [failed_segment_view(s) for s in segs],
        })
    total = sum(v["failed_segments"] for v in videos)
    return respond({
        "run_id": run.id, "status": run.doc["status"], "videos_with_failures": len(videos),
        "failed_segments": total,
        "operation_counts": {"field_extraction": total, "transcription": 0,
                             "image_embedding": 0, "processing": 0},
        "videos": videos,
    })


async def video_result(request: Request) -> Response:
    """Video-level result of one media item (404 when the run has none for it)."""
    ctx = ctx_of(request)
    run = load_run(ctx, request.path_params["run_id"])
    video_id = request.path_params["video_id"]
    if not run.doc.get("video_level_enabled") or video_id not in run.doc["_video_ids"]:
        raise ApiError(404, "resource_video_result_not_found",
                       "This prompt run has no video-level result for that media: its prompt "
                       "has no video-level instructions, the run used fixed segmentation, or "
                       "the media was not part of the run",
                       {"run_id": run.id, "video_id": video_id})
    return respond(video_result_view(ctx, run, video_id))


async def retry_segment(request: Request) -> Response:
    ctx = ctx_of(request)
    params = request.path_params
    run = load_run(ctx, params["run_id"])
    seg = load_segment_of(ctx, run, params["video_id"], params["segment_id"])
    key = request.headers.get("idempotency-key")

    def produce() -> tuple[int, Any]:
        return 202, retry_view(start_retry(ctx, run, seg, key), with_outcome=False)

    return idempotent(request, None, produce)


async def retry_status(request: Request) -> Response:
    ctx = ctx_of(request)
    params = request.path_params
    run = load_run(ctx, params["run_id"])
    seg = load_segment_of(ctx, run, params["video_id"], params["segment_id"])
    return respond(retry_view(load_retry(ctx, seg, params["retry_id"]), with_outcome=True))


SEGMENT = "/prompt-runs/{run_id}/videos/{video_id}/segments/{segment_id}"

ROUTES = [
    Route("/prompt-runs/execute", execute, methods=["POST"]),
    Route("/prompt-runs/estimate", estimate, methods=["POST"]),
    Route("/workflow/process", workflow_process, methods=["POST"]),
    Route("/prompt-runs", list_runs, methods=["GET"]),
    Route("/prompt-runs/{run_id}", get_run, methods=["GET"]),
    Route("/prompt-runs/{run_id}/cancel", cancel, methods=["POST"]),
    Route("/prompt-runs/{run_id}/results", results, methods=["GET"]),
    Route("/prompt-runs/{run_id}/failed-segments", failed_segments, methods=["GET"]),
    Route("/prompt-runs/{run_id}/videos/{video_id}/video-result", video_result,
          methods=["GET"]),
    Route(SEGMENT + "/retry", retry_segment, methods=["POST"]),
    Route(SEGMENT + "/retries/{retry_id}", retry_status, methods=["GET"]),
]

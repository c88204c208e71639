"""``/videos/{id}`` reads, deletion, segments, batch helpers and the playground page."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .context import Context, ctx_of
from .deletions import deletion_status, start_deletion
from .errors import invalid, not_found
from .lookups import latest_run_id, load_video
from .paging import keyset_page, parse_limit
from .views import run_view, segment_view, video_status_view, video_view
from .web import json_object, query_bool, respond


async def get_video(request: Request) -> Response:
    ctx = ctx_of(request)
    return respond(video_view(ctx, load_video(ctx, request.path_params["video_id"])))


async def delete_video(request: Request) -> Response:
    ctx = ctx_of(request)
    return respond(start_deletion(ctx, load_video(ctx, request.path_params["video_id"])))


async def get_deletion(request: Request) -> Response:
    return respond(deletion_status(ctx_of(request), "video", request.path_params["video_id"]))


async def video_segments(request: Request) -> Response:
    """Segments of one run (``run_id``), the latest run (default), or every run."""
    ctx = ctx_of(request)
    video = load_video(ctx, request.path_params["video_id"])
    run_id = request.query_params.get("run_id") or None
    latest = query_bool(request, "latest_run", None)
    if run_id is not None:
        if ctx.store.get("run", run_id) is None:
            raise not_found("prompt_run", run_id)
        selector: Any = run_id
    elif latest is False:
        selector = None
    else:
        selector = latest_run_id(ctx, video.id) or "-"
    scope = f"segments:{video.id}:{selector or '*'}"
    page = keyset_page(request, "segment", video.id, scope,
                       lambda r: segment_view(r, ctx, video.doc), descending=False,
                       parent2=selector)
    return respond(page)


async def video_runs(request: Request) -> Response:
    ctx = ctx_of(request)
    video = load_video(ctx, request.path_params["video_id"])
    limit = parse_limit(request, default=None, low=1, high=200)
    runs = [run_view(r.doc) for r in ctx.store.query("run") if video.id in r.doc["_video_ids"]]
    return respond(runs[:limit] if limit else runs)


def _ids(body: dict[str, Any], high: int) -> list[str]:
    ids = body.get("video_ids")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise invalid("video_ids", "video_ids must be a list of strings")
    if not 1 <= len(ids) <= high:
        raise invalid("video_ids", f"video_ids must contain 1-{high} ids")
    return ids


async def batch(request: Request) -> Response:
    ctx = ctx_of(request)
    ids = _ids(await json_object(request), 100)
    rows = [ctx.store.get("video", i) for i in ids]
    return respond([video_view(ctx, r, details=True) for r in rows if r is not None])


async def batch_status(request: Request) -> Response:
    ctx = ctx_of(request)
    ids = _ids(await json_object(request), 100)
    rows = [ctx.store.get("video", i) for i in ids]
    return respond([video_status_view(ctx, r) for r in rows if r is not None])


def _segments_for(ctx: Context, video_id: str, run_id: str | None) -> dict[str, Any]:
    chosen = run_id or latest_run_id(ctx, video_id)
    rows = ctx.store.query("segment", parent=video_id, parent2=chosen or "-", descending=False)
    video = ctx.store.get("video", video_id)
    vdoc = video.doc if video else None
    return {"video_id": video_id, "run_id": chosen,
            "segments": [segment_view(r, ctx, vdoc) for r in rows]}


async def batch_segments(request: Request) -> Response:
    ctx = ctx_of(request)
    body = await json_object(request)
    has_ids, has_targets = "video_ids" in body, "targets" in body
    if has_ids == has_targets:
        raise invalid("video_ids", "provide exactly one of video_ids or targets")
    if has_ids:
        pairs = [(vid, None) for vid in _ids(body, 50)]
    else:
        targets = body["targets"]
        if not isinstance(targets, list) or not 1 <= len(targets) <= 50:
            raise invalid("targets", "targets must contain 1-50 entries")
        pairs = []
        for target in targets:
            if not isinstance(target, dict) or not isinstance(target.get("video_id"), str):
                raise invalid("targets", "each target needs a video_id")
            pairs.append((target["video_id"], target.get("run_id")))
    out = [_segments_for(ctx, vid, run) for vid, run in pairs if ctx.store.get("video", vid)]
    return respond(out)


async def playground(request: Request) -> Response:
    ctx = ctx_of(request)
    page = keyset_page(request, "video", None, "playground", lambda r: video_view(ctx, r))
    return respond(page)


ROUTES = [
    Route("/videos/batch", batch, methods=["POST"]),
    Route("/videos/batch/status", batch_status, methods=["POST"]),
    Route("/videos/batch/segments", batch_segments, methods=["POST"]),
    Route("/videos/{video_id}", get_video, methods=["GET"]),
    Route("/videos/{video_id}", delete_video, methods=["DELETE"]),
    Route("/videos/{video_id}/deletion", get_deletion, methods=["GET"]),
    Route("/videos/{video_id}/segments", video_segments, methods=["GET"]),
    Route("/videos/{video_id}/prompt-runs", video_runs, methods=["GET"]),
    Route("/playground/videos", playground, methods=["GET"]),
]

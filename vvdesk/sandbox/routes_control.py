"""Test/fault control endpoints under ``/api/v2/_sandbox`` (see README)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import bench_fill, clock, download_tokens, links
from .context import ctx_of
from .errors import invalid
from .exports import fail_export
from .lookups import load_export
from .views import public
from .web import json_object, respond

DEFAULT_FAILURE = "Simulated export failure"


async def info(request: Request) -> Response:
    ctx = ctx_of(request)
    return respond({"time_scale": ctx.clock.time_scale, "user_id": ctx.user_id,
                    "now": clock.iso(), "faults": len(ctx.faults.rules), "paused": ctx.paused})


async def set_simulation(request: Request) -> Response:
    """Hold or release simulated processing, so a test can look at an in-between state."""
    ctx = ctx_of(request)
    paused = (await json_object(request)).get("paused")
    if not isinstance(paused, bool):
        raise invalid("paused", "paused must be true or false")
    ctx.paused = paused
    return respond({"paused": ctx.paused})


async def add_fault(request: Request) -> Response:
    ctx = ctx_of(request)
    rule = ctx.faults.add(await json_object(request))
    return respond(rule.public(), 201)


async def list_faults(request: Request) -> Response:
    return respond([r.public() for r in ctx_of(request).faults.rules])


async def clear_faults(request: Request) -> Response:
    ctx_of(request).faults.clear()
    return respond({"cleared": True})


def _message(body: dict[str, object]) -> str:
    message = body.get("message", DEFAULT_FAILURE)
    if not isinstance(message, str) or not message:
        raise invalid("message", "message must be a non-empty string")
    return message


async def fail_next_export(request: Request) -> Response:
    ctx = ctx_of(request)
    message = _message(await json_object(request, optional=True))
    ctx.store.set_setting("fail_next_export", message)
    return respond({"fail_next_export": message})


async def fail_one_export(request: Request) -> Response:
    ctx = ctx_of(request)
    row = load_export(ctx, request.path_params["export_id"])
    fail_export(ctx, row, _message(await json_object(request, optional=True)))
    return respond(public(row.doc))


async def expire_export(request: Request) -> Response:
    ctx = ctx_of(request)
    row = load_export(ctx, request.path_params["export_id"])
    row.doc["_expired"] = True
    ctx.store.save(row)
    return respond({"export_id": row.id, "expired": True})


async def set_rate_limits(request: Request) -> Response:
    """``{category?, per_minute, per_hour}``: change what is enforced (and reported)."""
    ctx = ctx_of(request)
    body = await json_object(request)
    categories = [body["category"]] if "category" in body else list(ctx.limiter.limits)
    if any(c not in ctx.limiter.limits for c in categories):
        raise invalid("category", f"category must be one of {sorted(ctx.limiter.limits)}")
    values = {}
    for name in ("per_minute", "per_hour"):
        value = body.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise invalid(name, f"{name} must be a whole number >= 1")
        values[name] = value
    for category in categories:
        ctx.limiter.set_limits(category, values["per_minute"], values["per_hour"])
    return respond(ctx.limiter.status(ctx.key_hash))


async def set_download_urls(request: Request) -> Response:
    """``{ttl_seconds}``: lifetime of the download URLs minted from now on."""
    ctx = ctx_of(request)
    ttl = (await json_object(request)).get("ttl_seconds")
    if not isinstance(ttl, (int, float)) or isinstance(ttl, bool) or ttl <= 0:
        raise invalid("ttl_seconds", "ttl_seconds must be a positive number")
    ctx.store.set_setting(download_tokens.TTL_SETTING, str(float(ttl)))
    return respond({"ttl_seconds": float(ttl)})


async def download_log(request: Request) -> Response:
    return respond(ctx_of(request).download_log.entries)


async def set_link_lifetime(request: Request) -> Response:
    """How long new signed media links last (``ttl_seconds``; ``null`` = the default 900 s)."""
    ctx = ctx_of(request)
    seconds = (await json_object(request)).get("ttl_seconds")
    if seconds is not None and (isinstance(seconds, bool) or not isinstance(
            seconds, int | float) or not 0 < seconds <= 7 * 86400):
        raise invalid("ttl_seconds", "ttl_seconds must be a number of seconds (0-604800)")
    links.set_ttl(ctx, seconds)
    return respond({"ttl_seconds": links.ttl(ctx)})


async def bench_fill_segments(request: Request) -> Response:
    """Bench-only: an index of ``media`` x ``per_media`` processed, searchable segments."""
    ctx = ctx_of(request)
    body = await json_object(request)
    media, per_media = body.get("media", 100), body.get("per_media", 1000)
    for name, value in (("media", media), ("per_media", per_media)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100_000:
            raise invalid(name, f"{name} must be an integer from 1 to 100000")
    if media * per_media > 1_000_000:
        raise invalid("per_media", "media x per_media must be at most 1,000,000 segments")
    pictures = body.get("pictures", False)
    if not isinstance(pictures, bool):
        raise invalid("pictures", "pictures must be true or false")
    prompt_id = body.get("prompt_id", "prm_default_general")
    return respond(bench_fill.fill(ctx, media=media, per_media=per_media,
                                   prompt_id=str(prompt_id), pictures=pictures), 201)


async def bench_fill_indexes(request: Request) -> Response:
    """Bench-only: ``{indexes}`` more empty indexes at once (bench/big_lists.py)."""
    from .indexes import create_index_row

    ctx = ctx_of(request)
    count = (await json_object(request)).get("indexes", 100_000)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 200_000:
        raise invalid("indexes", "indexes must be an integer from 1 to 200000")
    with ctx.store.transaction():
        for i in range(count):
            create_index_row(ctx, f"Bench index {i:06d}")
    return respond({"indexes": count}, 201)


ROUTES = [
    Route("/_sandbox/rate-limits", set_rate_limits, methods=["POST"]),
    Route("/_sandbox/download-urls", set_download_urls, methods=["POST"]),
    Route("/_sandbox/download-log", download_log, methods=["GET"]),
    Route("/_sandbox/info", info, methods=["GET"]),
    Route("/_sandbox/links", set_link_lifetime, methods=["POST"]),
    Route("/_sandbox/bench/fill", bench_fill_segments, methods=["POST"]),
    Route("/_sandbox/bench/indexes", bench_fill_indexes, methods=["POST"]),
    Route("/_sandbox/simulation", set_simulation, methods=["POST"]),
    Route("/_sandbox/faults", add_fault, methods=["POST"]),
    Route("/_sandbox/faults", list_faults, methods=["GET"]),
    Route("/_sandbox/faults", clear_faults, methods=["DELETE"]),
    Route("/_sandbox/exports/fail-next", fail_next_export, methods=["POST"]),
    Route("/_sandbox/exports/{export_id}/fail", fail_one_export, methods=["POST"]),
    Route("/_sandbox/exports/{export_id}/expire", expire_export, methods=["POST"]),
]

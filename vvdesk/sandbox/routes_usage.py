"""``/usage*`` and ``/rate-limit/*`` (SDK ``client.usage`` / ``client.rate_limits``)."""

from __future__ import annotations

from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import usage
from .context import ctx_of
from .paging import parse_limit
from .ratelimit import PLAN_ID
from .web import respond


def _range(request: Request) -> tuple[datetime | None, datetime | None]:
    q = request.query_params
    return (usage.parse_when(q.get("start_date"), "start_date"),
            usage.parse_when(q.get("end_date"), "end_date"))


async def get_current(request: Request) -> Response:
    return respond(usage.current(ctx_of(request)))


async def get_history(request: Request) -> Response:
    since, until = _range(request)
    limit = parse_limit(request, default=12, low=1, high=120) or 12
    return respond(usage.history(ctx_of(request), since, until, limit))


async def get_details(request: Request) -> Response:
    since, until = _range(request)
    limit = parse_limit(request, default=100, low=1, high=1000) or 100
    metric = request.query_params.get("metric_type") or None
    return respond(usage.details(ctx_of(request), metric, since, until, limit))


async def get_breakdown(request: Request) -> Response:
    since, until = _range(request)
    return respond(usage.breakdown(ctx_of(request), since, until))


async def get_metric_types(request: Request) -> Response:
    return respond(usage.metric_types())


async def rate_limit_status(request: Request) -> Response:
    ctx = ctx_of(request)
    return respond({"user_id": ctx.user_id, "plan_id": PLAN_ID,
                    "categories": ctx.limiter.status(ctx.key_hash)})


ROUTES = [
    Route("/usage", get_current, methods=["GET"]),
    Route("/usage/history", get_history, methods=["GET"]),
    Route("/usage/details", get_details, methods=["GET"]),
    Route("/usage/breakdown", get_breakdown, methods=["GET"]),
    Route("/usage/metric-types", get_metric_types, methods=["GET"]),
    Route("/rate-limit/status", rate_limit_status, methods=["GET"]),
    Route("/rate-limit/refresh", rate_limit_status, methods=["POST"]),
]

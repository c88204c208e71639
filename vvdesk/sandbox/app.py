"""Assembles the Starlette app: routes under ``/api/v2``, error envelopes, worker."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount

from . import (
    automations,
    previews,
    routes_auth,
    routes_automations,
    routes_connectors,
    routes_control,
    routes_exports,
    routes_indexes,
    routes_links,
    routes_media,
    routes_prompts,
    routes_runs,
    routes_search,
    routes_usage,
    routes_videos,
    routes_webhooks,
    search,
    seed,
    webhooks,
    worker,
)
from .clock import SimClock
from .context import Context, Settings
from .db import Store
from .errors import ApiError, envelope
from .gateway import DropConnection, Gateway

log = logging.getLogger("vvdesk.sandbox")

ROUTE_MODULES = [
    routes_auth, routes_indexes, routes_media, routes_videos, routes_prompts, routes_runs,
    routes_exports, routes_connectors, routes_automations, routes_control, routes_usage,
    routes_webhooks, routes_search, routes_links,
]


def _request_id(request: Request) -> str:
    return str(request.scope.get("state", {}).get("request_id", "req_unknown"))


async def api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    body = envelope(exc.code, exc.message, exc.details, _request_id(request))
    return JSONResponse(body, status_code=exc.status, headers=exc.headers)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        code, message = "resource_route_not_found", f"No route for {request.url.path}"
    elif exc.status_code == 405:
        code, message = "method_not_allowed", f"{request.method} is not allowed here"
    else:
        code, message = "http_error", str(exc.detail)
    body = envelope(code, message, {"method": request.method, "path": request.url.path},
                    _request_id(request))
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


async def server_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, DropConnection):
        log.error("unhandled error: %s", type(exc).__name__, exc_info=exc)
    body = envelope("internal_error", "Internal sandbox error", {}, _request_id(request))
    return JSONResponse(body, status_code=500)


def build_context(settings: Settings) -> Context:
    """Open storage under the data dir (creating it) and return the shared context."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(settings.data_dir / "sandbox.sqlite3")
    ctx = Context(settings=settings, store=store, clock=SimClock(settings.time_scale))
    automations.install(ctx, worker.STEPS)
    webhooks.install(ctx, worker.STEPS)
    search.install(ctx)
    previews.resume(ctx)
    return ctx


def build_app(settings: Settings) -> Gateway:
    """The ASGI application (gateway around Starlette) for one data dir."""
    ctx = build_context(settings)
    routes = [r for module in ROUTE_MODULES for r in module.ROUTES]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if settings.seed_demo:
            seed.seed_demo(ctx)
        task = asyncio.create_task(worker.run_forever(ctx))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            previews.shutdown()
            ctx.store.close()

    app = Starlette(
        routes=[Mount("/api/v2", routes=routes), *routes_links.PUBLIC_ROUTES],
        exception_handlers={ApiError: api_error, HTTPException: http_error,
                            Exception: server_error},
        lifespan=lifespan,
    )
    app.state.ctx = ctx
    return Gateway(app, settings.api_key, ctx.faults, ctx.limiter)

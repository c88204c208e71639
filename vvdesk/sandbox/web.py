"""Request parsing and response helpers shared by the route modules."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import idempotency
from .context import ctx_of
from .errors import ApiError, invalid


def respond(body: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status)


async def json_body(request: Request, *, optional: bool = False) -> Any:
    """Decoded JSON body; ``None`` for an empty body when ``optional``."""
    raw = await request.body()
    if not raw.strip():
        if optional:
            return None
        raise invalid("body", "a JSON request body is required")
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise ApiError(422, "validation_error", "request body is not valid JSON",
                       {"field": "body"}) from exc


async def json_object(request: Request, *, optional: bool = False) -> dict[str, Any]:
    """JSON body that must be an object (``{}`` when optional and absent)."""
    body = await json_body(request, optional=optional)
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise invalid("body", "request body must be a JSON object")
    return body


def query_bool(request: Request, name: str, default: bool | None) -> bool | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise invalid(name, f"{name} must be true or false")


def idempotent(
    request: Request, payload: Any, produce: Callable[[], tuple[int, Any]]
) -> JSONResponse:
    """Run ``produce`` once per Idempotency-Key; replay or reject reuses (contract §0.5)."""
    key = request.headers.get("idempotency-key")
    if not key:
        status, body = produce()
        return respond(body, status)
    ctx = ctx_of(request)
    scope = idempotency.scope_of(ctx.key_hash, request.method, request.url.path, key)
    print_ = idempotency.fingerprint(payload)
    receipt = idempotency.lookup(ctx.store, scope, print_)
    if receipt is not None:
        return respond(receipt.body, receipt.status)
    status, body = produce()
    if status < 400:
        idempotency.record(ctx.store, scope, print_, status, body)
    return respond(body, status)


def no_content() -> Response:
    return Response(status_code=204)

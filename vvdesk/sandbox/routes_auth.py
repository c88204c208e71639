"""``/auth/*`` helpers the SDK calls (validation probe and advisory activity ping)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import clock
from .web import json_body, no_content, respond


async def validate(request: Request) -> Response:
    """204: the key was already checked by the gateway."""
    return no_content()


async def processing_activity(request: Request) -> Response:
    """Accept any JSON and acknowledge it (the SDK treats this as advisory)."""
    body = await json_body(request, optional=True)
    event_id = body.get("event_id") if isinstance(body, dict) else None
    return respond({"accepted": True, "event_id": event_id, "received_at": clock.iso()})


ROUTES = [
    Route("/auth/validate", validate, methods=["GET"]),
    Route("/auth/processing-activity", processing_activity, methods=["POST"]),
]

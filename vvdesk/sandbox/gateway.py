"""Outermost ASGI layer: request ids, API-key auth, rate limits and fault injection.

It wraps the whole Starlette app so *every* response (including 404/405 and
errors raised before routing) carries ``X-Request-ID`` and uses the envelope.
Two requests need no API key: ``GET /webhooks/events`` (public) and a minted export
URL (``GET /exports/{id}/download?token=…``, the route checks the token).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
import uuid
from typing import Any
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import envelope
from .faults import FaultBook, FaultRule
from .ratelimit import RateLimiter, category_of

API_PREFIX = "/api/v2"
CONTROL_PREFIX = "/api/v2/_sandbox"
PUBLIC_GETS = ("/api/v2/webhooks/events",)
UNMETERED = (CONTROL_PREFIX, "/api/v2/rate-limit/")  # status stays readable when exhausted
TOKEN_DOWNLOAD = re.compile(r"^/api/v2/exports/[^/]+/download$")


class DropConnection(Exception):
    """Raised to make uvicorn abort the connection mid-exchange."""


async def send_json(send: Send, status: int, body: Any, headers: dict[str, str]) -> None:
    """Send a complete JSON response through raw ASGI."""
    payload = json.dumps(body).encode()
    raw_headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
        *[(k.lower().encode(), v.encode()) for k, v in headers.items()],
    ]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": payload})


class Gateway:
    """Request id + auth + faults in front of the router."""

    def __init__(self, app: ASGIApp, api_key: str, faults: FaultBook,
                 limiter: RateLimiter | None = None) -> None:
        self.app = app
        self.api_key = api_key.encode()
        self.key_hash = hashlib.sha256(self.api_key).hexdigest()
        self.faults = faults
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = f"req_{uuid.uuid4().hex[:20]}"
        scope.setdefault("state", {})["request_id"] = request_id
        rid_header = (b"x-request-id", request_id.encode())

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() != b"x-request-id"]
                message = {**message, "headers": [*headers, rid_header]}
            await send(message)

        path: str = scope["path"]
        keyless = self._keyless(scope)
        if path.startswith(API_PREFIX) and not keyless and not self._authorised(scope):
            body = envelope(
                "authentication_invalid_api_key", "Missing or invalid API key", {}, request_id
            )
            await send_json(send_with_id, 401, body, {})
            return
        if self.limiter and not keyless and path.startswith(API_PREFIX) \
                and not path.startswith(UNMETERED):
            refusal = self.limiter.hit(self.key_hash,
                                       category_of(scope["method"], path[len(API_PREFIX):]))
            if refusal is not None:
                body = envelope("resource_rate_quota_exceeded",
                                f"Too many requests: {refusal.limit} per {refusal.window} "
                                f"allowed for {refusal.category}", refusal.details(), request_id)
                await send_json(send_with_id, 429, body,
                                {"Retry-After": str(refusal.retry_after)})
                return
        rule = None
        if not path.startswith(CONTROL_PREFIX):
            rule = self.faults.match(scope["method"], path)
        if rule is None:
            await self.app(scope, receive, send_with_id)
            return
        await self._faulty(rule, scope, receive, send_with_id, request_id)

    @staticmethod
    def _keyless(scope: Scope) -> bool:
        path, method = scope["path"], scope["method"]
        if method == "GET" and path in PUBLIC_GETS:
            return True
        query = scope.get("query_string", b"").decode("latin-1")
        # the route checks the token whenever the parameter is there (same parser)
        return (method == "GET" and bool(TOKEN_DOWNLOAD.match(path))
                and "token" in parse_qs(query, keep_blank_values=True))

    def _authorised(self, scope: Scope) -> bool:
        for name, value in scope.get("headers", []):
            if name.lower() == b"x-api-key":
                return hmac.compare_digest(value.strip(), self.api_key)
        return False

    async def _faulty(
        self, rule: FaultRule, scope: Scope, receive: Receive, send: Send, request_id: str
    ) -> None:
        if rule.latency:
            await asyncio.sleep(rule.latency)
        if rule.trickle_s:
            send = _trickling(send, rule.trickle_s)
        if rule.endless:
            await _endless(send, receive, rule.body)
            return
        if rule.body is not None:
            await send_json(send, rule.status or 200, rule.body, {})
            return
        if rule.status is not None:
            headers = {"Retry-After": rule.retry_after} if rule.retry_after else {}
            code = rule.code or _default_code(rule.status)
            body = envelope(code, rule.message or f"Injected fault ({rule.status})",
                            {"fault_id": rule.fault_id}, request_id)
            await send_json(send, rule.status, body, headers)
            return
        started = False
        sent = 0

        async def counting_receive() -> Message:
            message = await receive()
            nonlocal sent
            if rule.drop_request_after is not None and message["type"] == "http.request":
                sent += len(message.get("body", b""))
                if sent >= rule.drop_request_after:
                    raise DropConnection("request body dropped")
            return message

        body_bytes = 0

        async def dropping_send(message: Message) -> None:
            nonlocal started, body_bytes
            if message["type"] == "http.response.start":
                started = True
            limit = rule.drop_response_after
            if limit is not None and message["type"] == "http.response.body":
                chunk: bytes = message.get("body", b"")
                room = limit - body_bytes
                if len(chunk) >= room:
                    if room > 0:
                        await send({"type": "http.response.body", "body": chunk[:room],
                                    "more_body": True})
                    raise DropConnection("response body dropped")
                body_bytes += len(chunk)
            await send(message)

        try:
            await self.app(scope, counting_receive, dropping_send)
        except DropConnection:
            if not started:
                # A started response with a promised length makes uvicorn close the
                # socket instead of answering 500: the client sees a dead connection.
                await send({"type": "http.response.start", "status": 200,
                            "headers": [(b"content-length", b"1048576")]})
            raise


ENDLESS_PIECE = 64 * 1024  # bytes of rows per body message of an endless answer
ENDLESS_MAX = 2 * 1024 ** 3  # a client that never leaves still gets an end (then "]")


async def _endless(send: Send, receive: Receive, rows: list[Any]) -> None:
    """A 200 JSON list whose rows repeat without end: it stops when the client goes
    away (a hostile server for the client's size cap)."""
    gone = asyncio.Event()

    async def watch() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        gone.set()

    one = b",".join(json.dumps(r, separators=(",", ":")).encode() for r in rows)
    piece = b",".join([one] * max(1, ENDLESS_PIECE // (len(one) + 1)))
    watcher = asyncio.create_task(watch())
    try:
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": b"[" + piece, "more_body": True})
        sent = len(piece)
        while not gone.is_set() and sent < ENDLESS_MAX:
            await send({"type": "http.response.body", "body": b"," + piece, "more_body": True})
            sent += len(piece) + 1
            await asyncio.sleep(0)
        if not gone.is_set():
            await send({"type": "http.response.body", "body": b"]", "more_body": False})
    finally:
        watcher.cancel()


def _trickling(send: Send, pause: float) -> Send:
    """A send that passes the response body on one byte at a time, `pause` seconds apart."""

    async def trickle(message: Message) -> None:
        if message["type"] != "http.response.body":
            await send(message)
            return
        chunk: bytes = message.get("body", b"")
        more = message.get("more_body", False)
        for i in range(len(chunk)):
            await asyncio.sleep(pause)
            await send({"type": "http.response.body", "body": chunk[i:i + 1],
                        "more_body": more or i < len(chunk) - 1})
        if not chunk:
            await send(message)

    return trickle


def _default_code(status: int) -> str:
    if status == 429:
        return "resource_rate_quota_exceeded"
    if status >= 500:
        return "service_unavailable"
    return "injected_fault"

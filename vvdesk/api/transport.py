"""What the SDK's HTTP transport does not do by itself: overall deadlines and 429 notices.

The SDK gives httpx one timeout per read, so a body trickled at 1 byte/s never times out,
and on a 429 it sleeps up to `max_retry_delay` (300 s by default) per retry in silence.
`RequestGuard` wraps the transport of the SDK's own httpx client (same headers, pool and
TLS settings) and adds:

- an overall deadline for every API answer: headers and the whole body within
  `deadline` seconds, else httpx.ReadTimeout (which the SDK reports as a timeout).
  Uploads (multipart bodies) and export downloads stream for as long as they progress;
  they have their own progress and stall handling.
- a notice at the moment a 429 arrives (`on_rate_limited(RateNotice)`), with when the
  server said to try again, before the SDK starts waiting.
- every answer's status to `on_answer(status)` (api/health.py counts 5xx storms).
- long list answers (api/list_reader.py): when the request runs with a `ListRead`, the
  body of its 200 answer goes to that reader (capped, parsed in a worker thread) and the
  SDK gets the reader's stand-in (`null`, `[]`); a body past the cap or unreadable ends
  the call at once (HTTP 400 with LIST_UNREADABLE_CODE), and the reader holds the words.
- waits the SDK should not sit out silently: a 429 whose Retry-After is longer than
  SDK_WAIT_MAX_S, or not a number, is handed to the SDK as a terminal answer (HTTP 400
  with the code RETRY_LATER_CODE and the wait in details), so the call ends at once and
  `errors.describe` reports it as rate limiting with the server's real wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

import httpx

from vvdesk.api.list_reader import READING, ListRead
from vvdesk.api.waits import (
    RETRY_LATER_CODE,
    SDK_WAIT_MAX_S,
    UNSTATED_WAIT_S,
    RateNotice,
    parse_retry_after,
)

if TYPE_CHECKING:
    from videovector import AsyncVideoVector

log = logging.getLogger(__name__)

REQUEST_DEADLINE_S = 120.0  # an API answer, headers and body, never takes longer
LIST_UNREADABLE_CODE = "vvdesk_list_unreadable"  # a list answer the reader refused


def _exempt(request: httpx.Request) -> bool:
    """Transfers stream as long as they progress: no overall deadline for them."""
    content_type = request.headers.get("content-type", "")
    return content_type.startswith("multipart/") or request.url.path.endswith("/download")


class _DeadlineStream(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, deadline: float, limit: float,
                 request: httpx.Request) -> None:
        self._inner, self._deadline, self._limit, self._request = inner, deadline, limit, request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        chunks = self._inner.__aiter__()
        try:
            while True:
                left = self._deadline - time.monotonic()
                if left <= 0:
                    raise _late(self._limit, self._request)
                try:
                    chunk = await asyncio.wait_for(chunks.__anext__(), left)
                except StopAsyncIteration:
                    return
                except TimeoutError:
                    raise _late(self._limit, self._request) from None
                yield chunk
        finally:  # left early (a list past its cap): close the inner one here, in this task
            closer = getattr(chunks, "aclose", None)
            if closer is not None:
                await closer()

    def extend(self, seconds: float) -> None:
        """Time spent on our side (parsing a list): not counted against the server."""
        self._deadline += seconds

    async def aclose(self) -> None:
        await self._inner.aclose()


def _late(limit: float, request: httpx.Request) -> httpx.ReadTimeout:
    return httpx.ReadTimeout(f"no complete answer within {limit:g} s", request=request)


async def _decoded(response: httpx.Response) -> AsyncGenerator[bytes, None]:
    """The body as httpx would give it (gzip etc. undone), from a generator whose closing
    closes the streams under it (`aiter_bytes` leaves its inner generators suspended
    when left early, and they are then finalised in whatever task collects them)."""
    decoder = response._get_content_decoder()
    assert isinstance(response.stream, httpx.AsyncByteStream)
    raw = response.stream.__aiter__()
    try:
        async for piece in raw:
            if data := decoder.decode(piece):
                yield data
        if data := decoder.flush():
            yield data
    finally:
        closer = getattr(raw, "aclose", None)
        if closer is not None:
            await closer()


def _replaced(response: httpx.Response, request: httpx.Request, status: int,
              content: bytes) -> httpx.Response:
    """An answer the SDK reads instead of `response` (same headers, this body)."""
    headers = [(k, v) for k, v in response.headers.raw
               if k.lower() not in (b"content-length", b"content-encoding",
                                    b"transfer-encoding", b"retry-after")]
    return httpx.Response(status, headers=headers, content=content, request=request)


class RequestGuard(httpx.AsyncBaseTransport):
    """Wraps the SDK's httpx transport: deadlines, 429 notices, long waits made terminal."""

    def __init__(self, deadline: float = REQUEST_DEADLINE_S) -> None:
        self.inner: httpx.AsyncBaseTransport | None = None
        self.deadline = deadline
        self.on_rate_limited: Callable[[RateNotice], None] | None = None
        self.on_answer: Callable[[int], None] | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert self.inner is not None
        if _exempt(request):
            return await self._after(await self.inner.handle_async_request(request), request)
        deadline = time.monotonic() + self.deadline
        try:
            response = await asyncio.wait_for(self.inner.handle_async_request(request),
                                              self.deadline)
        except TimeoutError:
            raise _late(self.deadline, request) from None
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            # Python 3.11's wait_for returns the answer when it lands as the task is
            # cancelled, and the cancel is lost (gh-86296): a poll loop cancelled at quit
            # then went on polling, and the app's shutdown waited for it for ever
            await response.aclose()
            raise asyncio.CancelledError
        if isinstance(response.stream, httpx.AsyncByteStream):
            response.stream = _DeadlineStream(response.stream, deadline, self.deadline,
                                              request)
        response = await self._after(response, request)
        read = READING.get()
        if (read is not None and response.status_code == 200
                and read.matches(request.method, request.url.path)):
            return await self._read_list(response, request, read)
        return response

    async def _read_list(self, response: httpx.Response, request: httpx.Request,
                         read: ListRead) -> httpx.Response:
        stream = response.stream
        credit = stream.extend if isinstance(stream, _DeadlineStream) else None
        chunks = _decoded(response)
        try:
            await read.consume(chunks, credit)
        finally:
            # Left early (past the cap): close the connection, then let the generators
            # under `chunks` (httpx's and httpcore's) run to their end here, in this task;
            # abandoned, they are finalised later elsewhere and fail (httpx 0.28).
            await response.aclose()
            with contextlib.suppress(Exception):
                async for _rest in chunks:
                    break
            await chunks.aclose()
        if read.problem is None:
            return _replaced(response, request, 200, read.stand_in)
        body = {"error": {"code": LIST_UNREADABLE_CODE, "message": read.problem.message},
                "request_id": response.headers.get("x-request-id")}
        return _replaced(response, request, 400, json.dumps(body).encode())

    async def _after(self, response: httpx.Response, request: httpx.Request) -> httpx.Response:
        if self.on_answer is not None:
            try:
                self.on_answer(response.status_code)
            except Exception:  # a listener's bug must not fail the request
                log.exception("on_answer failed")
        if response.status_code != 429:
            return response
        parsed = parse_retry_after(response.headers.get("retry-after"))
        wait = UNSTATED_WAIT_S if parsed is None else parsed
        short = parsed is not None and wait <= SDK_WAIT_MAX_S
        notice = RateNotice(wait, parsed is not None, time.time() + wait, short)
        if self.on_rate_limited is not None:
            self.on_rate_limited(notice)
        if short:
            return response
        await response.aread()  # the connection goes back to the pool
        await response.aclose()
        body = {"error": {"code": RETRY_LATER_CODE, "message": "",
                          "details": {"retry_after": wait, "stated": parsed is not None}},
                "request_id": response.headers.get("x-request-id")}
        return _replaced(response, request, 400, json.dumps(body).encode())

    async def aclose(self) -> None:
        if self.inner is not None:
            await self.inner.aclose()


def install_guard(client: AsyncVideoVector, guard: RequestGuard) -> None:
    """Wrap the transport of the httpx client the SDK builds (lazily, at open_transport or
    at the first request), so every request of this SDK client passes the guard."""
    http: Any = client._http
    ensure = http._ensure_client

    async def ensure_guarded() -> httpx.AsyncClient:
        built = await ensure()
        if not isinstance(built._transport, RequestGuard):
            guard.inner = built._transport
            built._transport = guard
        return built

    http._ensure_client = ensure_guarded
    http.vvdesk_guard = guard


def guard_of(client: AsyncVideoVector) -> RequestGuard | None:
    guard = getattr(client._http, "vvdesk_guard", None)
    return guard if isinstance(guard, RequestGuard) else None

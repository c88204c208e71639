"""A tiny scripted HTTP server on 127.0.0.1 for answers the sandbox would never give.

Tests script it with `answer(method, path_regex, reply)`; every request is recorded with its
raw path (as it came over the wire), so a test can assert what the client really asked for.
It runs in a thread (the test's Qt/asyncio loop keeps running) and shares no vvdesk code.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # JSON-able, or bytes sent as they are
    headers: dict[str, str] = field(default_factory=dict)
    trickle_s: float = 0.0  # > 0: send the body one byte at a time, this long apart


@dataclass
class Seen:
    method: str
    raw_path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


Script = Callable[[Seen], Reply]


def error(status: int, code: str, message: str, **headers: str) -> Reply:
    """An API error envelope like the real server's."""
    return Reply(status, {"error": {"code": code, "message": message, "details": {}},
                          "request_id": "req_stub"}, headers)


class StubServer:
    def __init__(self) -> None:
        self.routes: list[tuple[str, re.Pattern[str], Script]] = []
        self.seen: list[Seen] = []
        self._server: ThreadingHTTPServer | None = None
        self.closing = threading.Event()

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/v2"

    def answer(self, method: str, path: str, reply: Reply | Script) -> None:
        """Answer requests whose path (without the query) matches `path` (a regex, fullmatch)."""
        script = reply if callable(reply) else (lambda _seen, r=reply: r)
        self.routes.insert(0, (method.upper(), re.compile(path), script))

    def paths(self) -> list[str]:
        return [s.raw_path for s in self.seen]

    def _reply_for(self, seen: Seen) -> Reply:
        path = urlsplit(seen.raw_path).path
        for method, pattern, script in self.routes:
            if method in ("*", seen.method) and pattern.fullmatch(path):
                return script(seen)
        return error(404, "resource_not_found", "No such route in the stub")

    def start(self) -> None:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                return

            def _handle(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                if length:
                    self.rfile.read(length)
                seen = Seen(self.command, self.path, parse_qs(urlsplit(self.path).query),
                            {k.lower(): v for k, v in self.headers.items()})
                stub.seen.append(seen)
                reply = stub._reply_for(seen)
                body = reply.body if isinstance(reply.body, bytes) else \
                    json.dumps(reply.body).encode()
                self.send_response(reply.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.send_header("x-request-id", "req_stub")
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                if not reply.trickle_s:
                    self.wfile.write(body)
                    return
                for i in range(len(body)):
                    if stub.closing.wait(reply.trickle_s):
                        return
                    try:
                        self.wfile.write(body[i:i + 1])
                        self.wfile.flush()
                    except OSError:  # the client gave up: that is the point
                        return

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.closing.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@contextmanager
def stub_server() -> Iterator[StubServer]:
    stub = StubServer()
    stub.start()
    try:
        yield stub
    finally:
        stub.stop()


def wait_for(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()

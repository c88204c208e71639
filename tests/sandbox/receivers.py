"""A loopback webhook receiver for tests, and the signature check official clients do.

`verify_signature` is the check of the vendor's n8n trigger node (`verifySignature` in
VideoVectorTrigger.node.ts; the Python SDK ships none): the header must be exactly
`sha256=<64 hex>` and equal HMAC-SHA256(secret, raw body), compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_SIGNATURE = re.compile(r"^sha256=[a-fA-F0-9]{64}$")


def verify_signature(raw_body: bytes, signature: str | None, secret: str) -> bool:
    if not raw_body or not isinstance(signature, str) or not _SIGNATURE.match(signature):
        return False
    received = bytes.fromhex(signature[len("sha256="):])
    expected = hmac.new(secret.encode(), raw_body, hashlib.sha256).digest()
    return hmac.compare_digest(received, expected)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class Receiver:
    """Records every POST; answers the next scripted status (then `default_status`)."""

    url: str = ""
    requests: list[Received] = field(default_factory=list)
    script: list[int] = field(default_factory=list)
    default_status: int = 200
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_status(self) -> int:
        with self.lock:
            return self.script.pop(0) if self.script else self.default_status

    def posts(self, event: str | None = None) -> list[Received]:
        with self.lock:
            return [r for r in self.requests
                    if event is None or r.headers.get("x-event-type") == event]


@contextmanager
def receiver(**kwargs: object) -> Iterator[Receiver]:
    rec = Receiver(**kwargs)  # type: ignore[arg-type]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with rec.lock:
                rec.requests.append(Received(self.path, {k.lower(): v for k, v in
                                                         self.headers.items()}, body,
                                             time.monotonic()))
            status = rec.next_status()
            answer = b'{"received": true}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    rec.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield rec
    finally:
        server.shutdown()
        server.server_close()

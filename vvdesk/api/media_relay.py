"""The player's way to a signed media link: a loopback relay the app controls.

Given a signed https URL, QtMultimedia's FFmpeg fetched it itself: it did not verify TLS
against the profile's CA (the embedded sandbox has its own) and it printed the URL, with
its token, on stderr whenever something went wrong. Now the player is given
``http://127.0.0.1:<port>/m/<random id>`` instead: this relay (one thread per request,
daemon threads) forwards each request, ``Range`` included, to the signed URL through httpx
verifying against the profile's CA, with no API key, and streams the answer back. What
FFmpeg could print is the loopback address; the token never leaves this module, and the
relay logs nothing.
"""

from __future__ import annotations

import contextlib
import secrets
import ssl
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CHUNK = 64 * 1024
PASSED_HEADERS = ("content-type", "content-length", "content-range", "accept-ranges",
                  "last-modified", "etag")
KEPT_LINKS = 64  # links published (the last ones opened; older ones are forgotten)


@dataclass
class _Link:
    url: str
    http: Any  # an httpx.Client trusting what the profile trusts


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # nothing on stderr (BaseHTTPRequestHandler writes every request there)

    def do_HEAD(self) -> None:  # BaseHTTPRequestHandler's names
        self._relay(body=False)

    def do_GET(self) -> None:
        self._relay(body=True)

    def _relay(self, *, body: bool) -> None:
        link = self.server.relay.link(self.path)
        if link is None:
            self.send_error(404)
            return
        headers = {"Range": self.headers["Range"]} if self.headers.get("Range") else {}
        try:
            with link.http.stream("GET", link.url, headers=headers) as upstream:
                self.send_response(upstream.status_code)
                for name in PASSED_HEADERS:
                    if name in upstream.headers:
                        self.send_header(name, upstream.headers[name])
                if "content-length" not in upstream.headers:
                    self.close_connection = True
                self.end_headers()
                if body:
                    for chunk in upstream.iter_bytes(CHUNK):
                        self.wfile.write(chunk)
        except (ConnectionError, TimeoutError):
            self.close_connection = True  # the player hung up (a seek) or went away
        except Exception:  # the link's server failed (TLS, network): say so, print nothing
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.send_error(502)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, relay: MediaRelay) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.relay = relay

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the base prints a traceback on stderr


class MediaRelay:
    """Publishes signed links as loopback URLs for the player (start on first use)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._links: dict[str, _Link] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def publish(self, url: str, verify: ssl.SSLContext | bool) -> str:
        """A loopback URL serving what ``url`` serves (blocking: binds a socket the first
        time; call in a worker)."""
        import httpx

        http = httpx.Client(verify=verify, follow_redirects=False, trust_env=False,
                            timeout=httpx.Timeout(30.0))
        with self._lock:
            if self._server is None:
                self._server = _Server(self)
                self._thread = threading.Thread(target=self._server.serve_forever,
                                                name="media-relay", daemon=True)
                self._thread.start()
            key = secrets.token_urlsafe(24)
            self._links[key] = _Link(url, http)
            while len(self._links) > KEPT_LINKS:
                self._links.pop(next(iter(self._links))).http.close()
            port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}/m/{key}"

    def link(self, path: str) -> _Link | None:
        key = path.split("?", 1)[0].removeprefix("/m/")
        with self._lock:
            return self._links.get(key)

    def close(self) -> None:
        """Stop serving (blocking for up to half a second: the server's poll)."""
        with self._lock:
            server, self._server = self._server, None
            links, self._links = self._links, {}
        if server is not None:
            server.shutdown()
            server.server_close()
        for link in links.values():
            link.http.close()

"""``python -m vvdesk.sandbox``: run the sandbox server.

The first stdout line is the API base URL, printed once the socket accepts
connections, so a parent process can wait for it. The API key is never logged.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import socket
import sys
from collections.abc import Generator
from pathlib import Path

# One BLAS thread: the search's matrix-vector product is small, and on a shared machine
# a thread per core fights the server's own thread (20 ms instead of 2 ms per product).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import uvicorn

from .app import build_app
from .context import Settings
from .ratelimit import DEFAULT_PER_HOUR, DEFAULT_PER_MINUTE
from .tls import ensure_certificates

KEY_ENV = "VV_SANDBOX_API_KEY"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m vvdesk.sandbox",
                                     description="Local VideoVector API sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--api-key", default=None, help=f"or set {KEY_ENV}")
    parser.add_argument("--seed-demo", action="store_true")
    parser.add_argument("--time-scale", type=float, default=1.0)
    parser.add_argument("--log-level", default="warning")
    parser.add_argument("--https", action="store_true",
                        help="serve TLS with a certificate from DIR/tls (made at first start)")
    parser.add_argument("--rate-limit-per-minute", type=int, default=DEFAULT_PER_MINUTE,
                        help="requests per minute per API key and category")
    parser.add_argument("--rate-limit-per-hour", type=int, default=DEFAULT_PER_HOUR,
                        help="requests per hour per API key and category")
    return parser.parse_args(argv)


class QuietServer(uvicorn.Server):
    """uvicorn server whose SIGTERM/SIGINT handling ends in a normal exit (status 0).

    Stock uvicorn re-raises the captured signal after shutdown, which makes the
    process die "by signal"; the desktop app and tests want a clean exit code.
    """

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._request_exit)
        try:
            yield
        finally:
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(sig)

    def _request_exit(self) -> None:
        if self.should_exit:
            self.force_exit = True
        self.should_exit = True


async def serve(args: argparse.Namespace, api_key: str) -> None:
    settings = Settings(data_dir=args.data_dir.resolve(), api_key=api_key,
                        time_scale=args.time_scale, seed_demo=args.seed_demo, https=args.https,
                        rate_per_minute=args.rate_limit_per_minute,
                        rate_per_hour=args.rate_limit_per_hour)
    app = build_app(settings)
    certfile: str | None = None
    keyfile: str | None = None
    if args.https:
        files = ensure_certificates(settings.data_dir)
        certfile, keyfile = str(files.server_cert), str(files.server_key)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit it (Linux): without it a response written as headers then
    # body waits for the client's delayed ACK, 40 ms on every answer that has a body.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((args.host, args.port))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level=args.log_level, access_log=False,
                            lifespan="on", timeout_graceful_shutdown=3,
                            ssl_certfile=certfile, ssl_keyfile=keyfile)
    server = QuietServer(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started and not task.done():
        await asyncio.sleep(0.02)
    if server.started:
        scheme = "https" if args.https else "http"
        sys.stdout.write(f"{scheme}://{args.host}:{port}/api/v2\n")
        sys.stdout.flush()
    await task


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    api_key = args.api_key or os.environ.get(KEY_ENV)
    if not api_key:
        sys.stderr.write(f"an API key is required (--api-key or {KEY_ENV})\n")
        return 2
    if args.rate_limit_per_minute < 1 or args.rate_limit_per_hour < 1:
        sys.stderr.write("rate limits must be at least 1\n")
        return 2
    if args.time_scale <= 0:
        sys.stderr.write("--time-scale must be positive\n")
        return 2
    asyncio.run(serve(args, api_key))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""One AsyncVideoVector client per profile; the SDK does HTTP, retries and idempotency."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import ssl
import weakref
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from videovector import AsyncVideoVector

USER_AGENT_SUFFIX = "vvdesk"


def normalize_base_url(url: str) -> str:
    """Strip blanks and a trailing slash; the SDK does the same, we need it for display/compare."""
    return url.strip().rstrip("/")


# imported by the first request otherwise, i.e. on the loop's (UI) thread
TRANSPORT_MODULES = ("anyio._backends._asyncio", "h11", "httpcore._async.http11", "certifi")
# PyAV (media_probe) loads FFmpeg's libraries; imported in a worker while Qt Multimedia
# loads its FFmpeg plugin on the UI thread (a player being made), the two loaders deadlocked
# (tests/ui/test_look.py hung in QMediaPlayer()): so it is imported here, before any player
MEDIA_MODULES = ("av",)


def _import_all(names: tuple[str, ...]) -> None:
    for name in names:
        importlib.import_module(name)


async def preload_sdk() -> None:
    """Import the SDK (~1 s of pydantic model building) and the HTTP stack under it in a
    worker thread, not the UI's."""
    await asyncio.to_thread(_import_all, ("videovector", *TRANSPORT_MODULES, *MEDIA_MODULES))


def _build_transport(client: AsyncVideoVector) -> None:
    loop = asyncio.SelectorEventLoop()  # explicit: not whatever loop the policy would make
    try:
        loop.run_until_complete(client._http._ensure_client())  # no awaits inside; no I/O
    finally:
        loop.close()


async def open_transport(client: AsyncVideoVector) -> None:
    """Have the SDK build its httpx client now, in a worker thread.

    httpx reads the CA bundle from disk when it builds a client (50-300 ms); the SDK does
    that lazily at the first request, which would be on the UI thread. If it fails here,
    the SDK tries again at the first request and reports the problem there, as before.
    """
    with contextlib.suppress(Exception):
        await asyncio.to_thread(_build_transport, client)


_CA_FILES: weakref.WeakKeyDictionary[AsyncVideoVector, Path] = weakref.WeakKeyDictionary()


def trust_for(ca_file: Path | None) -> ssl.SSLContext | bool:
    """What httpx verifies against: exactly `ca_file` (no system roots) when the profile
    names one (the embedded sandbox's own CA), else the default trust store."""
    if ca_file is None:
        return True
    return ssl.create_default_context(cafile=str(ca_file))


def ca_file_of(client: AsyncVideoVector) -> Path | None:
    """The CA `client` was built to trust, None for the default trust store."""
    return _CA_FILES.get(client)


def _install_http(client: AsyncVideoVector, verify: ssl.SSLContext) -> None:
    """Give the SDK its httpx client now, built as the SDK builds it plus `verify`.

    The SDK has no verify/CA option and builds its client lazily (`_http._client`);
    filling that slot first is how a profile trusts its own CA without touching the
    process environment (SSL_CERT_FILE would change every other profile's trust too).
    """
    import httpx

    http = client._http
    cfg = http._config
    http._client = httpx.AsyncClient(base_url=cfg.base_url, timeout=httpx.Timeout(cfg.timeout),
                                     headers=http._default_headers(), verify=verify)


def make_client(
    base_url: str, api_key: str, *, max_retries: int = 3, timeout: float = 60.0,
    deadline: float | None = None, ca_file: Path | None = None,
) -> AsyncVideoVector:
    """Build the SDK client. The key goes into the SDK's default headers and nowhere else;
    it is registered for redaction, so a server that echoes it back never shows it.

    Every request passes an `api.transport.RequestGuard`: an overall deadline per API
    answer (`deadline`, default REQUEST_DEADLINE_S) besides the SDK's per-read `timeout`,
    429 notices (`guard_of(client).on_rate_limited`), long waits reported, not slept.
    With `ca_file` the client trusts exactly that CA (verification stays on).
    """
    from videovector import AsyncVideoVector

    from vvdesk.api.transport import REQUEST_DEADLINE_S, RequestGuard, install_guard
    from vvdesk.log import register_secret

    register_secret(api_key)

    client = AsyncVideoVector(
        api_key=api_key,
        base_url=normalize_base_url(base_url),
        timeout=timeout,
        max_retries=max_retries,
    )
    if ca_file is not None:  # before the guard, which wraps whatever client the SDK has
        # reads one small PEM, no CA bundle
        _install_http(client, ssl.create_default_context(cafile=str(ca_file)))
        _CA_FILES[client] = ca_file
    install_guard(client, RequestGuard(REQUEST_DEADLINE_S if deadline is None else deadline))
    return client

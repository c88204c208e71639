""""Test connection": one GET /auth/validate with the SDK's headers, reported in plain words.

The SDK folds TLS, DNS and refused connections into one "Request failed", and answers a
wrong key on /auth/processing-activity only; a profile dialog needs to tell them apart,
so this one call goes through httpx directly (same headers, no retries: the user is waiting).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vvdesk.api.errors import SERVER_TROUBLE, ApiProblem, ProblemKind, describe_transport
from vvdesk.vocab import check_base_url

if TYPE_CHECKING:
    import httpx


@dataclass(frozen=True)
class ProbeResult:
    ok: bool
    message: str
    problem: ApiProblem | None = None


def api_headers(api_key: str) -> dict[str, str]:
    """The SDK's default headers for API-key auth, for our few direct calls."""
    import videovector

    from vvdesk import __version__

    return {
        "Accept": "application/json",
        "User-Agent": f"videovector-python/{videovector.__version__} vvdesk/{__version__}",
        "X-API-Key": api_key,
    }


async def test_connection(base_url: str, api_key: str, *, timeout: float = 10.0) -> ProbeResult:
    import httpx

    if why := check_base_url(base_url):
        return ProbeResult(False, why, ApiProblem(ProblemKind.INVALID, why))
    if not api_key.strip():
        why = "Enter the API key."
        return ProbeResult(False, why, ApiProblem(ProblemKind.AUTH, why))
    url = base_url.strip().rstrip("/") + "/auth/validate"
    try:
        # built in a thread: httpx reads the CA bundle from disk when it makes a client
        http = await asyncio.to_thread(httpx.AsyncClient, timeout=timeout,
                                       follow_redirects=False)
        async with http:
            response = await http.get(url, headers=api_headers(api_key.strip()))
    except Exception as exc:  # transport problems become plain words
        problem = describe_transport(exc)
        return ProbeResult(False, problem.message, problem)
    return _judge(response)


def _judge(response: httpx.Response) -> ProbeResult:
    status = response.status_code
    rid = response.headers.get("x-request-id")
    looks_json = response.headers.get("content-type", "").startswith("application/json")
    if status in (200, 204) and (status == 204 or looks_json):
        return ProbeResult(True, "Connected: the server accepted the key.")
    if status == 401:
        p = ApiProblem(ProblemKind.AUTH, "The server rejected the API key. Check that it is "
                       "complete and belongs to this server.", status, request_id=rid)
        return ProbeResult(False, p.message, p)
    if status == 403:
        p = ApiProblem(ProblemKind.FORBIDDEN, "The key is valid but not allowed to use this "
                       "API.", status, request_id=rid)
        return ProbeResult(False, p.message, p)
    if 300 <= status < 400 or status == 404 or not looks_json:
        p = ApiProblem(ProblemKind.BAD_RESPONSE, "Something answers at that address, but it is "
                       f"not a VideoVector API (HTTP {status}). Check the address and its "
                       "/api/v2 path.", status, request_id=rid)
        return ProbeResult(False, p.message, p)
    what = SERVER_TROUBLE.get(status)
    p = ApiProblem(ProblemKind.SERVER, f"The server had a problem ({what}). Try again later."
                   if what else f"The server answered with an error (HTTP {status}). Try "
                   "again later.", status, request_id=rid)
    return ProbeResult(False, p.message, p)

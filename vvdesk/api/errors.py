"""Turn SDK and transport exceptions into plain words a user can act on.

Every message names what happened and the next step; the request id is kept so a
support ticket can cite it. Nothing here ever includes the API key or a full URL
with a query string: server text (message and details) is redacted here, where it
becomes an ApiProblem, so every banner, journal row and log line downstream is clean.
"""

from __future__ import annotations

import asyncio
import errno
import ssl
from dataclasses import dataclass
from typing import Any

from vvdesk.api.waits import RETRY_LATER_CODE, wait_words
from vvdesk.log import redact
from vvdesk.vocab import ProblemKind, with_field_labels


@dataclass(frozen=True)
class ApiProblem:
    """What went wrong, in words for a dialog or status line."""

    kind: ProblemKind
    message: str
    status: int | None = None
    code: str | None = None
    request_id: str | None = None
    retry_after: int | None = None
    details: dict | None = None

    def __str__(self) -> str:
        if self.request_id:
            return f"{self.message} (request id {self.request_id})"
        return self.message

    @property
    def field(self) -> str | None:
        """The request field a 422 names, when the server says which one."""
        if not self.details:
            return None
        value = self.details.get("field") or self.details.get("loc")
        if isinstance(value, list):
            value = value[-1] if value else None
        return str(value) if value else None


class UserFacingError(Exception):
    """A problem we found ourselves (before or instead of a request), already in plain
    words: `describe()` shows its message as it is, not as an unexpected error."""

    def __init__(self, message: str, kind: ProblemKind = ProblemKind.INVALID, *,
                 field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.field = field


# what the SDK says when it has nothing from the server (not worth showing as it is)
_SDK_FILLERS = frozenset({"", "Unknown error", "API request failed", "Request failed.",
                          "Request failed after max retries", "Download failed.",
                          "Download request failed"})
# what a 5xx means, for a person (the number stays in ApiProblem.status and the log)
SERVER_TROUBLE = {500: "an internal error", 502: "a gateway in between failed",
                  503: "it is unavailable or overloaded", 504: "a gateway in between timed out"}
INTERNAL = ("Something went wrong inside vvdesk (the details are in the log file). Try "
            "again; if it happens again, restart vvdesk.")
UNREADABLE = ("The server sent an answer vvdesk cannot read (a value is missing or of the "
              "wrong kind). Try again later; if it keeps happening, tell the server's admin.")


def _server_message(exc: Exception) -> str:
    text = redact(str(getattr(exc, "message", "") or "").strip())
    return "" if text in _SDK_FILLERS else text


def scrub(value: Any) -> Any:
    """Server-sent details with every string redacted (keys, key-shaped tokens)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {scrub(k): scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    return value


def describe(exc: BaseException) -> ApiProblem:
    """Map any exception from an API call onto an ApiProblem."""
    import videovector as vv

    if isinstance(exc, asyncio.CancelledError):
        return ApiProblem(ProblemKind.CANCELLED, "Cancelled.")
    if isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        return describe(exc.exceptions[0])  # the first failure says what went wrong
    if isinstance(exc, UserFacingError):
        return ApiProblem(exc.kind, exc.message,
                          details={"field": exc.field} if exc.field else None)
    if isinstance(exc, vv.VideoVectorError):
        return _describe_sdk(exc)
    from pydantic import ValidationError as ModelError

    if isinstance(exc, ModelError):
        return ApiProblem(ProblemKind.BAD_RESPONSE, UNREADABLE)
    return describe_transport(exc)


def _clock(wait_s: int) -> str:
    import time
    from datetime import datetime

    at = datetime.fromtimestamp(time.time() + wait_s)
    return at.strftime("%a %H:%M" if wait_s >= 20 * 3600 else "%H:%M:%S")


def _describe_sdk(exc: Exception) -> ApiProblem:
    import videovector as vv

    status = getattr(exc, "status_code", None)
    code = getattr(exc, "error_code", None)
    rid = getattr(exc, "request_id", None)
    details = scrub(getattr(exc, "details", None) or None)
    rid = redact(rid) if isinstance(rid, str) else None
    said = _server_message(exc)

    def problem(kind: ProblemKind, text: str, **extra: object) -> ApiProblem:
        return ApiProblem(kind, text, status, code, rid, details=details, **extra)  # type: ignore[arg-type]

    if isinstance(exc, vv.AuthenticationError):
        return problem(ProblemKind.AUTH, "The API key was not accepted. Check the key in "
                       "Profiles (it may be mistyped, revoked or for another server).")
    if isinstance(exc, vv.AuthorizationError):
        return problem(ProblemKind.FORBIDDEN, "This API key lacks the permission for that "
                       f"action{': ' + said if said else ''}. Ask an admin for a key with "
                       "more scope.")
    if isinstance(exc, vv.NotFoundError):
        return problem(ProblemKind.NOT_FOUND, said or "It no longer exists on the server.")
    if isinstance(exc, vv.RateLimitError) or code == RETRY_LATER_CODE:
        wait = getattr(exc, "retry_after", None)
        if code == RETRY_LATER_CODE:  # a long or unstated wait (api/transport.py)
            wait, said = (details or {}).get("retry_after"), ""
        wait_s = int(wait) if isinstance(wait, int | float) else None
        when = (f" Try again in {wait_words(wait_s)} (after {_clock(wait_s)})."
                if wait_s else " Try again later.")
        return problem(ProblemKind.RATE_LIMITED, f"The server is rate limiting requests"
                       f"{': ' + said if said else ''}.{when}", retry_after=wait_s)
    if isinstance(exc, vv.ConflictError):
        return problem(ProblemKind.CONFLICT, said or "The server refused: the item is not in a "
                       "state that allows this yet.")
    if isinstance(exc, vv.ExternalServiceError):
        what = SERVER_TROUBLE.get(status or 0, "")
        what = f" ({what})" if what else ""
        return problem(ProblemKind.SERVER, f"The server had a problem{what}"
                       f"{': ' + said if said else ''}. It was retried; try again in a minute.")
    if isinstance(exc, vv.TimeoutError):
        return problem(ProblemKind.TIMEOUT, "The server did not answer in time. Check the "
                       "network and try again.")
    if isinstance(exc, vv.ConnectionError):
        return problem(ProblemKind.OFFLINE, "Could not reach the server. Check the address "
                       "and your network connection.")
    if status == 410:
        return problem(ProblemKind.NOT_FOUND, said or "It has expired on the server.")
    if isinstance(exc, vv.ValidationError | vv.IdempotencyError):
        return problem(ProblemKind.INVALID, with_field_labels(said) if said
                       else "The server rejected the request as invalid.")
    if code and "json" in code:
        return problem(ProblemKind.BAD_RESPONSE, "The server answered with something that is "
                       "not a VideoVector API response. Is the address right?")
    if status is None and not said:  # the SDK's "Request failed.": the exchange broke off
        return problem(ProblemKind.OFFLINE, "The connection to the server broke before it "
                       "answered. Check the network connection and try again.")
    if said:
        return problem(ProblemKind.UNKNOWN, f"The server refused: {said}")
    return problem(ProblemKind.UNKNOWN, f"The server answered with an error"
                   f"{f' (HTTP {status})' if status else ''}. Try again in a minute.")


def describe_transport(exc: BaseException) -> ApiProblem:
    """Plain words for httpx/OS errors raised outside the SDK (our own adapter, downloads)."""
    import httpx

    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return ApiProblem(ProblemKind.TLS, "The server's TLS certificate is not trusted "
                              f"({cause.verify_message}). Check the address, or the system's "
                              "certificate store.")
        if isinstance(cause, ssl.SSLError):
            return ApiProblem(ProblemKind.TLS, "A secure (TLS) connection could not be made. "
                              "Does the server speak https on that port?")
        cause = cause.__cause__ or cause.__context__
    if isinstance(exc, httpx.TimeoutException):
        return ApiProblem(ProblemKind.TIMEOUT, "The server did not answer in time.")
    if isinstance(exc, httpx.ConnectError):
        text = str(exc).lower()
        if "name or service" in text or "nodename" in text or "name resolution" in text:
            return ApiProblem(ProblemKind.OFFLINE, "The server's host name could not be found. "
                              "Check the address.")
        return ApiProblem(ProblemKind.OFFLINE, "Could not connect to the server (nothing "
                          "answers at that address and port).")
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return ApiProblem(ProblemKind.OFFLINE, "The connection to the server was lost mid-way. "
                          "Try again.")
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return ApiProblem(ProblemKind.INVALID, "That is not a valid server address. It should "
                          "look like https://api.example.com/api/v2.")
    if isinstance(exc, OSError):
        return describe_os_error(exc)
    return ApiProblem(ProblemKind.UNKNOWN, INTERNAL)


def describe_os_error(exc: OSError) -> ApiProblem:
    """A local file or system failure, with what to do about it."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return ApiProblem(ProblemKind.UNKNOWN, "The disk is full (no space left on the "
                          "device). Free some space there, or choose a folder on another "
                          "disk, then try again. Nothing partial was left behind.")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return ApiProblem(ProblemKind.UNKNOWN, "vvdesk is not allowed to write or read "
                          "there. Choose another folder, or check its permissions, then "
                          "try again.")
    what = exc.strerror or str(exc) or "the system refused"
    return ApiProblem(ProblemKind.UNKNOWN, f"A file or system operation failed ({what}). "
                      "Check the file or folder and try again.")

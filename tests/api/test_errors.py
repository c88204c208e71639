"""Every failure a user can meet gets plain words and keeps the request id."""

from __future__ import annotations

import ssl

import httpx
import pytest
import videovector as vv

from vvdesk.api.errors import INTERNAL, ProblemKind, UserFacingError, describe
from vvdesk.vocab import check_base_url


@pytest.mark.parametrize(("exc", "kind", "words"), [
    (vv.AuthenticationError("bad", status_code=401, request_id="req_1"), ProblemKind.AUTH,
     "API key was not accepted"),
    (vv.AuthorizationError("missing scope", status_code=403), ProblemKind.FORBIDDEN,
     "lacks the permission"),
    (vv.NotFoundError("Export not found", status_code=404), ProblemKind.NOT_FOUND,
     "Export not found"),
    (vv.RateLimitError("slow down", retry_after=42, status_code=429), ProblemKind.RATE_LIMITED,
     "Try again in 42 s"),
    (vv.ConflictError("not ready", status_code=409), ProblemKind.CONFLICT, "not ready"),
    (vv.ExternalServiceError("boom", status_code=503), ProblemKind.SERVER,
     "had a problem (it is unavailable or overloaded): boom"),
    (vv.ConnectionError("Connection failed."), ProblemKind.OFFLINE, "Could not reach"),
    (vv.TimeoutError("Request timed out."), ProblemKind.TIMEOUT, "did not answer in time"),
    (vv.ValidationError("gone", status_code=410), ProblemKind.NOT_FOUND, "gone"),
    (vv.ValidationError("name too long", status_code=422,
                        details={"field": "name"}), ProblemKind.INVALID, "“Name” too long"),
    (vv.VideoVectorError("Invalid JSON", status_code=502, error_code="invalid_json_response"),
     ProblemKind.BAD_RESPONSE, "not a VideoVector API"),
])
def test_sdk_errors_in_plain_words(exc, kind, words):
    problem = describe(exc)
    assert problem.kind is kind
    assert words in str(problem)


def test_request_id_and_field_are_kept():
    p = describe(vv.ValidationError("bad", status_code=422, request_id="req_9",
                                    details={"field": "debounce_interval"}))
    assert "req_9" in str(p) and p.field == "debounce_interval"
    assert p.retry_after is None


def test_our_own_checks_are_shown_in_their_own_words():
    p = describe(UserFacingError("The credentials file is larger than 64 KiB."))
    assert p.kind is ProblemKind.INVALID
    assert str(p) == "The credentials file is larger than 64 KiB."
    assert describe(ValueError("x")).message == INTERNAL


def test_transport_errors():
    req = httpx.Request("GET", "http://x")
    tls = httpx.ConnectError("tls", request=req)
    tls.__cause__ = ssl.SSLError("WRONG_VERSION_NUMBER")
    assert describe(tls).kind is ProblemKind.TLS
    dns = httpx.ConnectError("[Errno -2] Name or service not known", request=req)
    assert "host name could not be found" in describe(dns).message
    assert describe(httpx.RemoteProtocolError("x", request=req)).kind is ProblemKind.OFFLINE
    assert "valid server address" in describe(httpx.UnsupportedProtocol("x")).message


@pytest.mark.parametrize(("url", "ok"), [
    ("https://api.vectormethods.com/api/v2", True),
    ("https://api.vectormethods.com/api/v2/", True),
    ("http://127.0.0.1:8123/api/v2", True),
    ("http://localhost:8123/api/v2", True),
    ("http://api.vectormethods.com/api/v2", False),
    ("https://user:pw@host/api/v2", False),
    ("https://host/api/v2?x=1", False),
    ("https://host/", False),
    ("ftp://host/api/v2", False),
    ("", False),
])
def test_base_url_rules(url, ok):
    assert (check_base_url(url) is None) is ok

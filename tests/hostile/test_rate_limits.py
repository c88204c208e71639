"""Issue 12 item 7: a 429 with a long or unusable Retry-After, or a body trickled at a byte
per second, is said at once with when to try again, and no answer can take forever."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.stub_server import Reply, error, stub_server
from vvdesk.api.client import make_client
from vvdesk.api.errors import ProblemKind
from vvdesk.services.indexes import IndexService
from vvdesk.services.session import ApiSession

INDEX = {"index_id": "idx_1", "name": "One", "user_id": "u", "created_at":
         "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z", "video_count": 0,
         "is_default": False}


def load_indexes(arun: Any, until: Any, stub: Any, **client: Any) -> dict[str, Any]:
    """Refresh the index list through the real service; what it said, and when."""
    session = ApiSession("p", stub.base_url, make_client(stub.base_url, "k" * 16, **client))
    service = IndexService(session)
    seen: dict[str, Any] = {"notices": [], "start": time.monotonic()}
    session.rate_limited.connect(
        lambda n: seen["notices"].append((time.monotonic() - seen["start"], n)))
    service.failed.connect(lambda what, p: seen.update(problem=p,
                                                       at=time.monotonic() - seen["start"]))
    service.loaded.connect(lambda rows: seen.update(rows=rows,
                                                    at=time.monotonic() - seen["start"]))
    try:
        service.refresh()
        until(lambda: "at" in seen, "an answer or a failure", timeout=40)
    finally:
        arun(session.close())
    return seen


@pytest.mark.parametrize(("header", "words"), [("86400", "24 h"), ("soon", "did not say")])
def test_a_long_or_unusable_wait_is_said_at_once(arun, until, header, words):
    with stub_server() as stub:
        stub.answer("GET", "/api/v2/indexes",
                    error(429, "resource_rate_quota_exceeded", "Slow down",
                          **{"Retry-After": header}))
        seen = load_indexes(arun, until, stub)  # the app's client: SDK retries on
    (when, notice), = seen["notices"]
    assert when < 2 and words in notice.message and "until" in notice.message
    problem = seen["problem"]
    assert seen["at"] < 3, "the SDK must not sit out the wait in silence"
    assert problem.kind is ProblemKind.RATE_LIMITED
    assert problem.retry_after == (86400 if header == "86400" else 60)
    assert "Try again in" in problem.message and "after" in problem.message
    assert len(stub.seen) == 1


def test_a_short_wait_is_said_and_then_retried(arun, until):
    calls = {"n": 0}

    def first_busy(_seen: Any) -> Reply:
        calls["n"] += 1
        if calls["n"] == 1:
            return error(429, "resource_rate_quota_exceeded", "Slow down", **{"Retry-After": "1"})
        return Reply(200, [INDEX])

    with stub_server() as stub:
        stub.answer("GET", "/api/v2/indexes", first_busy)
        seen = load_indexes(arun, until, stub)
    (when, notice), = seen["notices"]
    assert when < 1 and notice.sdk_retries and "tries again by itself" in notice.message
    assert [i.index_id for i in seen["rows"]] == ["idx_1"]


def test_a_trickled_answer_ends_at_the_deadline(arun, until):
    import json

    with stub_server() as stub:
        stub.answer("GET", "/api/v2/indexes",
                    Reply(200, json.dumps([INDEX] * 20).encode(), trickle_s=0.2))
        seen = load_indexes(arun, until, stub, max_retries=0, deadline=2.0)
    assert 1.5 < seen["at"] < 5, seen["at"]
    assert seen["problem"].kind is ProblemKind.TIMEOUT
    assert "did not answer in time" in seen["problem"].message

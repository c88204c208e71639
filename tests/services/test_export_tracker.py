"""The export tracker against a real sandbox: one list call per cycle, restart, rate ceiling."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import TEST_KEY
from tests.stub_server import Reply, error, stub_server
from vvdesk.api.client import make_client
from vvdesk.services.export_tracker import (
    MAX_REQUESTS_PER_MIN,
    ExportTracker,
    RateWindow,
)
from vvdesk.services.journal import Journal
from vvdesk.services.session import ApiSession
from vvdesk.vocab import normalize_subpath, subpath_problem

DEMO_INDEX = "idx_demo_archive"


@pytest.fixture(scope="module")
def slow_sandbox(tmp_path_factory: Any) -> Iterator[Any]:
    """Exports stay pending here (an export takes hours of real time)."""
    from tests.sandbox_proc import SandboxProcess

    with SandboxProcess(tmp_path_factory.mktemp("slow-sandbox"), api_key=TEST_KEY,
                        seed_demo=True, time_scale=0.001) as proc:
        yield proc


def make_session(sandbox: Any, profile: str = "p") -> ApiSession:
    return ApiSession(profile, sandbox.base_url,
                      make_client(sandbox.base_url, sandbox.api_key, max_retries=0))


def count_calls(client: Any) -> dict[str, int]:
    """Test instrumentation: count the export reads on the SDK's transport (no behaviour
    change): GET /exports is a list, GET /exports/{id} a single fetch."""
    counts = {"list": 0, "retrieve": 0}
    original = client._http.get

    def counted(endpoint: str, *a: Any, **k: Any) -> Any:
        if endpoint == "/exports":
            counts["list"] += 1
        elif endpoint.startswith("/exports/"):
            counts["retrieve"] += 1
        return original(endpoint, *a, **k)

    client._http.get = counted
    return counts


async def create_exports(session: ApiSession, n: int) -> list[str]:
    ids = []
    for _ in range(n):
        result = await session.client.exports.create_index_export(DEMO_INDEX)
        ids.append(result.export_id)
    return ids


def test_one_list_call_per_cycle_however_many_exports_are_tracked(arun, slow_sandbox,
                                                                  tmp_path):
    session = make_session(slow_sandbox)
    journal = Journal(tmp_path / "j.sqlite3")
    tracker = ExportTracker(session, journal)
    tracker.autostart = False
    try:
        ids = arun(create_exports(session, 40), 60)
        for eid in ids:
            arun(tracker.add(eid, "index", DEMO_INDEX))
        counts = count_calls(session.client)
        for _ in range(3):
            arun(tracker.cycle())
        assert counts == {"list": 3, "retrieve": 0}
        assert len(tracker.tracked_ids()) == 40

        # More tracked than one list page (100) holds: still one list call, plus a bounded
        # number of single fetches for the ones the page leaves out.
        more = arun(create_exports(session, 75), 90)
        for eid in more:
            arun(tracker.add(eid, "index", DEMO_INDEX))
        counts.update(list=0, retrieve=0)
        for _ in range(3):
            arun(tracker.cycle())
        assert counts["list"] == 3
        assert counts["retrieve"] <= 3 * tracker.single_fetches
        assert counts["retrieve"] > 0  # the oldest 15 are not on the first page
    finally:
        arun(session.close())
        journal.close()


def test_tracking_survives_a_restart_and_reports_completion_once(arun, until, sandbox,
                                                                 tmp_path):
    path = tmp_path / "j.sqlite3"
    first = make_session(sandbox, "restart")
    journal = Journal(path)
    tracker = ExportTracker(first, journal)
    tracker.autostart = False
    result = arun(first.client.exports.create_prompt_run_export("run_demo_archive"))
    arun(tracker.add(result.export_id, "prompt_run", "run_demo_archive"))
    arun(first.close())
    journal.close()

    second = make_session(sandbox, "restart")
    journal2 = Journal(path)
    tracker2 = ExportTracker(second, journal2)
    done: list[Any] = []
    tracker2.finished.connect(done.append)
    try:
        assert arun(tracker2.resume()) == 1
        assert tracker2.tracked_ids() == [result.export_id]
        until(lambda: done, "the resumed export to finish")
        assert done[0].export_id == result.export_id and done[0].status == "completed"
        assert tracker2.tracked_ids() == []
        # A third start has nothing left to track.
        tracker3 = ExportTracker(second, journal2)
        tracker3.autostart = False
        assert arun(tracker3.resume()) == 0
    finally:
        arun(second.close())
        journal2.close()


def test_rate_window_caps_requests_per_rolling_minute():
    now = [0.0]
    window = RateWindow(12, lambda: now[0])
    for _ in range(12):
        assert window.delay() == 0
        window.note()
        now[0] += 1.0
    assert window.delay() == pytest.approx(48.0)
    now[0] = 60.0
    assert window.delay() == 0


def test_backoff_when_nothing_changes(arun, slow_sandbox, tmp_path):
    session = make_session(slow_sandbox, "backoff")
    journal = Journal(tmp_path / "j.sqlite3")
    tracker = ExportTracker(session, journal)
    tracker.autostart = False
    try:
        [eid] = arun(create_exports(session, 1))
        arun(tracker.add(eid, "index", DEMO_INDEX))
        waits = [arun(tracker.cycle()) for _ in range(4)]
        assert waits == sorted(waits) and waits[-1] > waits[0]
        arun(asyncio.sleep(0))
    finally:
        arun(session.close())
        journal.close()


@pytest.mark.parametrize(("value", "why"), [
    ("", None), ("reports/2026", None), ("reports/2026/", None),
    ("/abs", "relative"), ("a\\b", "backslash"), ("a//b", "empty"), ("a/../b", ".."),
    ("..", ".."), ("./a", ".."),
])
def test_subpath_rules(value, why):
    problem = subpath_problem(value)
    assert (problem is None) == (why is None)
    if why:
        assert why in problem
    if problem is None:
        assert normalize_subpath(value) in (None, value.rstrip("/"))


def test_request_budget_follows_the_servers_declared_rate_limit(arun, slow_sandbox, tmp_path):
    slow_sandbox._control("POST", "/rate-limits", {"per_minute": 240, "per_hour": 100_000})
    session = make_session(slow_sandbox, "budget")
    journal = Journal(tmp_path / "j.sqlite3")
    tracker = ExportTracker(session, journal)
    tracker.autostart = False
    try:
        arun(tracker.cycle())
        assert tracker.window.limit == 60  # a quarter of the declared 240 a minute
        assert tracker.single_fetches > 2  # the bigger budget goes to single fetches
    finally:
        slow_sandbox._control("POST", "/rate-limits",
                              {"per_minute": 20_000, "per_hour": 1_000_000})
        arun(session.close())
        journal.close()


def test_request_budget_is_12_a_minute_when_the_server_declares_none(arun, tmp_path):
    with stub_server() as stub:
        stub.answer("GET", "/api/v2/exports", Reply(200, []))
        stub.answer("GET", "/api/v2/rate-limit/status",
                    error(404, "resource_not_found", "No such route"))
        session = ApiSession("stub", stub.base_url,
                             make_client(stub.base_url, TEST_KEY, max_retries=0))
        journal = Journal(tmp_path / "j.sqlite3")
        tracker = ExportTracker(session, journal)
        tracker.autostart = False
        try:
            arun(tracker.cycle())
            assert "/api/v2/rate-limit/status" in stub.paths()
            assert tracker.window.limit == MAX_REQUESTS_PER_MIN == 12
        finally:
            arun(session.close())
            journal.close()

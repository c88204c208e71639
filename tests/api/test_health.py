"""A run of server errors is trouble, said with how long it has lasted; the first good
answer ends it (vvdesk/api/health.py, no Qt, no server)."""

from __future__ import annotations

from vvdesk.api.health import STORM_AFTER, ServerHealth, how_long


def test_a_run_of_server_errors_is_trouble_until_a_good_answer():
    now = [1000.0]
    h = ServerHealth(clock=lambda: now[0])
    assert [h.answer(503) for _ in range(STORM_AFTER)] == [False] * (STORM_AFTER - 1) + [True]
    now[0] += 125
    assert h.answer(500) and h.failing
    assert h.describe().startswith("The server is having problems (errors for 2 minutes).")
    assert not h.answer(200) and not h.failing
    # errors among good answers are not a storm; 429 and 404 are answers, not failures
    for status in (502, 200, 504, 404, 500, 429, 503):
        assert not h.answer(status)
    assert [h.answer(s) for s in (200, 500, 502, 504)] == [False, False, False, True]
    assert h.describe().startswith("The server is having problems (errors for less than")


def test_durations_read_as_words():
    assert [how_long(s) for s in (0, 59, 60, 119, 600, 7200, 9000)] == [
        "less than a minute", "less than a minute", "1 minute", "1 minute", "10 minutes",
        "2 hours", "2 hours"]

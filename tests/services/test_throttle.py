"""A burst of requests for the same follow-up runs it at once, then once more at the end."""

from __future__ import annotations

import asyncio

from vvdesk.services.throttle import Throttle


def test_burst_runs_the_action_first_and_once_at_the_end(arun, until):
    calls: list[int] = []
    throttle = Throttle(lambda: calls.append(len(calls)), 200)
    for _ in range(50):
        throttle.poke()
    assert calls == [0]  # the first is served at once
    until(lambda: len(calls) == 2, "the folded follow-up", 10)
    arun(asyncio.sleep(0.5))
    assert len(calls) == 2  # the other 48 were folded into that one
    throttle.poke()  # a quiet interval later: served at once again
    assert len(calls) == 3

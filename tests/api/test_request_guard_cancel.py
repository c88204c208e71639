"""A request cancelled just as its answer lands is cancelled, not answered.

Python 3.11's `asyncio.wait_for` returns the inner result when the outer task is
cancelled in the same turn the inner finishes, and the cancel is lost (gh-86296). A poll
loop cancelled at quit then carried on polling and the app's shutdown waited for it for
ever (seen with a connector import followed at quit). `RequestGuard` re-raises it.
"""

from __future__ import annotations

import asyncio

import httpx

from vvdesk.api.transport import RequestGuard


class AnswersWhileCancelled(httpx.AsyncBaseTransport):
    """Answers at once, and cancels the asking task in the same turn."""

    def __init__(self) -> None:
        self.victim: asyncio.Task[object] | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert self.victim is not None
        self.victim.cancel()
        return httpx.Response(200, json={"status": "importing"})


def test_a_cancel_that_arrives_with_the_answer_is_not_lost() -> None:
    async def scenario() -> tuple[int, bool]:
        guard = RequestGuard(deadline=5.0)
        inner = guard.inner = AnswersWhileCancelled()
        polls = 0

        async def poll_for_ever() -> None:
            nonlocal polls
            while True:
                polls += 1
                await guard.handle_async_request(httpx.Request("GET", "https://x/import"))
                await asyncio.sleep(0.01)

        task = asyncio.get_running_loop().create_task(poll_for_ever())
        inner.victim = task
        done, _ = await asyncio.wait({task}, timeout=2)
        if not done:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        return polls, bool(done) and task.cancelled()

    polls, cancelled = asyncio.run(scenario())
    assert cancelled and polls == 1, f"the loop went on polling ({polls} requests)"

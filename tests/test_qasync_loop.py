"""Guard against the PySide6 6.12.0 None-refcount abort: a long qasync run must survive."""

from __future__ import annotations

import asyncio


def test_thirty_thousand_loop_iterations(arun):
    async def spin() -> int:
        for _ in range(30_000):
            await asyncio.sleep(0)
        return 30_000

    assert arun(spin(), 120) == 30_000

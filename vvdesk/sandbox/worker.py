"""Background task that advances every due simulated job.

Deadlines are stored as epoch seconds in SQLite, so after a restart overdue work
is simply picked up on the first tick and finishes as if the server had run.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from . import clock
from .context import Context
from .db import Row
from .deletions import step_deletion
from .exports import step_export
from .media import step_import
from .runs import step_run

log = logging.getLogger("vvdesk.sandbox")
TICK_SECONDS = 0.02

STEPS: dict[str, Callable[[Context, Row], None]] = {
    "import_job": step_import,
    "run": step_run,
    "export": step_export,
    "index": step_deletion,
    "video": step_deletion,
}


def tick(ctx: Context) -> None:
    """Run one step of every due row."""
    for row in ctx.store.due(clock.now()):
        step = STEPS.get(row.kind)
        if step is None:
            ctx.store.save(row, next_at=None)
            continue
        try:
            step(ctx, row)
        except Exception:
            log.exception("simulation step failed for %s %s", row.kind, row.id)
            ctx.store.save(row, next_at=clock.now() + 1.0)


async def run_forever(ctx: Context) -> None:
    while True:
        if not ctx.paused:
            tick(ctx)
        await asyncio.sleep(TICK_SECONDS)

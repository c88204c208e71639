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
from .previews import step_preview
from .retries import step_retry
from .runs import step_run

log = logging.getLogger("vvdesk.sandbox")
TICK_SECONDS = 0.02
MAX_STEP_FAILURES = 3

STEPS: dict[str, Callable[[Context, Row], None]] = {
    "import_job": step_import,
    "run": step_run,
    "retry": step_retry,
    "export": step_export,
    "index": step_deletion,
    "video": step_deletion,
    "preview": step_preview,
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
            _retry_or_give_up(ctx, row)


def _retry_or_give_up(ctx: Context, row: Row) -> None:
    """Try a failing step again a few times, then fail the job with a reason (a job that
    cannot proceed must end, not fail on every tick forever)."""
    doc = row.doc
    doc["_step_failures"] = failures = int(doc.get("_step_failures", 0)) + 1
    if failures < MAX_STEP_FAILURES or "status" not in doc:
        ctx.store.save(row, next_at=clock.now() + 1.0 if failures < MAX_STEP_FAILURES else None)
        return
    what = row.kind.replace("_", " ")
    reason = (f"Processing stopped: the server could not continue this {what} "
              f"({failures} attempts failed). Create it again, with other settings if it "
              "had unusual ones.")
    now = clock.iso()
    doc["status"] = "failed"
    for key, value in (("queue_status", "failed"), ("error_message", reason),
                       ("last_error", reason), ("updated_at", now), ("completed_at", now)):
        if key in doc:
            doc[key] = value
    ctx.store.save(row, next_at=None)


async def run_forever(ctx: Context) -> None:
    while True:
        if not ctx.paused:
            tick(ctx)
        await asyncio.sleep(TICK_SECONDS)

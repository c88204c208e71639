"""One poller for every export this app tracks: one list call per cycle, whatever N is.

Exports are asynchronous (pending → processing → completed/failed) and must be polled.
Each cycle lists the account's exports once (`GET /exports?limit=100`) and fetches
individually only tracked exports missing from that page — at most a few per cycle, the
least recently seen first — so tracking 500 exports costs what tracking one does. The
interval is short right after a create, backs off while nothing changes, and honours
Retry-After; a rolling window caps the loop at a request budget whatever happens: a
quarter of the rate limit the server declares (`GET /rate-limit/status`, default category),
or MAX_REQUESTS_PER_MIN when it declares none. A bigger budget buys more single fetches per
cycle, so 500 tracked exports resolve in about a minute instead of a quarter of an hour.
The tracked set lives in the journal (tagged with the profile), so a restart resumes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from vvdesk.api.errors import ApiProblem, ProblemKind, describe
from vvdesk.api.ids import in_path
from vvdesk.api.rows import list_exports
from vvdesk.api.waits import wait_words
from vvdesk.services.journal import Journal
from vvdesk.services.session import ApiSession
from vvdesk.vocab import export_is_terminal

log = logging.getLogger(__name__)
_TRY_AGAIN = re.compile(r"\s*Try again (in .+|later)\.$")
MIN_INTERVAL_S = 1.0
MAX_INTERVAL_S = 30.0
BACKOFF = 1.6
MAX_REQUESTS_PER_MIN = 12  # when the server declares no rate limit
MAX_SINGLE_FETCHES = 2  # per cycle, at that budget; more with a bigger one
BUDGET_SHARE = 0.25  # of the server's declared limit: the rest is for everything else
BUDGET_CEILING = 600  # per minute, whatever the server allows
LIST_LIMIT = 100

DDL = """
CREATE TABLE IF NOT EXISTS tracked_exports (
    profile TEXT NOT NULL,
    export_id TEXT NOT NULL,
    export_type TEXT,
    target_id TEXT,
    status TEXT NOT NULL DEFAULT 'pending',
    notified INTEGER NOT NULL DEFAULT 0,
    added_at REAL NOT NULL,
    PRIMARY KEY (profile, export_id)
);
"""


@dataclass
class Tracked:
    export_id: str
    export_type: str
    target_id: str
    status: str
    last_seen: float = 0.0


class RateWindow:
    """At most `limit` requests in any rolling minute (of the tracker's clock)."""

    def __init__(self, limit: int, clock: Callable[[], float]) -> None:
        self.limit = limit
        self._clock = clock
        self._times: deque[float] = deque()

    def delay(self) -> float:
        now = self._clock()
        while self._times and now - self._times[0] >= 60.0:
            self._times.popleft()
        return 0.0 if len(self._times) < self.limit else 60.0 - (now - self._times[0])

    def note(self) -> None:
        self._times.append(self._clock())


def budget_from(status: Any) -> int:
    """Requests per minute the tracker may make, from the SDK's RateLimitStatus."""
    categories = dict(getattr(status, "categories", None) or {})
    category = categories.get("default") or min(
        categories.values(), key=lambda c: c.minute_limit, default=None)
    if category is None:
        return MAX_REQUESTS_PER_MIN
    per_minute = min(category.minute_limit, category.hour_limit / 60)
    return int(min(max(per_minute * BUDGET_SHARE, 1), BUDGET_CEILING))


class ExportTracker(QObject):
    listed = Signal(list)  # every Export of the last list call (at most the newest 500)
    listed_count = Signal(int, int)  # exports kept, exports the server listed
    export_changed = Signal(object)  # a tracked Export fetched on its own
    finished = Signal(object)  # a tracked Export reached completed/failed (once)
    gone = Signal(str, object)  # export_id, ApiProblem: the server no longer knows it
    problem = Signal(str, object)  # what failed, ApiProblem (first of a failing streak)
    tracking_changed = Signal(int)  # how many exports are tracked

    JOB = "exports.tracker"

    def __init__(self, session: ApiSession, journal: Journal, *, speed: float = 1.0,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._s = session
        self._journal = journal
        self._profile = session.profile_name
        self._speed = speed
        self.clock: Callable[[], float] = lambda: time.monotonic() * speed
        self.window = RateWindow(MAX_REQUESTS_PER_MIN, self.clock)
        self._tracked: dict[str, Tracked] = {}
        self._interval = MIN_INTERVAL_S
        self._wake = asyncio.Event()
        self._force_list = False
        self._failing = False
        self._unreadable = 0  # rows of the last list that could not be read
        self._ready = False
        self.budget_known = False  # asked the server for its rate limit (once per session)
        self.autostart = True
        self.cycles = 0

    # public ----------------------------------------------------------------------
    def tracked_ids(self) -> list[str]:
        return list(self._tracked)

    def is_tracked(self, export_id: str) -> bool:
        return export_id in self._tracked

    async def _ensure_table(self) -> None:
        if not self._ready:
            await self._journal.ensure(DDL)
            self._ready = True

    async def resume(self) -> int:
        """Load what a previous run of the app was still tracking; start polling."""
        await self._ensure_table()
        rows = await self._journal.execute(
            "SELECT export_id, export_type, target_id, status FROM tracked_exports "
            "WHERE profile = ? AND notified = 0", (self._profile,))
        for r in rows:
            self._tracked[r["export_id"]] = Tracked(r["export_id"], r["export_type"] or "",
                                                    r["target_id"] or "", r["status"])
        self.tracking_changed.emit(len(self._tracked))
        self.refresh()
        return len(rows)

    async def add(self, export_id: str, export_type: str, target_id: str,
                  status: str = "pending") -> None:
        """Track a new export (persisted first); poll fast for a while."""
        await self._ensure_table()
        await self._journal.execute(
            "INSERT OR REPLACE INTO tracked_exports (profile, export_id, export_type, "
            "target_id, status, notified, added_at) VALUES (?, ?, ?, ?, ?, 0, ?)",
            (self._profile, export_id, export_type, target_id, status, time.time()))
        self._tracked[export_id] = Tracked(export_id, export_type, target_id, status)
        self.tracking_changed.emit(len(self._tracked))
        self._interval = MIN_INTERVAL_S
        self._kick()

    def refresh(self) -> None:
        """List the account's exports now (one request), tracked or not."""
        self._force_list = True
        self._kick()

    def _kick(self) -> None:
        self._wake.set()
        if self.autostart:
            self._s.jobs.run(self.JOB, self._loop(), replace=False)

    # the loop ----------------------------------------------------------------------
    async def _loop(self) -> None:
        while self._tracked or self._force_list:
            self._wake.clear()
            wait = await self.cycle()
            if not self._tracked and not self._force_list:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait / self._speed)

    @property
    def single_fetches(self) -> int:
        """Tracked exports fetched on their own per cycle (those the list page left out)."""
        return max(MAX_SINGLE_FETCHES, self.window.limit // 12)

    async def _learn_budget(self) -> None:
        """The request budget from the server's declared rate limit; 12/min without one."""
        self.budget_known = True
        try:
            status = await self._s.poll_client.rate_limits.get_status()
        except Exception as exc:  # no such endpoint, or not readable: the cautious default
            log.info("exports: no rate limit declared (%s); checking at most %d times a "
                     "minute", describe(exc), MAX_REQUESTS_PER_MIN)
            return
        self.window.limit = budget_from(status)
        log.info("exports: checking at most %d times a minute (from the server's limit)",
                 self.window.limit)

    async def _budget(self) -> None:
        while (delay := self.window.delay()) > 0:
            await asyncio.sleep(delay / self._speed)
        self.window.note()

    def _rate_limited(self, problem: ApiProblem) -> float:
        self._interval = MAX_INTERVAL_S
        return float(max(problem.retry_after or 60, MIN_INTERVAL_S))

    def _failure(self, what: str, problem: ApiProblem) -> float:
        self._s.note_problem(problem)
        if problem.kind is ProblemKind.RATE_LIMITED:
            wait = self._rate_limited(problem)
            # we retry by ourselves: say when, rather than asking the user to try again
            problem = dataclasses.replace(
                problem, message=f"{_TRY_AGAIN.sub('', problem.message)} Exports are "
                f"checked again in {wait_words(wait / self._speed)}.")
        else:
            self._interval = min(max(self._interval, MIN_INTERVAL_S) * BACKOFF, MAX_INTERVAL_S)
            wait = self._interval
        log.info("%s failed: %s (next check in %.1f s)", what, problem, wait / self._speed)
        if not self._failing:
            self.problem.emit(what, problem)
        self._failing = True
        return wait

    async def cycle(self) -> float:
        """One polling cycle; returns the seconds to wait before the next one."""
        self.cycles += 1
        self._force_list = False
        if not self.budget_known:
            await self._learn_budget()
        await self._budget()
        try:
            rows = await list_exports(self._s.poll_client, LIST_LIMIT)
        except Exception as exc:  # any failure: back off, say it once
            return self._failure("Checking exports", describe(exc))
        self._failing = False
        self._s.mark_ok()
        items = rows.items
        self.listed.emit(items)
        self.listed_count.emit(len(items), rows.listed if rows.listed is not None
                               else len(items))
        unreadable = rows.problem()
        if unreadable is not None and len(rows.skipped) != self._unreadable:
            self.problem.emit("Checking exports", unreadable)  # once per new count
        self._unreadable = len(rows.skipped)
        now = self.clock()
        changed = False
        listed_ids = set()
        for export in items:
            listed_ids.add(export.export_id)
            if export.export_id in self._tracked:
                changed |= await self._update(export, now)
        missing = sorted((t for t in self._tracked.values() if t.export_id not in listed_ids),
                         key=lambda t: t.last_seen)
        for t in missing[:self.single_fetches]:
            await self._budget()
            try:
                export = await self._s.poll_client.exports.retrieve(in_path(t.export_id))
            except Exception as exc:
                problem = describe(exc)
                if problem.kind is ProblemKind.NOT_FOUND:
                    await self._forget(t.export_id, "gone")
                    self.gone.emit(t.export_id, problem)
                    changed = True
                    continue
                if problem.kind is ProblemKind.BAD_RESPONSE:  # unreadable: the others first
                    t.last_seen = now
                    continue
                return self._failure("Checking an export", problem)
            self.export_changed.emit(export)
            changed |= await self._update(export, now)
        if changed:
            self._interval = MIN_INTERVAL_S
        else:
            self._interval = min(self._interval * BACKOFF, MAX_INTERVAL_S)
        return self._interval

    async def _update(self, export: Any, now: float) -> bool:
        t = self._tracked.get(export.export_id)
        if t is None:
            return False
        t.last_seen = now
        status = str(export.status or "")
        if status == t.status and not export_is_terminal(status):
            return False
        t.status = status
        if export_is_terminal(status):
            await self._forget(export.export_id, status)
            self.finished.emit(export)
        else:
            await self._journal.execute(
                "UPDATE tracked_exports SET status = ? WHERE profile = ? AND export_id = ?",
                (status, self._profile, export.export_id))
        return True

    async def _forget(self, export_id: str, status: str) -> None:
        self._tracked.pop(export_id, None)
        await self._journal.execute(
            "UPDATE tracked_exports SET status = ?, notified = 1 "
            "WHERE profile = ? AND export_id = ?", (status, self._profile, export_id))
        self.tracking_changed.emit(len(self._tracked))

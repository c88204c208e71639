"""Prompt runs: list (index pages or selected media), details, cancel, start with an estimate.

Runs that are not terminal are refreshed by one watcher loop: one `GET /prompt-runs`
per cycle (the account's latest 200), single fetches only for watched runs missing from
it, an interval that starts short and backs off while nothing changes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from vvdesk.api.errors import ApiProblem, ProblemKind, describe
from vvdesk.api.ids import in_path
from vvdesk.api.rows import CursorTrail, Rows, index_runs_page, list_runs, media_runs
from vvdesk.services.session import ApiSession
from vvdesk.vocab import run_is_terminal as is_terminal

if TYPE_CHECKING:
    from videovector import (
        Prompt,
        PromptRun,
        PromptRunCostEstimate,
        PromptRunFailedSegmentsManifest,
    )

PAGE = 50
WATCH_MIN_S = 1.0
WATCH_MAX_S = 30.0
SIMPLE_SCHEMA = {"type": "object",
                 "properties": {"summary": {"type": "string", "description": "What happens"}},
                 "required": ["summary"]}


class RunService(QObject):
    loaded = Signal(list, object, bool)  # runs, next page's cursor or None, first page
    changed = Signal(object)  # a PromptRun that moved
    details_loaded = Signal(str, object)  # run_id, failed-segments manifest
    prompt_created = Signal(object)
    failed = Signal(str, object)

    def __init__(self, session: ApiSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._s = session
        self._cursor: str | None = None
        self._index_id: str | None = None
        self._watched: dict[str, str] = {}  # run_id → last status
        self._wake = asyncio.Event()
        self._interval = WATCH_MIN_S
        self._trail = CursorTrail()

    def _fail(self, action: str) -> Callable[[ApiProblem], None]:
        return self._s.reporter(self.failed, action)

    # lists ---------------------------------------------------------------------
    def load_index(self, index_id: str) -> None:
        self._index_id, self._cursor = index_id, None
        self._trail.reset()
        self._page(index_id, first=True)

    def fetch_more(self, cursor: str) -> None:
        """The next page of the index's runs (the model asks with the cursor it holds)."""
        if self._index_id and cursor and cursor == self._cursor:
            self._page(self._index_id, first=False)

    def _page(self, index_id: str, first: bool) -> None:
        cursor = self._cursor

        async def load() -> Rows:
            return await index_runs_page(self._s.client, index_id, PAGE, cursor)

        def ok(page: Rows) -> None:
            if index_id != self._index_id:
                return
            self._s.mark_ok()
            self._cursor, stopped = self._trail.follow(cursor, page.next_cursor, "run")
            self.loaded.emit(page.items, self._cursor, first)
            self.watch([r for r in page.items if not is_terminal(r.status)])
            for problem in (page.problem(), stopped):
                if problem is not None:
                    self.failed.emit("Loading runs", problem)

        self._s.jobs.run("runs.page", load(), on_ok=ok, on_error=self._fail("Loading runs"))

    def load_media(self, video_ids: list[str]) -> None:
        self._index_id, self._cursor = None, None

        async def load() -> Rows:
            seen: dict[str, PromptRun] = {}
            every = Rows([], "run")
            for vid in video_ids:
                rows = await media_runs(self._s.client, vid)
                every.skipped += rows.skipped
                for run in rows.items:
                    seen[run.run_id] = run
            every.items = sorted(seen.values(), key=lambda r: r.executed_at, reverse=True)
            return every

        def ok(rows: Rows) -> None:
            self.loaded.emit(rows.items, None, True)
            self.watch([r for r in rows.items if not is_terminal(r.status)])
            if (problem := rows.problem()) is not None:
                self.failed.emit("Loading runs of the media", problem)

        self._s.jobs.run("runs.page", load(), on_ok=ok,
                         on_error=self._fail("Loading runs of the media"))

    # one run -------------------------------------------------------------------
    def load_details(self, run_id: str) -> None:
        async def load() -> PromptRunFailedSegmentsManifest:
            return await self._s.client.prompt_runs.get_failed_segments(in_path(run_id))

        self._s.jobs.run("runs.details", load(),
                         on_ok=lambda m: self.details_loaded.emit(run_id, m),
                         on_error=lambda p: self.details_loaded.emit(run_id, p))

    def cancel(self, run_id: str) -> None:
        async def cancel() -> PromptRun:
            return await self._s.client.prompt_runs.cancel(in_path(run_id))

        def ok(run: PromptRun) -> None:
            self.changed.emit(run)
            self.watch([run])

        self._s.jobs.run(f"runs.cancel:{run_id}", cancel(), on_ok=ok,
                         on_error=self._fail("Cancelling the run"), replace=False)

    # starting ------------------------------------------------------------------
    async def prompts(self) -> list[Prompt]:
        return list((await self._s.client.prompts.list()).prompts)

    def create_prompt(self, name: str, instructions: str) -> None:
        async def create() -> Prompt:
            return await self._s.client.prompts.create(
                name=name, prompt_text=instructions, json_schema=SIMPLE_SCHEMA)

        self._s.jobs.run(f"runs.prompt:{name}", create(), on_ok=self.prompt_created.emit,
                         on_error=self._fail(f"Creating prompt “{name}”"), replace=False)

    async def estimate(self, request: dict[str, Any]) -> PromptRunCostEstimate:
        return await self._s.client.prompt_runs.estimate(**request)

    async def start(self, request: dict[str, Any]) -> PromptRun:
        """Execute the run and watch it until it settles."""
        run = await self._s.client.prompt_runs.execute(**request)
        self.watch([run])
        return run

    def report(self, action: str) -> Callable[[ApiProblem], None]:
        """The error handler for a flow's job: connection state, then `failed`."""
        return self._fail(action)

    # watcher -------------------------------------------------------------------
    def watch(self, runs: list[PromptRun]) -> None:
        fresh = [r for r in runs if not is_terminal(r.status)]
        if not fresh:
            return
        for r in fresh:
            self._watched[r.run_id] = r.status
        self._interval = WATCH_MIN_S
        self._wake.set()
        self._s.jobs.run("runs.watch", self._watch_loop(), replace=False)

    async def _watch_loop(self) -> None:
        while self._watched:
            self._wake.clear()
            changed = await self._watch_cycle()
            self._interval = WATCH_MIN_S if changed else min(self._interval * 1.6,
                                                             WATCH_MAX_S)
            if not self._watched:
                return
            try:
                await asyncio.wait_for(self._wake.wait(), self._interval)
            except TimeoutError:
                continue

    async def _watch_cycle(self) -> bool:
        try:
            listed = {r.run_id: r for r in (await list_runs(self._s.client, 200)).items}
        except Exception as exc:
            problem = describe(exc)
            self._s.note_problem(problem)
            if problem.kind is ProblemKind.RATE_LIMITED:
                self._interval = float(problem.retry_after or WATCH_MAX_S)
            return False
        changed = False
        missing = [rid for rid in self._watched if rid not in listed][:2]
        for rid in missing:
            try:
                listed[rid] = await self._s.client.prompt_runs.retrieve(in_path(rid))
            except Exception:
                self._watched.pop(rid, None)
        for rid in list(self._watched):
            run = listed.get(rid)
            if run is None:
                continue
            changed |= run.status != self._watched[rid] or is_terminal(run.status)
            self.changed.emit(run)  # counters move too; the model updates one row
            if is_terminal(run.status):
                self._watched.pop(rid)
            else:
                self._watched[rid] = run.status
        return changed

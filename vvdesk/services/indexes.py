"""Indexes of the connected account: list, create, delete (with deletion progress)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from vvdesk import gc_guard
from vvdesk.api.ids import in_path
from vvdesk.api.rows import IndexRow, Rows, list_indexes
from vvdesk.services.session import ApiSession

if TYPE_CHECKING:
    from vvdesk.api.errors import ApiProblem

DELETION_POLL_MIN_S = 0.5
DELETION_POLL_MAX_S = 10.0


class IndexService(QObject):
    # list[IndexRow], in no particular order; `object`, not `list`: a list signal converts
    # every element to and from a QVariant (100k rows: ~40 ms on the UI thread)
    loaded = Signal(object)
    created = Signal(object)  # IndexRow
    deletion_progress = Signal(str, str)  # index_id, draining|deleting|deleted
    deleted = Signal(str)
    failed = Signal(str, object)  # what the user tried, ApiProblem
    load_failed = Signal(object)  # ApiProblem: the list could not be loaded (also in failed)

    def __init__(self, session: ApiSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._s = session

    def _fail(self, action: str) -> Callable[[ApiProblem], None]:
        return self._s.reporter(self.failed, action)

    def refresh(self, include_defaults: bool = True) -> None:
        async def load() -> Rows:
            with gc_guard.young_only():  # 100k rows: no GUI-thread collection walks them
                return await list_indexes(self._s.client, include_defaults)

        def ok(rows: Rows) -> None:
            self._s.mark_ok()
            self.loaded.emit(rows.items)
            if (problem := rows.problem()) is not None:
                self.failed.emit("Loading the indexes", problem)

        report = self._fail("Loading the indexes")

        def bad(problem: ApiProblem) -> None:
            report(problem)
            self.load_failed.emit(problem)

        self._s.jobs.run("indexes.refresh", load(), on_ok=ok, on_error=bad)

    def create(self, name: str) -> None:
        async def create() -> IndexRow:
            return IndexRow.of(await self._s.client.indexes.create(name=name))

        self._s.jobs.run(f"indexes.create:{name}", create(), on_ok=self.created.emit,
                         on_error=self._fail(f"Creating index “{name}”"), replace=False)

    def delete(self, index_id: str) -> None:
        async def delete() -> str:
            result = await self._s.client.indexes.delete(in_path(index_id))
            while result.status != "deleted":
                self.deletion_progress.emit(index_id, result.status)
                wait = result.retry_after_seconds or 1
                await asyncio.sleep(min(max(wait, DELETION_POLL_MIN_S), DELETION_POLL_MAX_S))
                result = await self._s.client.indexes.get_deletion(in_path(index_id))
            return index_id

        def ok(done_id: str) -> None:
            self.deletion_progress.emit(done_id, "deleted")
            self.deleted.emit(done_id)

        self._s.jobs.run(f"indexes.delete:{index_id}", delete(), on_ok=ok,
                         on_error=self._fail("Deleting the index"), replace=False)

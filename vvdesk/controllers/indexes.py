"""The index list: load, create, delete, remember the selection per profile."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from vvdesk import gc_guard
from vvdesk.api.errors import ApiProblem
from vvdesk.controllers.links import Links
from vvdesk.models import gradual
from vvdesk.services.indexes import IndexService
from vvdesk.services.session import ApiSession
from vvdesk.settings import Settings
from vvdesk.ui.main_window import MainWindow
from vvdesk.vocab import ProblemKind

if TYPE_CHECKING:
    from videovector import Index

    from vvdesk.api.rows import IndexRow


LOADING = "Loading indexes…"


def with_created(items: list[IndexRow], created: list[IndexRow]) -> list[IndexRow]:
    """The listed indexes and those created here that the list did not have yet (a worker
    thread's job for a long list: a set of 100k ids is ~10 ms of UI-thread time)."""
    if not created:
        return items
    listed = {ix.index_id for ix in items}
    return items + [ix for ix in created if ix.index_id not in listed]


class IndexesController:
    def __init__(self, session: ApiSession, window: MainWindow, settings: Settings,
                 service: IndexService) -> None:
        self.session, self.window, self.settings = session, window, settings
        self.service = service
        self.pane, self.model = window.indexes, window.index_model
        self._remembered = f"indexes/selected/{session.profile_name}"
        self._created_since: dict[str, IndexRow] = {}  # created while a list was on its way
        self._links = Links()
        link = self._links.connect
        link(service.failed, window.show_problem)
        link(service.loaded, self._loaded)
        link(service.load_failed, self._load_failed)
        link(service.created, self._created)
        link(service.deletion_progress, self.model.set_deletion)
        link(service.deleted, self.model.remove)
        link(service.deleted, lambda index_id: self._created_since.pop(index_id, None))
        link(window.index_changed, self._selected)
        link(self.pane.refresh_requested, self.refresh)
        link(self.pane.create_requested, service.create)
        link(self.pane.delete_requested, service.delete)
        link(self.pane.include_defaults_changed, self._include_defaults)
        self.pane.set_status(LOADING)
        self.refresh()

    def refresh(self) -> None:
        self._created_since.clear()
        self.service.refresh(self.settings.include_default_indexes)

    def _include_defaults(self, value: bool) -> None:
        self.settings.include_default_indexes = value
        self.refresh()

    def _loaded(self, items: list[IndexRow]) -> None:
        """A short list merges at once; a long one a slice at a time (100k indexes: the
        window stays live)."""
        created = list(self._created_since.values())
        if gradual.is_short(self.model, items):
            self.model.merge(with_created(items, created))
            self._shown(bool(items))
            return
        self.session.jobs.run("indexes.merge", self._merge(items, created),
                              on_error=lambda problem: self.window.show_problem(
                                  "Showing the indexes", problem))

    async def _merge(self, items: list[IndexRow], created: list[IndexRow]) -> None:
        with gc_guard.young_only():  # its rows are walked by no collection meanwhile
            rows = await asyncio.to_thread(with_created, items, created) if created else items
            await gradual.merge(self.model, rows)
        gc_guard.set_aside()  # a long list: later collections on this thread skip its rows
        self._shown(bool(items))

    def _shown(self, any_listed: bool) -> None:
        self.pane.set_status("")  # "no indexes yet" when the list is empty
        if self.window.current_index() is None and any_listed:
            wanted = str(self.settings.value(self._remembered, "") or "")
            self.pane.select(wanted if self.model.row_of(wanted) >= 0 else self.pane.first_id())

    def _load_failed(self, problem: ApiProblem) -> None:
        if problem.kind is ProblemKind.AUTH:
            text = ("The server refused the API key, so there is nothing to show. "
                    "Open Profiles (File → Profiles…) to enter the right key.")
        else:
            text = f"The indexes could not be loaded. {problem} Press F5 to try again."
        self.pane.set_status(text)

    def _created(self, index: IndexRow) -> None:
        self._created_since[index.index_id] = index
        self.model.upsert(index)
        self.pane.select(index.index_id)
        self.window.statusBar().showMessage(f"Created index “{index.name}”.", 5000)

    def _selected(self, index: Index | IndexRow | None) -> None:
        if index is not None:
            self.settings.set_value(self._remembered, index.index_id)

    def close(self) -> None:
        self._links.close()
        self.model.clear()
        self.window.forget_index()

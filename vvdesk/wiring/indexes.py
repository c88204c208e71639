"""Wire the index navigation and connection status to the index service."""

from __future__ import annotations

from typing import Any

from vvdesk.services.indexes import IndexService
from vvdesk.wiring import SessionContext

ORDER = 10


def bind(ctx: SessionContext) -> None:
    s, w, wire, settings = ctx.session, ctx.window, ctx.wire, ctx.settings
    service = IndexService(s, s)
    ctx.services["indexes"] = service
    pane, model = w.indexes, w.index_model

    def refresh() -> None:
        service.refresh(settings.include_default_indexes)

    def include_defaults(value: bool) -> None:
        settings.include_default_indexes = value
        refresh()

    def created(index: Any) -> None:
        model.upsert(index)
        pane.select(index.index_id)
        w.statusBar().showMessage(f"Created index “{index.name}”.", 5000)

    remembered = f"indexes/selected/{s.profile_name}"

    def loaded(items: list[Any]) -> None:
        model.merge(items)
        if pane.current_index() is None and items:
            wanted = str(settings.value(remembered, "") or "")
            pane.select(wanted if model.row_of(wanted) >= 0 else pane.first_id())

    def selected(index: Any | None) -> None:
        if index is not None:
            settings.set_value(remembered, index.index_id)

    w.set_connection(s.profile_name, s.state.value)
    wire(s.state_changed, lambda st, d: w.set_connection(s.profile_name, st, d))
    wire(s.jobs.busy_changed, w.set_busy)
    wire(s.jobs.failed, w.show_problem)
    wire(service.failed, w.show_problem)
    wire(service.loaded, loaded)
    wire(pane.current_changed, selected)
    wire(service.created, created)
    wire(service.deletion_progress, model.set_deletion)
    wire(service.deleted, model.remove)
    wire(pane.refresh_requested, refresh)
    wire(pane.create_requested, service.create)
    wire(pane.delete_requested, service.delete)
    wire(pane.include_defaults_changed, include_defaults)
    pane.set_status("Loading indexes…")
    refresh()


def unbind(ctx: SessionContext) -> None:
    ctx.window.index_model.clear()

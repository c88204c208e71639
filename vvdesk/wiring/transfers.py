"""Wire drops (index list, media table, transfer dock), Upload… and the transfer queue."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from PySide6.QtCore import Qt

from vvdesk.models.transfers import TransferModel
from vvdesk.services.throttle import Throttle
from vvdesk.services.transfer_store import TransferStore
from vvdesk.services.transfers import TransferService
from vvdesk.ui.dialogs import pick_index
from vvdesk.ui.dialogs.skipped import SkippedDialog
from vvdesk.ui.widgets.transfers_dock import TransfersDock
from vvdesk.wiring import SessionContext

ORDER = 25
LIMIT_KEY = "transfers/concurrency"
PUMP_KEY = "transfers/pump"  # "loop" (default) or "thread"; see bench/upload.py
MEDIA_RELOAD_MS = 1000


def journal(ctx: SessionContext) -> Any:
    """The shared on-disk journal (one per app run, whoever binds first opens it)."""
    from vvdesk.services.journal import Journal, default_journal_path

    if "journal" not in ctx.services:
        ctx.services["journal"] = Journal(default_journal_path())
    return ctx.services["journal"]


def bind(ctx: SessionContext) -> None:
    from vvdesk.api.upload import make_pump

    s, w, wire, settings = ctx.session, ctx.window, ctx.wire, ctx.settings
    limit = int(settings.value(LIMIT_KEY, 2) or 2)
    pump = make_pump(s.client, str(settings.value(PUMP_KEY, "loop") or "loop"))
    service = TransferService(s, TransferStore(journal(ctx), s.profile_name), pump,
                              limit=limit, parent=s)
    model = TransferModel(s)
    dock = TransfersDock(model, limit)
    if not w.restoreDockWidget(dock):  # the user's place and size from the window state
        w.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        w.resizeDocks([dock], [dock.DEFAULT_HEIGHT], Qt.Orientation.Vertical)
    ctx.services["transfers"] = service
    ctx.services["transfers_dock"] = dock
    media_pane = ctx.services.get("media_pane")

    def upload(paths: list[str], index: Any | None) -> None:
        if not paths:
            return
        if index is None:
            answer = pick_index.PickIndexDialog.ask(w, w.index_model.rows(), len(paths))
            if answer is None:
                return
            index_id, name = answer
        elif index == "playground":
            index_id, name = None, "Playground"
        else:
            index_id, name = index.index_id, index.name
        dock.show()
        service.add_paths(paths, index_id, name)

    def media_target() -> Any | None:
        if media_pane is None or media_pane.scope() is None:
            return None
        return "playground" if media_pane.scope() == "" else media_pane.index

    def choose() -> None:
        start = str(settings.value("transfers/last_dir", "") or "")
        paths = pick_index.choose_files(w, start)
        if paths:
            import os

            settings.set_value("transfers/last_dir", os.path.dirname(paths[0]))
            upload(paths, media_target())

    def scanned(target: str, queued: int, skipped: list[Any]) -> None:
        w.statusBar().showMessage(f"Queued {queued} file(s) for “{target}”"
                                  + (f", skipped {len(skipped)}." if skipped else "."), 8000)
        if skipped:
            dock.last_summary = SkippedDialog.present(w, target, queued, skipped)

    finished_in: set[str | None] = set()  # indexes that got new media since the last reload

    def reload_media() -> None:
        media = ctx.services.get("media")
        targets = set(finished_in)
        finished_in.clear()
        if media is not None:
            for index_id in targets:
                media.refresh_if(index_id)

    reload = Throttle(reload_media, MEDIA_RELOAD_MS, dock)

    def finished(t: Any) -> None:
        finished_in.add(t.index_id)
        reload.poke()  # a burst of finished uploads reloads the list once a second, not per file

    def drained(done: int, failed: int) -> None:
        notifier = ctx.services.get("notifier")  # made by the exports wiring (binds later)
        if notifier is None:
            return
        text = f"{done} file{'' if done == 1 else 's'} uploaded"
        if failed:
            text += f", {failed} failed: see Transfers"
        notifier.notify("Uploads finished", text, "error" if failed else "info")

    def show_in_media(t: Any) -> None:
        if media_pane is None:
            return
        w.tabs.setCurrentWidget(media_pane)
        if t.index_id is None:
            media_pane.playground.setChecked(True)
        else:
            if w.index_model.row_of(t.index_id) < 0:
                w.statusBar().showMessage(f"“{t.index_name}” is no longer in the list.", 8000)
                return
            media_pane.playground.setChecked(False)
            w.indexes.select(t.index_id)
        media_pane.reveal(t.video_ids[0])

    def set_limit(n: int) -> None:
        settings.set_value(LIMIT_KEY, n)
        service.set_limit(n)

    wire(service.changed_many, model.append)
    wire(service.changed, model.upsert)
    wire(service.removed, model.remove_many)
    wire(service.scanned, scanned)
    wire(service.finished, finished)
    wire(service.drained, drained)
    wire(service.failed, w.show_problem)
    wire(w.indexes.files_dropped, upload)
    wire(dock.files_dropped, lambda paths: upload(paths, None))
    wire(dock.cancel_requested, lambda ids: service.cancel(*ids))
    wire(dock.retry_requested, lambda ids: service.retry(*ids))
    wire(dock.retry_all_requested, service.retry_all)
    wire(dock.clear_requested, service.clear_finished)
    wire(dock.show_requested, show_in_media)
    wire(dock.limit_changed, set_limit)
    if media_pane is not None:
        wire(media_pane.upload_requested, lambda paths: upload(paths, media_target()))
        wire(media_pane.choose_upload_requested, choose)
    service.start()


def unbind(ctx: SessionContext) -> Awaitable[None] | None:
    service = ctx.services.pop("transfers", None)
    dock = ctx.services.pop("transfers_dock", None)
    if dock is not None:
        ctx.window.removeDockWidget(dock)
        dock.deleteLater()
    if service is not None:
        service.stop()
        return service.aclose()  # the app awaits it: the upload thread must be joined
    return None

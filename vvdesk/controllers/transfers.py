"""Uploads: drops (index list, media table, transfer dock), Upload…, the queue's dock."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Literal

from PySide6.QtCore import Qt

from vvdesk.controllers.links import Links
from vvdesk.controllers.media import MediaController
from vvdesk.models.transfers import TransferModel
from vvdesk.services.notifier import Notifier
from vvdesk.services.throttle import Throttle
from vvdesk.services.transfers import TransferService
from vvdesk.settings import Settings
from vvdesk.transfer_queue import Transfer
from vvdesk.ui import keyboard
from vvdesk.ui.dialogs import pick_index
from vvdesk.ui.dialogs.skipped import SkippedDialog
from vvdesk.ui.main_window import MainWindow
from vvdesk.ui.widgets.transfers_dock import TransfersDock

if TYPE_CHECKING:
    from videovector import Index

LIMIT_KEY = "transfers/concurrency"
PUMP_KEY = "transfers/pump"  # "loop" (default) or "thread"; see bench/upload.py
LAST_DIR_KEY = "transfers/last_dir"
MEDIA_RELOAD_MS = 1000
Playground = Literal["playground"]
PLAYGROUND: Playground = "playground"  # upload target: media without an index


class TransfersController:
    def __init__(self, window: MainWindow, settings: Settings, service: TransferService,
                 model: TransferModel, dock: TransfersDock, media: MediaController,
                 notifier: Notifier) -> None:
        self.window, self.settings, self.service = window, settings, service
        self.model, self.dock, self.media, self.notifier = model, dock, media, notifier
        if not window.restoreDockWidget(dock):  # the user's place and size
            window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
            window.resizeDocks([dock], [dock.DEFAULT_HEIGHT], Qt.Orientation.Vertical)
        keyboard.icon_actions(dock)
        keyboard.tidy(dock)
        window.add_dock_to_view_menu(dock)
        self.skipped: SkippedDialog | None = None  # the last "skipped files" summary
        self._finished_in: set[str | None] = set()  # indexes with new media since a reload
        # a burst of finished uploads reloads the media list once a second, not per file
        self._reload = Throttle(self._reload_media, MEDIA_RELOAD_MS, dock)
        self._links = Links()
        link = self._links.connect
        link(service.changed_many, model.append)
        link(service.changed, model.upsert)
        link(service.removed, model.remove_many)
        link(service.scanned, self._scanned)
        link(service.finished, self._finished)
        link(service.drained, self._drained)
        link(service.failed, window.show_problem)
        link(window.indexes.files_dropped, self.upload)
        link(dock.files_dropped, lambda paths: self.upload(paths, None))
        link(dock.cancel_requested, lambda ids: service.cancel(*ids))
        link(dock.retry_requested, lambda ids: service.retry(*ids))
        link(dock.retry_all_requested, service.retry_all)
        link(dock.clear_requested, service.clear_finished)
        link(dock.show_requested, self._show_in_media)
        link(dock.limit_changed, self._set_limit)
        link(media.pane.upload_requested, lambda paths: self.upload(paths, self._media_target()))
        link(media.pane.choose_upload_requested, self._choose)
        service.start()

    def upload(self, paths: list[str], index: Index | Playground | None) -> None:
        """Queue files for an index; None asks which; PLAYGROUND for media without one."""
        if not paths:
            return
        if index not in (None, PLAYGROUND) and getattr(index, "is_default", False):
            index = None  # a shared demo index is read-only: ask which index instead
        if index is None:
            choice = pick_index.PickIndexDialog.ask(self.window, self.window.index_model.rows(),
                                                    len(paths))
            if choice is None:
                return
            index_id, name = choice
        elif index == PLAYGROUND:
            index_id, name = None, "Playground"
        else:
            index_id, name = index.index_id, index.name
        self.dock.show()
        self.service.add_paths(paths, index_id, name)

    def _media_target(self) -> Index | Playground | None:
        pane = self.media.pane
        if pane.scope() is None:
            return None
        return PLAYGROUND if pane.scope() == "" else pane.index

    def _choose(self) -> None:
        start = str(self.settings.value(LAST_DIR_KEY, "") or "")
        paths = pick_index.choose_files(self.window, start)
        if paths:
            self.settings.set_value(LAST_DIR_KEY, os.path.dirname(paths[0]))
            self.upload(paths, self._media_target())

    def _scanned(self, target: str, queued: int, skipped: list[Any]) -> None:
        self.window.statusBar().showMessage(
            f"Queued {queued} file(s) for “{target}”"
            + (f", skipped {len(skipped)}." if skipped else "."), 8000)
        if skipped:
            # kept: a non-modal dialog without a Python reference would be collected
            self.skipped = SkippedDialog.present(self.window, target, queued, skipped)

    def _finished(self, transfer: Transfer) -> None:
        self._finished_in.add(transfer.index_id)
        self._reload.poke()

    def _reload_media(self) -> None:
        targets, self._finished_in = set(self._finished_in), set()
        self.media.uploads_finished(targets)

    def _drained(self, done: int, failed: int) -> None:
        text = f"{done} file{'' if done == 1 else 's'} uploaded"
        if failed:
            text += f", {failed} failed: see Transfers"
        self.notifier.notify("Uploads finished", text, "error" if failed else "info")

    def _show_in_media(self, transfer: Transfer) -> None:
        pane, window = self.media.pane, self.window
        window.tabs.setCurrentWidget(pane)
        if transfer.index_id is None:
            pane.playground.setChecked(True)
        else:
            if window.index_model.row_of(transfer.index_id) < 0:
                window.statusBar().showMessage(
                    f"“{transfer.index_name}” is no longer in the list.", 8000)
                return
            pane.playground.setChecked(False)
            window.indexes.select(transfer.index_id)
        pane.reveal(transfer.video_ids[0])

    def _set_limit(self, n: int) -> None:
        self.settings.set_value(LIMIT_KEY, n)
        self.service.set_limit(n)

    async def aclose(self) -> None:
        """Undo the links, take the dock down, join the upload thread."""
        self._links.close()
        self.window.removeDockWidget(self.dock)
        self.dock.deleteLater()
        self.service.stop()
        await self.service.aclose()

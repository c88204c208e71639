"""Storage connectors (File → Connectors…): the dialog, create/edit/test/delete, browsing.

Browsing never runs a nested event loop: `pick_folder` opens the browser window-modal
with `open()` and hands the chosen folder to a callback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, SignalInstance
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from vvdesk.controllers.links import Links
from vvdesk.services.connectors import ConnectorService
from vvdesk.ui.dialogs.browse_connector import BrowseConnectorDialog
from vvdesk.ui.dialogs.connectors import ConnectorsDialog
from vvdesk.ui.main_window import MainWindow


class _Intents(QObject):
    import_requested = Signal(str, str, str, bool)


def bucket_of(connector: Any) -> str:
    """'bucket archive-in' / 'container media' — where a connector's files are, in words."""
    if connector is None:
        return ""
    if connector.container:
        return f"container {connector.container}"
    return f"bucket {connector.bucket}" if connector.bucket else ""


class ConnectorsController:
    def __init__(self, window: MainWindow, service: ConnectorService) -> None:
        self.window, self.service = window, service
        self.dialog: ConnectorsDialog | None = None  # made when first opened
        self._intents = _Intents(window)
        self.import_requested: SignalInstance = self._intents.import_requested
        """(connector_id, source_prefix, file_pattern, recursive): the user pressed
        "Import into an index…" in any connector browser (see
        `BrowseConnectorDialog.import_requested` for what is sent for which choice).
        Whoever runs one-time imports connects to this; the browser stays open."""
        self._links = Links()
        self._links.connect(window.connectors_requested, self.open_dialog)
        service.refresh()

    def open_dialog(self) -> None:
        if self.dialog is None:
            dlg = self.dialog = ConnectorsDialog(self.service.connectors, self.window)
            link = self._links.connect
            link(self.service.loaded, dlg.set_connectors)
            link(self.service.created, dlg.show_created)
            link(self.service.updated, dlg.show_updated)
            link(self.service.update_failed, dlg.show_update_failed)
            link(self.service.tested, dlg.show_tested)
            link(self.service.deleted, dlg.show_deleted)
            link(self.service.failed, dlg.show_failed)
            link(dlg.create_requested, self.service.create)
            link(dlg.update_requested, self.service.update)
            link(dlg.test_requested, self.service.test)
            link(dlg.delete_requested, self.service.delete)
            link(dlg.browse_requested, self._browse_from_dialog)
            link(dlg.import_requested,  # the whole bucket; the import form narrows it
                 lambda cid: self.import_requested.emit(cid, "", "*", True))
        self.service.refresh()
        self.dialog.show()
        self.dialog.raise_()

    def connector(self, connector_id: str) -> Any | None:
        return next((c for c in self.service.connectors if c.connector_id == connector_id),
                    None)

    def browser(self, connector_id: str, start: str = "", parent: QWidget | None = None, *,
                root: str = "", accept_text: str = "Use this folder",
                offer_import: bool = True) -> BrowseConnectorDialog:
        """A browser wired to the service; it lists the top folder as soon as it is made
        and goes down to `start` (a folder relative to `root`)."""
        c = self.connector(connector_id)
        name = f"“{c.name}”" if c is not None else "the connector"
        where = f"Folders and files of {name}"
        if bucket := bucket_of(c):
            where += f" ({bucket}{', in ' + root if root else ''})"
        dlg = BrowseConnectorDialog(connector_id, f"Browse {name}", root=root, start=start,
                                    accept_text=accept_text, where=where + ".",
                                    parent=parent or self.window)
        dlg.import_btn.setVisible(offer_import)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        links = Links()
        links.connect(self.service.folder_listed, dlg.show_folder)
        links.connect(self.service.folder_failed, dlg.show_folder_failed)
        links.connect(dlg.list_requested, self.service.list_folder)
        links.connect(dlg.import_requested, self.import_requested.emit)
        dlg.finished.connect(lambda _r: links.close())  # late answers are not delivered
        dlg.destroyed.connect(lambda *_: links.close())
        dlg.refresh()
        return dlg

    def pick_folder(self, connector_id: str, on_chosen: Callable[[str], object], *,
                    start: str = "", root: str = "", parent: QWidget | None = None,
                    accept_text: str = "Use this folder",
                    offer_import: bool = False) -> BrowseConnectorDialog:
        """Open the browser window-modal (no nested loop); `on_chosen(folder)` on accept.
        A browser that picks a folder for a form offers no import unless asked to."""
        dlg = self.browser(connector_id, start, parent, root=root, accept_text=accept_text,
                           offer_import=offer_import)
        dlg.folder_chosen.connect(on_chosen)
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.open()
        return dlg

    def _browse_from_dialog(self, connector_id: str) -> None:
        """From the Connectors dialog there is no field to fill: the folder's path is
        copied to the clipboard (to paste into an automation or a script)."""
        dlg = self.dialog
        if dlg is None:
            return

        def copied(folder: str) -> None:
            QGuiApplication.clipboard().setText(folder)
            if self.dialog is not None:
                self.dialog.show_folder_copied(connector_id, folder)

        self.pick_folder(connector_id, copied, parent=dlg, accept_text="Copy folder path",
                         offer_import=True)

    def close(self) -> None:
        self._links.close()
        self._intents.deleteLater()
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None

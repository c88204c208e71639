"""Storage connectors (File → Connectors…): the dialog, create/test/delete, browsing."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from vvdesk.controllers.links import Links
from vvdesk.services.connectors import ConnectorService
from vvdesk.ui.dialogs.browse_connector import BrowseConnectorDialog
from vvdesk.ui.dialogs.connectors import ConnectorsDialog
from vvdesk.ui.main_window import MainWindow


class ConnectorsController:
    def __init__(self, window: MainWindow, service: ConnectorService) -> None:
        self.window, self.service = window, service
        self.dialog: ConnectorsDialog | None = None  # made when first opened
        self._links = Links()
        self._links.connect(window.connectors_requested, self.open_dialog)
        service.refresh()

    def open_dialog(self) -> None:
        if self.dialog is None:
            dlg = self.dialog = ConnectorsDialog(self.service.connectors, self.window)
            link = self._links.connect
            link(self.service.loaded, dlg.set_connectors)
            link(self.service.created, dlg.show_created)
            link(self.service.tested, dlg.show_tested)
            link(self.service.deleted, dlg.show_deleted)
            link(self.service.failed, dlg.show_failed)
            link(dlg.create_requested, self.service.create)
            link(dlg.test_requested, self.service.test)
            link(dlg.delete_requested, self.service.delete)
            link(dlg.browse_requested, lambda cid: self.browse(cid, "", dlg))
        self.service.refresh()
        self.dialog.show()
        self.dialog.raise_()

    def browser(self, connector_id: str, prefix: str = "",
                parent: QWidget | None = None) -> BrowseConnectorDialog:
        """A browse dialog wired to the service (it lists as soon as it is made)."""
        dlg = BrowseConnectorDialog(connector_id, prefix, parent or self.window)
        links = Links()
        links.connect(self.service.browsed, dlg.show_files)
        links.connect(self.service.browse_failed, dlg.show_failed)
        links.connect(dlg.list_requested, self.service.browse)
        dlg.finished.connect(lambda _r: links.close())
        dlg.destroyed.connect(lambda *_: links.close())
        dlg.refresh()
        return dlg

    def browse(self, connector_id: str, prefix: str = "",
               parent: QWidget | None = None) -> str | None:
        """Browse modally; the folder chosen, or None."""
        dlg = self.browser(connector_id, prefix, parent)
        accepted = dlg.exec() == BrowseConnectorDialog.DialogCode.Accepted
        folder = dlg.chosen_folder()
        dlg.deleteLater()
        return folder if accepted else None

    def close(self) -> None:
        self._links.close()
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None

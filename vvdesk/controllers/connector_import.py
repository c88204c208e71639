"""One-time imports from a connector (File → Import from connector…): the form, the
server's import job as a row in Transfers, its files in words, the Media tab refreshed
and a notice when it ends.

Where does "Import from connector…" go? `_flow`, top to bottom: connectors, indexes and
prompts → the form (last choices remembered, never a key) → the job → its row.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtWidgets import QWidget

from vvdesk.connector_import import ImportRequest
from vvdesk.controllers.connectors import ConnectorsController
from vvdesk.controllers.links import Links, answer
from vvdesk.controllers.media import MediaController
from vvdesk.services.notifier import Notifier
from vvdesk.services.runs import RunService
from vvdesk.services.session import ApiSession
from vvdesk.services.transfers import TransferService
from vvdesk.settings import Settings
from vvdesk.transfer_queue import Transfer, TState
from vvdesk.ui.dialogs.import_details import ImportDetailsDialog
from vvdesk.ui.dialogs.import_from_connector import ImportDefaults, ImportFromConnectorDialog
from vvdesk.ui.main_window import MainWindow
from vvdesk.ui.widgets.transfers_dock import TransfersDock

LAST = "connector_import/"  # settings keys: the last choices (names of things, never keys)


class ConnectorImportController:
    def __init__(self, session: ApiSession, window: MainWindow, settings: Settings,
                 transfers: TransferService, dock: TransfersDock,
                 connectors: ConnectorsController, runs: RunService,
                 media: MediaController, notifier: Notifier) -> None:
        self.session, self.window, self.settings = session, window, settings
        self.transfers, self.dock, self.connectors = transfers, dock, connectors
        self.runs, self.media, self.notifier = runs, media, notifier
        self.details: ImportDetailsDialog | None = None  # the last one shown (kept alive)
        self._links = Links()
        link = self._links.connect
        link(window.connector_import_requested, lambda: self.start())
        link(connectors.import_requested, self.start)  # "Import into an index…" in a browser
        link(dock.details_requested, self.show_details)
        link(transfers.import_ended, self._ended)

    # starting ----------------------------------------------------------------------
    def start(self, connector_id: str | None = None, folder: str | None = None,
              pattern: str | None = None, recursive: bool | None = None) -> None:
        """Open the form (prefilled with what is given, else the last choices)."""
        self.session.jobs.run("connector-import.start",
                              self._flow(connector_id, folder, pattern, recursive),
                              on_error=self._report("Starting the import"))

    def _defaults(self, connector_id: str | None, folder: str | None, pattern: str | None,
                  recursive: bool | None) -> ImportDefaults:
        s = self.settings
        current = self.window.current_index()
        last_index = str(s.value(LAST + "index_id", "") or "") or None
        return ImportDefaults(
            connector_id=connector_id or str(s.value(LAST + "connector_id", "") or "") or None,
            folder=folder if folder is not None else str(s.value(LAST + "folder", "") or ""),
            pattern=pattern if pattern is not None else str(s.value(LAST + "pattern", "*")
                                                            or "*"),
            recursive=recursive if recursive is not None else
            str(s.value(LAST + "recursive", "true")).lower() != "false",
            index_id=current.index_id if current is not None else last_index,
            prompt_id=str(s.value(LAST + "prompt_id", "") or "") or None)

    def _remember(self, request: ImportRequest) -> None:
        src, s = request.source, self.settings
        s.set_value(LAST + "connector_id", src.connector_id)
        s.set_value(LAST + "folder", src.prefix)
        s.set_value(LAST + "pattern", src.pattern)
        s.set_value(LAST + "recursive", "true" if src.recursive else "false")
        s.set_value(LAST + "index_id", request.index_id)
        s.set_value(LAST + "prompt_id", src.prompt_id or "")

    async def _flow(self, connector_id: str | None, folder: str | None, pattern: str | None,
                    recursive: bool | None) -> None:
        connectors = [c for c in await self._connectors() if "import" in (c.scopes or [])]
        indexes = [i for i in self.window.index_model.rows()
                   if not getattr(i, "is_default", False)]
        prompts = await self.runs.prompts()
        defaults = self._defaults(connector_id, folder, pattern, recursive)
        request = await answer(partial(
            ImportFromConnectorDialog.ask, self.window, connectors, indexes, prompts,
            defaults, self.browse))
        if request is None:
            return
        self._remember(request)
        row = await self.transfers.import_from_connector(request)
        self.dock.show()
        self.window.statusBar().showMessage(
            f"Importing from “{request.source.connector_name}” into “{request.index_name}”: "
            "follow it in Transfers.", 8000)
        self.dock.select(row.transfer_id)

    async def _connectors(self) -> list[Any]:
        return await self.connectors.service.listed()

    def browse(self, parent: QWidget, connector_id: str, folder: str,
               on_chosen: Callable[[str], None]) -> Any:
        """The form's Browse…: the connector browser over it, starting at `folder`."""
        return self.connectors.pick_folder(connector_id, on_chosen, start=folder,
                                           parent=parent)

    # following ---------------------------------------------------------------------
    def show_details(self, transfer: Transfer) -> None:
        """The import's files and what became of each, from the server."""
        assert transfer.job_id

        async def load() -> None:
            files = await self.transfers.import_files(transfer.job_id or "")
            row = self.transfers.get(transfer.transfer_id) or transfer
            self.details = ImportDetailsDialog.present(self.window, row, files)

        self.session.jobs.run(f"connector-import.details:{transfer.transfer_id}", load(),
                              on_error=self._report("Listing the imported files"))

    def _ended(self, transfer: Transfer) -> None:
        """Refresh the index's media and say how it went."""
        if transfer.video_ids:
            self.media.uploads_finished({transfer.index_id})
        counts = transfer.files.words() if transfer.files else ""
        where = f"into “{transfer.index_name}”"
        if transfer.state is TState.DONE:
            self.notifier.notify("Import finished", f"{transfer.name} {where}: {counts}.",
                                 "info")
        elif transfer.state is TState.FAILED:
            self.notifier.notify("Import finished with failures",
                                 f"{transfer.name} {where}: {transfer.error}", "error")

    def _report(self, action: str) -> Any:
        def handler(problem: Any) -> None:
            self.session.note_problem(problem)
            self.window.show_problem(action, problem)

        return handler

    def close(self) -> None:
        self._links.close()
        if self.details is not None:
            self.details.close()
            self.details.deleteLater()
            self.details = None

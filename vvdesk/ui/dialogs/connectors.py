"""Connectors: list, create (S3/GCS/Azure), edit, test, browse and delete.

The dialog shows what it is given and emits what the user asks for; the connectors
controller (vvdesk/controllers/connectors.py) does the work.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vvdesk.models.connectors import ConnectorModel
from vvdesk.models.keyed import OBJECT_ROLE
from vvdesk.ui.dialogs import ask
from vvdesk.ui.dialogs.new_connector import NewConnectorDialog
from vvdesk.ui.keyboard import describe
from vvdesk.ui.widgets.empty_state import EmptyState
from vvdesk.vocab import PROVIDERS


class ConnectorsDialog(QDialog):
    create_requested = Signal(str, dict)  # provider, the fields typed (secrets included)
    update_requested = Signal(str, dict)  # connector id, the changed fields (API names)
    test_requested = Signal(str)  # connector id
    browse_requested = Signal(str)
    import_requested = Signal(str)  # connector id: import from it once (the import form)
    delete_requested = Signal(str)

    def __init__(self, connectors: list[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connectors")
        self.resize(900, 420)
        self.model = ConnectorModel(self)
        self.view = QTableView()
        describe(self.view, "Connectors", "Your connectors to storage buckets")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.verticalHeader().hide()
        self.new_buttons = {p: QPushButton(f"New {label}…") for p, label in PROVIDERS.items()}
        for provider, button in self.new_buttons.items():
            describe(button, None, f"Add a connector to a {PROVIDERS[provider]} bucket")
        self.edit_btn = QPushButton("Edit…")
        describe(self.edit_btn, None,
                 "Change the selected connector's name, uses, import mode or export folder")
        self.edit_form: NewConnectorDialog | None = None  # the edit form open, if any
        self.test_btn = QPushButton("Test")
        describe(self.test_btn, None,
                 "Check that the server can reach the selected connector's bucket")
        self.browse_btn = QPushButton("Browse…")
        describe(self.browse_btn, None,
                 "Look at the folders and files in the selected connector's bucket")
        self.import_btn = QPushButton("Import…")
        describe(self.import_btn, None,
                 "Import files of the selected connector into an index, once")
        self.delete_btn = QPushButton("Delete…")
        describe(self.delete_btn, None, "Remove the selected connector")
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.close_buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.close_btn = self.close_buttons.button(QDialogButtonBox.StandardButton.Close)
        describe(self.close_btn, None, "Close this window (Esc)")
        self.close_buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        for b in self.new_buttons.values():
            top.addWidget(b)
        top.addStretch()
        actions = QHBoxLayout()
        for b in (self.edit_btn, self.test_btn, self.browse_btn, self.import_btn,
                  self.delete_btn):
            actions.addWidget(b)
        actions.addStretch()
        actions.addWidget(self.close_buttons)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.view)
        lay.addLayout(actions)
        lay.addWidget(self.outcome)
        for provider, button in self.new_buttons.items():
            button.clicked.connect(lambda _=False, p=provider: self._create(p))
        self.edit_btn.clicked.connect(self._edit)
        self.test_btn.clicked.connect(self._test)
        self.browse_btn.clicked.connect(self._browse)
        self.import_btn.clicked.connect(self._import)
        self.delete_btn.clicked.connect(self._delete)
        self.view.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.model.merge(connectors)
        self.model.set_loaded()
        self.empty = EmptyState(
            self.view, lambda: "No connectors yet. A connector lets vvdesk import from and "
            "export to a storage bucket (S3, Google Cloud Storage, Azure).",
            "Add a connector…", self._add_menu)
        self._update_buttons()

    def _add_menu(self) -> None:
        """The empty list's button: which kind of connector to add."""
        menu = QMenu(self)
        for provider, label in PROVIDERS.items():
            act = menu.addAction(f"New {label} connector…")
            act.triggered.connect(lambda _=False, p=provider: self._create(p))
        button = self.empty.button
        if button is not None:
            menu.exec(button.mapToGlobal(button.rect().bottomLeft()))

    # what the controller shows -----------------------------------------------------
    def set_connectors(self, items: list[Any]) -> None:
        self.model.merge(items)

    def show_created(self, connector: Any) -> None:
        self.model.upsert(connector)
        self.select(connector.connector_id)
        self.outcome.setText(f"Created “{connector.name}”. Test it to check the credentials.")

    def show_updated(self, connector: Any) -> None:
        self.model.upsert(connector)
        form = self.edit_form
        if (form is not None and form.existing is not None
                and form.existing.connector_id == connector.connector_id):
            self.edit_form = None
            form.accept()
        self.outcome.setText(f"Saved the changes to “{connector.name}”.")

    def show_update_failed(self, connector_id: str, problem: Any) -> None:
        form = self.edit_form
        if (form is not None and form.existing is not None
                and form.existing.connector_id == connector_id):
            form.show_save_failed(problem)
            return
        self.outcome.setText(f"Saving the connector failed: {problem}")

    def show_folder_copied(self, connector_id: str, folder: str) -> None:
        c = self.model.row_for(connector_id)
        name = f"“{c.name}”" if c is not None else "the connector"
        self.outcome.setText(f"Copied the folder “{folder or '/'}” of {name} to the clipboard: "
                            "paste it where a folder is asked for.")

    def show_deleted(self, _connector_id: str) -> None:
        self.outcome.setText("Connector deleted.")

    def show_tested(self, connector_id: str, result: Any) -> None:
        c = self.model.row_for(connector_id)
        name = c.name if c is not None else connector_id
        if result.success:
            self.outcome.setText(f"✓ “{name}” works: the bucket can be reached.")
        else:
            why = result.error_message or "no reason given"
            self.outcome.setText(f"✗ “{name}” failed its test: {why}")

    def show_failed(self, action: str, problem: Any) -> None:
        self.outcome.setText(f"{action} failed: {problem}")

    def current(self) -> Any | None:
        idx = self.view.currentIndex()
        return idx.data(OBJECT_ROLE) if idx.isValid() else None

    def select(self, connector_id: str) -> None:
        row = self.model.row_of(connector_id)
        if row >= 0:
            self.view.setCurrentIndex(self.model.index(row, 0))

    def _update_buttons(self, *_: object) -> None:
        has = self.current() is not None
        for b in (self.edit_btn, self.test_btn, self.browse_btn, self.delete_btn):
            b.setEnabled(has)
        c = self.current()
        can_import = c is not None and "import" in (c.scopes or [])
        self.import_btn.setEnabled(can_import)
        self.import_btn.setToolTip(
            "Import files of the selected connector into an index, once" if can_import else
            "Choose a connector with the Import use to import from it")

    def _create(self, provider: str) -> None:
        fields = NewConnectorDialog.ask(self, provider)
        if fields is not None:
            self.outcome.setText("Creating…")
            self.create_requested.emit(provider, fields)

    def _edit(self) -> None:
        c = self.current()
        if c is None or c.provider not in PROVIDERS:
            return
        if self.edit_form is not None:
            self.edit_form.raise_()
            return
        form = self.edit_form = NewConnectorDialog(c.provider, self, existing=c)
        form.submitted.connect(lambda changes: self.update_requested.emit(c.connector_id,
                                                                           changes))
        form.finished.connect(lambda _r: self._edit_closed(form))
        form.open()  # window-modal, no nested event loop

    def _edit_closed(self, form: NewConnectorDialog) -> None:
        if self.edit_form is form:
            self.edit_form = None
        form.deleteLater()

    def _test(self) -> None:
        if (c := self.current()) is not None:
            self.outcome.setText(f"Testing “{c.name}”…")
            self.test_requested.emit(c.connector_id)

    def _browse(self) -> None:
        if (c := self.current()) is not None:
            self.browse_requested.emit(c.connector_id)

    def _import(self) -> None:
        if (c := self.current()) is not None:
            self.import_requested.emit(c.connector_id)

    def _delete(self) -> None:
        c = self.current()
        if c is not None and ask.confirm(
                self, "Delete connector",
                f"Delete the connector “{c.name}”? Media already imported stay; automations "
                "that use it stop working.", "Delete connector"):
            self.delete_requested.emit(c.connector_id)

"""Import once from a connector: connector, folder (Browse…), file pattern, subfolders,
the index it goes into and, optionally, a prompt to run on what comes in.

Everything is chosen by name; problems are shown inline by field label and keep "Import"
disabled. `browse(parent, connector_id, folder, on_chosen)` is given by the controller:
it opens the connector browser over this form, which calls `on_chosen(folder)` when a
folder is picked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vvdesk.connector_import import (
    ImportRequest,
    ImportSource,
    as_prefix,
    folder_problem,
    pattern_problem,
)
from vvdesk.ui.keyboard import describe
from vvdesk.ui.theme import Tone, set_tone

Browse = Callable[[QWidget, str, str, Callable[[str], None]], object]
NAME_ROLE = int(Qt.ItemDataRole.UserRole) + 1  # a connector's own name beside its id
NO_CONNECTORS = ("No connector can import yet: add one under File → Connectors… with the "
                 "Import scope, then come back here.")
NO_INDEXES = "There is no index you can import into: create one first (Index → New)."


@dataclass(frozen=True)
class ImportDefaults:
    """What the form starts with (the last choices, and the selected index)."""

    connector_id: str | None = None
    folder: str = ""
    pattern: str = "*"
    recursive: bool = True
    index_id: str | None = None
    prompt_id: str | None = None


class ImportFromConnectorDialog(QDialog):
    def __init__(self, parent: QWidget | None, connectors: list[Any], indexes: list[Any],
                 prompts: list[Any], defaults: ImportDefaults,
                 browse: Browse | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import from connector")
        self._browse = browse
        self.connector = QComboBox()
        describe(self.connector, "Connector", "The storage connector to import from")
        for c in connectors:
            where = c.bucket or c.container or ""
            self.connector.addItem(f"{c.name} ({where})" if where else c.name, c.connector_id)
            self.connector.setItemData(self.connector.count() - 1, c.name, NAME_ROLE)
        self.folder = QLineEdit(placeholderText="e.g. videos/2026/ (empty: the whole bucket)")
        describe(self.folder, "Folder", "The folder of the bucket whose files are imported")
        self.browse_button = QPushButton("Browse…")
        describe(self.browse_button, None, "Pick the folder in the connector's files")
        self.browse_button.clicked.connect(self._browse_folder)
        self.pattern = QLineEdit(placeholderText="* (every file); e.g. *.mp4 or *.{mp4,mov}")
        describe(self.pattern, "File pattern", "Which file names are imported")
        self.recursive = QCheckBox("Include subfolders")
        describe(self.recursive, None, "Also import matching files in the folder's subfolders")
        self.index = QComboBox()
        describe(self.index, "Index", "The index the files are imported into")
        for i in indexes:
            self.index.addItem(i.name, i.index_id)
        self.prompt = QComboBox()
        describe(self.prompt, "Run prompt afterwards",
                 "Optional: a prompt run on the imported files once the import ends")
        self.prompt.addItem("(none: import only)", None)
        for p in prompts:
            self.prompt.addItem(p.name, p.prompt_id)
        self.note = QLabel(NO_CONNECTORS if not connectors else
                           NO_INDEXES if not indexes else "")
        self.note.setWordWrap(True)
        self.note.setVisible(bool(self.note.text()))
        self.hint = QLabel()
        set_tone(self.hint, Tone.ERROR)
        self.hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.browse_button)
        form = QFormLayout()
        form.addRow("Connector", self.connector)
        form.addRow("Folder", folder_row)
        form.addRow("File pattern", self.pattern)
        form.addRow("", self.recursive)
        form.addRow("Index", self.index)
        form.addRow("Run prompt afterwards", self.prompt)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.note)
        lay.addWidget(self.hint)
        lay.addWidget(self.buttons)
        self._fill(defaults)
        for edit in (self.folder, self.pattern):
            edit.textChanged.connect(self._check)
        self.connector.currentIndexChanged.connect(self._check)
        self.index.currentIndexChanged.connect(self._check)
        self._check()

    def _fill(self, d: ImportDefaults) -> None:
        for combo, value in ((self.connector, d.connector_id), (self.index, d.index_id),
                             (self.prompt, d.prompt_id)):
            at = combo.findData(value) if value else -1
            if at >= 0:
                combo.setCurrentIndex(at)
        self.folder.setText(d.folder)
        self._given = d.folder  # sent as it is while unchanged (it may be one file's key)
        self.pattern.setText("" if d.pattern in ("", "*") else d.pattern)
        self.recursive.setChecked(d.recursive)

    def _browse_folder(self) -> None:
        cid = self.connector.currentData()
        if self._browse is None or not cid:
            return
        self._browse(self, cid, self.folder.text().strip().rstrip("/"),
                     lambda folder: self.folder.setText(as_prefix(folder)))

    def problem(self) -> str | None:
        """The first thing to fix, named by its field label; None when all is well."""
        if self.connector.currentData() is None:
            return "Connector: choose the connector to import from."
        if why := folder_problem(self.folder.text().strip()):
            return f"Folder: {why}"
        if why := pattern_problem(self.pattern.text().strip()):
            return f"File pattern: {why}"
        if self.index.currentData() is None:
            return "Index: choose the index the files go into."
        return None

    def _check(self) -> None:
        why = self.problem()
        self.hint.setText(why or "")
        self.hint.setVisible(bool(why) and not self.note.isVisible())
        self.ok.setEnabled(why is None)
        self.browse_button.setEnabled(self.connector.currentData() is not None
                                      and self._browse is not None)

    def answer(self) -> ImportRequest:
        return ImportRequest(
            ImportSource(
                connector_id=self.connector.currentData(),
                connector_name=self._name(self.connector),
                prefix=self._prefix(),
                pattern=self.pattern.text().strip() or "*",
                recursive=self.recursive.isChecked(),
                prompt_id=self.prompt.currentData(),
                prompt_name=self.prompt.currentText() if self.prompt.currentData() else ""),
            index_id=self.index.currentData(), index_name=self.index.currentText())

    def _prefix(self) -> str:
        """The key prefix to send: a typed folder ends with "/" (so "clips" does not also
        take "clips-old/"); a prefilled one (a file picked in the browser) is kept."""
        text = self.folder.text().strip()
        return text if text == self._given else as_prefix(text)

    def _name(self, combo: QComboBox) -> str:
        """The connector's own name (the item reads "name (bucket)")."""
        return str(combo.itemData(combo.currentIndex(), NAME_ROLE) or combo.currentText())

    @classmethod
    def ask(cls, parent: QWidget | None, connectors: list[Any], indexes: list[Any],
            prompts: list[Any], defaults: ImportDefaults,
            browse: Browse | None = None) -> ImportRequest | None:
        dlg = cls(parent, connectors, indexes, prompts, defaults, browse)
        try:
            return dlg.answer() if dlg.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dlg.deleteLater()


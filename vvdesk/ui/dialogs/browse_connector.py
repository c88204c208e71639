"""Browse a connector's files (prefix, pattern, recursive) and pick a folder from them.

The dialog asks for listings by signal; the connectors controller answers with
`show_files` or `show_failed`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vvdesk.format import human_size, when


def folder_of(path: str) -> str:
    return path.rsplit("/", 1)[0] + "/" if "/" in path else ""


class BrowseConnectorDialog(QDialog):
    list_requested = Signal(str, str, str, bool)  # connector id, prefix, pattern, recursive

    def __init__(self, connector_id: str, prefix: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Browse connector")
        self.resize(640, 440)
        self.connector_id = connector_id
        self.prefix = QLineEdit(prefix, placeholderText="folder/ (empty: everything)")
        self.pattern = QLineEdit("*", placeholderText="*.{mp4,mov}")
        self.recursive = QCheckBox("Subfolders")
        self.recursive.setChecked(True)
        self.list_btn = QPushButton("List")
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Path", "Size", "Modified"])
        self.tree.setRootIsDecorated(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.status = QLabel("")
        self.chosen = QLineEdit(prefix)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Use this folder")
        row = QHBoxLayout()
        for w in (QLabel("Folder"), self.prefix, QLabel("Files"), self.pattern, self.recursive,
                  self.list_btn):
            row.addWidget(w)
        pick = QHBoxLayout()
        pick.addWidget(QLabel("Chosen folder"))
        pick.addWidget(self.chosen)
        lay = QVBoxLayout(self)
        lay.addLayout(row)
        lay.addWidget(self.tree)
        lay.addWidget(self.status)
        lay.addLayout(pick)
        lay.addWidget(self.buttons)
        self.list_btn.clicked.connect(self.refresh)
        self.prefix.returnPressed.connect(self.refresh)
        self.tree.currentItemChanged.connect(self._picked)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def refresh(self) -> None:
        self.status.setText("Listing…")
        self.list_requested.emit(self.connector_id, self.prefix.text().strip(),
                                 self.pattern.text().strip(), self.recursive.isChecked())

    def show_files(self, connector_id: str, files: list[Any]) -> None:
        if connector_id != self.connector_id:
            return
        self.tree.clear()
        for f in files:
            QTreeWidgetItem(self.tree, [f.path, human_size(f.size_bytes), when(f.last_modified)])
        self.status.setText(f"{len(files)} file(s)." if files else "No files match.")

    def show_failed(self, connector_id: str, problem: Any) -> None:
        if connector_id == self.connector_id:
            self.status.setText(f"Listing the files failed: {problem}")

    def _picked(self, item: QTreeWidgetItem | None, _prev: object = None) -> None:
        if item is not None:
            self.chosen.setText(folder_of(item.text(0)))

    def chosen_folder(self) -> str:
        return self.chosen.text().strip()

"""Create an export: which runs (index exports; default all), and where it goes.

Destination is a download or a connector with an optional sub-path; the sub-path rule
(vvdesk/vocab.py) is checked as the user types and the reason shown inline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from vvdesk.ui.keyboard import describe
from vvdesk.ui.theme import Tone, set_tone
from vvdesk.vocab import normalize_subpath, subpath_problem


class CreateExportDialog(QDialog):
    browse_requested = Signal(str, str)  # connector id, the sub-path typed so far

    def __init__(self, parent: QWidget | None, title: str,
                 runs: list[tuple[str, str, bool]] | None, connectors: list[Any],
                 connectors_note: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.runs = QListWidget()
        describe(self.runs, "Runs to export", "Tick the runs whose results go into the export")
        for run_id, label, checked in runs or []:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, run_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.runs.addItem(item)
        self.runs.setVisible(runs is not None)
        self.to_download = QRadioButton("Download (keep the file on this computer)")
        describe(self.to_download, None, "Make a file you then download to this computer")
        self.to_connector = QRadioButton("Deliver to a connector")
        describe(self.to_connector, None,
                 "Have the server write the export into a connector's bucket")
        self.to_download.setChecked(True)
        self.connector = QComboBox()
        describe(self.connector, "Connector", "The connector whose bucket receives the export")
        for c in connectors:
            self.connector.addItem(f"{c.name} ({c.provider}, {c.bucket or c.container or ''})",
                                   c.connector_id)
        self.to_connector.setEnabled(bool(connectors))
        self.connector_note = QLabel(connectors_note or "")
        self.connector_note.setVisible(not connectors)
        self.connector_note.setWordWrap(True)
        self.subpath = QLineEdit(placeholderText="e.g. reports/2026")
        describe(self.subpath, "Sub-path",
                 "A folder inside the connector's export folder (optional)")
        self.browse_btn = QPushButton("Browse…")
        describe(self.browse_btn, None,
                 "Pick the sub-folder among the folders in the connector's export folder")
        self.hint = QLabel()
        set_tone(self.hint, Tone.ERROR)
        self.hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create export")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        self.setMinimumWidth(480)  # run names (prompt — status) read whole, not scrolled
        if runs is not None:
            lay.addWidget(QLabel("Runs to include (all by default):"))
            lay.addWidget(self.runs)
        lay.addWidget(self.to_download)
        lay.addWidget(self.to_connector)
        form = QFormLayout()
        form.addRow("Connector", self.connector)
        subpath_row = QHBoxLayout()
        subpath_row.addWidget(self.subpath, 1)
        subpath_row.addWidget(self.browse_btn)
        form.addRow("Sub-path", subpath_row)
        lay.addLayout(form)
        lay.addWidget(self.connector_note)
        lay.addWidget(self.hint)
        lay.addWidget(self.buttons)
        self.to_connector.toggled.connect(self._check)
        self.subpath.textChanged.connect(self._check)
        self.browse_btn.clicked.connect(self._browse)
        self.runs.itemChanged.connect(self._check)
        self._check()

    def chosen_runs(self) -> list[str] | None:
        """None means all runs (the server's default)."""
        items = [self.runs.item(i) for i in range(self.runs.count())]
        picked = [i.data(Qt.ItemDataRole.UserRole) for i in items
                  if i.checkState() == Qt.CheckState.Checked]
        return None if len(picked) == len(items) else picked

    def problem(self) -> str | None:
        if self.runs.count() and self.chosen_runs() == []:
            return "Pick at least one run."
        if self.to_connector.isChecked():
            return subpath_problem(self.subpath.text())
        return None

    def _check(self) -> None:
        via_connector = self.to_connector.isChecked()
        self.connector.setEnabled(via_connector)
        self.subpath.setEnabled(via_connector)
        self.browse_btn.setEnabled(via_connector)
        why = self.problem()
        self.hint.setText(why or "")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(why is None)

    def _browse(self) -> None:
        connector_id = self.connector.currentData()
        if connector_id:
            self.browse_requested.emit(connector_id, self.subpath.text().strip())

    def set_subpath(self, folder: str) -> None:
        """The folder picked in the connector browser (relative to the export folder)."""
        self.subpath.setText(folder.rstrip("/"))

    def answer(self) -> dict[str, Any]:
        via_connector = self.to_connector.isChecked()
        return {"prompt_run_ids": self.chosen_runs(),
                "connector_id": self.connector.currentData() if via_connector else None,
                "subpath": normalize_subpath(self.subpath.text()) if via_connector else None}

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, runs: list[tuple[str, str, bool]] | None,
            connectors: list[Any], connectors_note: str = "", *,
            browse: Callable[[CreateExportDialog, str, str], object] | None = None,
            ) -> dict[str, Any] | None:
        """The choices, or None when cancelled; `browse(dialog, connector_id, subpath)` opens
        a connector browser for the sub-path (the Browse button is hidden without it)."""
        dlg = cls(parent, title, runs, connectors, connectors_note)
        dlg.browse_btn.setVisible(browse is not None)
        if browse is not None:
            dlg.browse_requested.connect(lambda cid, sub: browse(dlg, cid, sub))
        return dlg.answer() if dlg.exec() == QDialog.DialogCode.Accepted else None

"""The Exports tab: exports of the selected index (and its runs), or all of them."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vvdesk.format import human_size
from vvdesk.models.exports import ExportColumn, ExportListModel, ExportScopeProxy, destination
from vvdesk.models.keyed import OBJECT_ROLE
from vvdesk.ui.keyboard import describe
from vvdesk.ui.panes.tab_pane import TabPane
from vvdesk.ui.theme import Tone, status_color
from vvdesk.ui.widgets.elided import ElidedLabel
from vvdesk.ui.widgets.empty_state import EmptyState
from vvdesk.ui.widgets.fitting_toolbar import FittingToolBar
from vvdesk.vocab import EXPORT_RECREATABLE, export_is_completed, status_text, words


def export_details(e: Any, target: str = "", connector: str = "") -> str:
    """The selected export in words; the ids stay here (a person may need to quote them)."""
    kind = "Index" if e.export_type == "index" else "Run"
    lines = [f"<b>{kind} export of {html.escape(target or e.target_id)}</b>: "
             f"<b>{words(e.status)}</b>", f"Destination: {html.escape(destination(e, connector))}",
             f"Export id: {e.export_id} · {kind.lower()} id: {e.target_id}"
             + (f" · connector id: {e.destination_connector_id}"
                if e.destination_connector_id else "")]
    if e.destination_type == "connector" and e.destination_uri:
        lines.append(f"Delivered to: {e.destination_uri}")
    if e.file_size_bytes is not None:
        lines.append(f"Size: {human_size(e.file_size_bytes)}")
    if e.error_message:
        red = status_color(Tone.ERROR).name()
        lines.append(f"<span style='color:{red}'>Error: {e.error_message}</span>")
    return "<br>".join(lines)


class ExportsPane(TabPane):
    create_requested = Signal(object)  # Index
    download_requested = Signal(object)  # Export
    recreate_requested = Signal(object)  # Export
    refresh_requested = Signal()

    def __init__(self, model: ExportListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.index: Any | None = None
        self.run_ids: set[str] = set()
        self.proxy = ExportScopeProxy(self)
        self.proxy.setSourceModel(model)
        self.title = ElidedLabel(bold=True)
        self.show_all = QCheckBox("All exports")
        self.show_all.setToolTip("Show every export of the account, not just this index's")
        # the two options the user controls (the exports controller reads and saves them)
        self.auto_download = QCheckBox("Download finished exports automatically")
        self.auto_download.setToolTip("Save each finished download export to this profile's "
                                      "export folder without asking")
        self.notify = QCheckBox("Notify when exports finish")
        self.notify.setToolTip("A desktop notification when a tracked export completes or fails")
        self.toolbar = FittingToolBar()
        self.act_create = self.toolbar.addAction("Export index…", self._create)
        self.act_download = self.toolbar.addAction("Download…", self._download)
        self.act_again = self.toolbar.addAction("Export again", self._again)
        self.act_refresh = self.toolbar.addAction("Refresh", self.refresh_requested.emit)
        for act, tip in ((self.act_create, "Export the metadata of the index shown"),
                         (self.act_download, "Download the selected export"),
                         (self.act_again, "Create the selected export again"),
                         (self.act_refresh, "Reload the export list")):
            act.setToolTip(tip)  # also the name of a button shown without its text
        self.toolbar.text_order([self.act_refresh, self.act_again])  # short of room: icons alone
        self.view = QTableView()
        describe(self.view, "Exports", "Exports of the index shown and its runs (or all of them)")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(ExportColumn.CREATED, Qt.SortOrder.DescendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.verticalHeader().hide()
        self.view.selectionModel().currentRowChanged.connect(self._update)
        self.empty = EmptyState(self.view, self.empty_reason, also=(model.loaded_changed,))
        self.listed_note = QLabel()  # the server listed more exports than are kept
        self.listed_note.setWordWrap(True)
        self.listed_note.hide()
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.show_all)
        options = QHBoxLayout()
        options.addWidget(self.auto_download)
        options.addWidget(self.notify)
        options.addStretch()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(top)
        lay.addWidget(self.toolbar)
        lay.addWidget(self.listed_note)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.details)
        lay.addLayout(options)
        self.show_all.toggled.connect(lambda _: self._apply_scope())
        model.dataChanged.connect(lambda *_: self._update())
        self.set_index(None)

    def set_index(self, index: Any | None) -> None:
        self.index = index
        self._apply_scope()

    def set_run_ids(self, run_ids: set[str]) -> None:
        """Runs of the selected index: their exports belong to this tab too."""
        self.run_ids = set(run_ids)
        self._apply_scope()

    def set_listed(self, kept: int, listed: int) -> None:
        """How many exports the last list had and how many of them (the newest) are kept."""
        self.listed_note.setVisible(listed > kept)
        if listed > kept:
            self.listed_note.setText(
                f"The server listed {listed:,} exports; vvdesk keeps the newest {kept:,} of "
                "them (and every export it follows), so older ones may be missing here.")

    def _apply_scope(self) -> None:
        if self.show_all.isChecked():
            self.proxy.set_targets(None)
            self.title.setText("All exports")
        elif self.index is None:
            self.proxy.set_targets(set())
            self.title.setText("Exports — select an index, or tick All exports.")
        else:
            self.proxy.set_targets({self.index.index_id} | self.run_ids)
            self.title.setText(f"Exports of “{self.index.name}” and its runs")
        self._update()
        if hasattr(self, "empty"):
            self.empty.refresh()

    def empty_reason(self) -> str:
        """Why the export list is empty, and what to do about it."""
        if not self.model.loaded:
            return "Loading exports…"
        if self.show_all.isChecked():
            return "No exports yet. Select an index and press Export index… to make one."
        if self.index is None:
            return "Select an index on the left to see its exports, or tick All exports."
        return (f"No exports of “{self.index.name}” or its runs yet. Press Export index… "
                "to make one; tick All exports to see the others.")

    def current_export(self) -> Any | None:
        idx = self.view.currentIndex()
        return idx.data(OBJECT_ROLE) if idx.isValid() else None

    def select(self, export_id: str) -> None:
        row = self.model.row_of(export_id)
        if row >= 0:
            self.view.setCurrentIndex(self.proxy.mapFromSource(self.model.index(row, 0)))

    def _update(self, *_: object) -> None:
        e = self.current_export()
        self.act_create.setEnabled(self.index is not None)
        self.act_download.setEnabled(e is not None and export_is_completed(e.status)
                                     and e.destination_type != "connector")
        self.act_again.setEnabled(e is not None and status_text(e.status) in EXPORT_RECREATABLE)
        self.details.setText(export_details(
            e, self.model.target_name(e),
            self.model.name_of(e.destination_connector_id or "")) if e is not None else "")

    def _create(self) -> None:
        if self.index is not None:
            self.create_requested.emit(self.index)

    def _download(self) -> None:
        if (e := self.current_export()) is not None:
            self.download_requested.emit(e)

    def _again(self) -> None:
        if (e := self.current_export()) is not None:
            self.recreate_requested.emit(e)

"""The Runs tab: runs of the selected index or media, their details, cancel, start, export."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vvdesk.format import when
from vvdesk.models.keyed import OBJECT_ROLE, SORT_ROLE
from vvdesk.models.runs import RunColumn, RunListModel
from vvdesk.models.runs import media as media_text
from vvdesk.models.runs import segments as segments_text
from vvdesk.ui.keyboard import describe
from vvdesk.ui.panes.tab_pane import TabPane
from vvdesk.ui.widgets.elided import ElidedLabel
from vvdesk.ui.widgets.empty_state import EmptyState
from vvdesk.ui.widgets.fitting_toolbar import FittingToolBar
from vvdesk.vocab import run_is_exportable, run_is_terminal, words


def context_text(context: Any, index: Any = None) -> str:
    """What a run ran on, in words: 'the index “Demo archive” (idx_…)', '3 media: …'."""
    if not isinstance(context, dict):
        return "" if context is None else str(context)
    if context.get("type") == "index" and context.get("index_id"):
        ix = context["index_id"]
        if index is not None and getattr(index, "index_id", None) == ix:
            return f"the index “{index.name}” ({ix})"
        return f"index {ix}"
    ids = context.get("video_ids")
    if context.get("type") == "videos" and isinstance(ids, list):
        shown = ", ".join(str(i) for i in ids[:3]) + (", …" if len(ids) > 3 else "")
        return f"{len(ids)} media: {shown}"
    return json.dumps(context, ensure_ascii=False)  # a shape we do not know: as it came


def run_details(run: Any, index: Any = None) -> str:
    """The selected run in words; its ids stay here, where a person may copy them."""
    lines = [f"Run of “{run.prompt_name}” — {words(run.status)}", f"Prompt: {run.prompt_name} "
             f"({run.prompt_id})", f"Ran on: {context_text(run.run_context, index)}",
             f"Executed: {when(run.executed_at)} by {run.executed_by}",
             f"Segments: {segments_text(run)}", f"Media: {media_text(run)}",
             f"Segmentation: video {words(run.video_segmentation_type).lower()}"
             f"{f' {run.video_segment_duration} s' if run.video_segment_duration else ''}, "
             f"audio {words(run.audio_segmentation_type).lower()}"
             f"{f' {run.audio_segment_duration} s' if run.audio_segment_duration else ''}"]
    if run.error_message:
        lines.append(f"Error: {run.error_message}")
    lines.append(f"Run id: {run.run_id}")
    return "\n".join(lines)


def manifest_text(manifest: Any) -> str:
    if getattr(manifest, "failed_segments", 0) == 0:
        return "No failed segments."
    lines = [f"Failed segments: {manifest.failed_segments} in "
             f"{manifest.videos_with_failures} media"]
    for v in manifest.videos:
        for s in v.segments:
            lines.append(f"  {v.video_id} {s.segment_id} [{s.start_time}–{s.end_time} s] "
                         f"{s.failure_stage or ''}: {s.failure_message or ''}")
    return "\n".join(lines)


class RunsPane(TabPane):
    start_requested = Signal()
    new_prompt_requested = Signal()
    cancel_requested = Signal(str)
    details_requested = Signal(str)
    export_run_requested = Signal(object)  # PromptRun
    export_with_others_requested = Signal(object)  # PromptRun
    refresh_requested = Signal()

    def __init__(self, model: RunListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.index: Any | None = None
        self.video_ids: list[str] = []
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(SORT_ROLE)
        self.title = ElidedLabel(bold=True)
        self.toolbar = FittingToolBar()
        self.act_start = self.toolbar.addAction("Start run…", self.start_requested.emit)
        self.act_prompt = self.toolbar.addAction("New prompt…", self.new_prompt_requested.emit)
        self.act_cancel = self.toolbar.addAction("Cancel run", self._cancel)
        self.act_export = self.toolbar.addAction("Export this run…", self._export)
        self.act_export_all = self.toolbar.addAction("Export with other runs…",
                                                     self._export_all)
        self.act_refresh = self.toolbar.addAction("Refresh", self.refresh_requested.emit)
        for act, tip in ((self.act_start, "Run a prompt on the index or the selected media"),
                         (self.act_prompt, "Create a prompt to run"),
                         (self.act_cancel, "Stop the selected run"),
                         (self.act_export, "Export the results of the selected run"),
                         (self.act_export_all, "Export the results of the selected run "
                          "together with other runs of this index"),
                         (self.act_refresh, "Reload the run list")):
            act.setToolTip(tip)  # also the name of a button shown without its text
        # short of room: icons alone, the least used first
        self.toolbar.text_order([self.act_refresh, self.act_prompt, self.act_export_all])
        self.view = QTableView()
        describe(self.view, "Prompt runs", "The prompt runs of the index or of the selected media")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(RunColumn.EXECUTED, Qt.SortOrder.DescendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(RunColumn.PROMPT, QHeaderView.ResizeMode.Stretch)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.empty = EmptyState(self.view, self.empty_reason, also=(model.loaded_changed,))
        self.details = QPlainTextEdit(readOnly=True)
        describe(self.details, "Run details", "What the selected run ran on, when, and what failed")
        self.details.setPlaceholderText("Select a run to see its details.")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.view)
        split.addWidget(self.details)
        split.setSizes([400, 160])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.title)
        lay.addWidget(self.toolbar)
        lay.addWidget(split)
        model.dataChanged.connect(lambda *_: self._update_actions())
        # a reset (another index, another connection) does not announce a new current
        # row: without this the details of a run no longer listed would stay
        model.modelReset.connect(self._rows_gone)
        model.rowsRemoved.connect(self._rows_gone)
        self._manifest = ""
        self.set_index(None)

    def set_index(self, index: Any | None) -> None:
        self.index, self.video_ids = index, []
        self._manifest = ""
        if hasattr(self, "empty"):
            self.empty.refresh()
        self.details.setPlainText("")
        self.title.setText(f"Runs of “{index.name}”" if index else
                           "Runs — select an index on the left.")
        self._update_actions()

    def set_media(self, video_ids: list[str]) -> None:
        self.video_ids = list(video_ids)
        if video_ids:
            self.title.setText(f"Runs of the selected media ({len(video_ids)})")
        self._update_actions()
        self.empty.refresh()

    def empty_reason(self) -> str:
        """Why the run list is empty, and what to do about it."""
        if self.video_ids:
            what = f"the {len(self.video_ids)} selected media"
        elif self.index is not None:
            what = f"“{self.index.name}”"
        else:
            return "Select an index on the left to see its prompt runs."
        if not self.model.loaded:
            return "Loading runs…"
        return f"No prompt runs on {what} yet. Start one with Start run…."

    def current_run(self) -> Any | None:
        idx = self.view.currentIndex()
        return idx.data(OBJECT_ROLE) if idx.isValid() else None

    def select(self, run_id: str) -> None:
        row = self.model.row_of(run_id)
        if row >= 0:
            self.view.setCurrentIndex(self.proxy.mapFromSource(self.model.index(row, 0)))

    def show_details(self, run_id: str, manifest: Any) -> None:
        run = self.current_run()
        if run is None or run.run_id != run_id:
            return
        self._manifest = manifest_text(manifest) if hasattr(manifest, "videos") else \
            f"Failed segments could not be loaded: {manifest}"
        self.details.setPlainText(run_details(run, self.index) + "\n\n" + self._manifest)

    def _rows_gone(self, *_: object) -> None:
        if self.current_run() is None:
            self._manifest = ""
            self.details.setPlainText("")
        self._update_actions()

    def _current_changed(self, *_: object) -> None:
        run = self.current_run()
        self._manifest = ""
        self.details.setPlainText(run_details(run, self.index) if run else "")
        if run is not None:
            self.details_requested.emit(run.run_id)
        self._update_actions()

    def _update_actions(self) -> None:
        run = self.current_run()
        self.act_start.setEnabled(self.index is not None or bool(self.video_ids))
        self.act_cancel.setEnabled(run is not None and not run_is_terminal(run.status))
        done = run is not None and run_is_exportable(run.status)
        self.act_export.setEnabled(done)
        self.act_export_all.setEnabled(done and self.index is not None)
        if run is not None and self.details.toPlainText():
            self.details.setPlainText(run_details(run, self.index) + (
                "\n\n" + self._manifest if self._manifest else ""))

    def _cancel(self) -> None:
        run = self.current_run()
        if run is not None:
            self.cancel_requested.emit(run.run_id)

    def _export(self) -> None:
        if (run := self.current_run()) is not None:
            self.export_run_requested.emit(run)

    def _export_all(self) -> None:
        if (run := self.current_run()) is not None:
            self.export_with_others_requested.emit(run)

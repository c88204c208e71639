"""The transfer queue window (a dock): progress bars, cancel, retry, resume, clear, limit."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QDropEvent, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from vvdesk.models.keyed import OBJECT_ROLE
from vvdesk.models.transfers import PROGRESS_COLUMN, TransferModel, fraction
from vvdesk.transfer_queue import (
    FINISHED,
    RETRY_ALL,
    RETRYABLE,
    TState,
)
from vvdesk.ui.keyboard import describe
from vvdesk.ui.widgets.actions import pane_action
from vvdesk.ui.widgets.drops import FileDropTarget, accept_files
from vvdesk.ui.widgets.elided import CellTips, ElidedLabel
from vvdesk.ui.widgets.empty_state import EmptyState


class ProgressDelegate(QStyledItemDelegate):
    """Draws the Progress column as a bar with the byte counts on it."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        t = index.data(OBJECT_ROLE)
        if t is None:
            super().paint(painter, option, index)
            return
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(2, 3, -2, -3)
        bar.minimum, bar.maximum = 0, 1000
        bar.progress = int(fraction(t) * 1000)
        bar.text = index.data(Qt.ItemDataRole.DisplayRole)
        bar.textVisible = True
        # without State_Horizontal Qt 6 styles draw the bar vertically (fills bottom-up)
        bar.state = option.state | QStyle.StateFlag.State_Horizontal
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        QApplication.style().drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)


class TransfersDock(FileDropTarget, QDockWidget):
    cancel_requested = Signal(list)  # transfer ids (the selection)
    retry_requested = Signal(list)
    show_requested = Signal(object)  # a done Transfer: show its media in the Media tab
    details_requested = Signal(object)  # a connector import's Transfer: its files and why
    retry_all_requested = Signal()
    clear_requested = Signal()
    limit_changed = Signal(int)
    files_dropped = Signal(list)  # paths dropped on the queue: ask for the index
    DEFAULT_HEIGHT = 150  # px on first start (toolbar, header, 3 rows); then the user's size

    def __init__(self, model: TransferModel, limit: int, parent: QWidget | None = None) -> None:
        super().__init__("Transfers", parent)
        self.setObjectName("transfers-dock")
        self.model = model
        self.setAcceptDrops(True)
        self.view = QTableView()
        describe(self.view, "Transfers",
                 "Uploads: queued, sending, done or failed; drop files here to upload")
        self.view.setModel(model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().hide()
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # paths: keep the file name
        CellTips(self.view)
        self.view.setItemDelegateForColumn(PROGRESS_COLUMN, ProgressDelegate(self.view))
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(PROGRESS_COLUMN, 190)
        self.toolbar = QToolBar()
        body = QWidget()
        self.act_cancel = pane_action(body, self.toolbar, "Cancel", QKeySequence.StandardKey.Delete,
                                      lambda: self._each(self.cancel_requested),
                                      "Cancel the selected uploads or imports (Del)")
        self.act_retry = pane_action(body, self.toolbar, "Retry", QKeySequence("Ctrl+R"),
                                     lambda: self._each(self.retry_requested),
                                     "Upload the selected failed or cancelled files again; "
                                     "an import takes up its failed files again (Ctrl+R)")
        self.act_retry_all = pane_action(body, self.toolbar, "Retry/resume all",
                                         QKeySequence("Ctrl+Shift+R"),
                                         self.retry_all_requested.emit,
                                         "Retry every failed and resume every interrupted upload")
        self.act_clear = pane_action(body, self.toolbar, "Clear finished", None,
                                     self.clear_requested.emit,
                                     "Remove done and cancelled uploads from the list")
        self.act_details = pane_action(body, self.toolbar, "Details…", None,
                                       self._details_current,
                                       "The files of the selected import from a connector: "
                                       "imported, failed or skipped, and why (double-click)")
        self.act_show = QAction("Show in Media", self)
        self.act_show.setToolTip("Select the uploaded media in the Media tab (double-click)")
        self.act_show.triggered.connect(self._show_current)
        self.view.doubleClicked.connect(lambda _i: self._open_current())
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.view.addActions([self.act_show, self.act_cancel, self.act_retry, self.act_details,
                              self.act_retry_all, self.act_clear])
        self.empty = EmptyState(self.view, lambda: (
            "No uploads. Drop files here or on the Media tab, or press Upload… (Ctrl+U)."))
        self.limit = QSpinBox(minimum=1, maximum=8, value=limit)
        self.limit.setToolTip("How many files upload at the same time")
        self.limit.valueChanged.connect(self.limit_changed.emit)
        self.summary = ElidedLabel(min_chars=12)
        bar = QHBoxLayout()
        bar.addWidget(self.toolbar)
        bar.addStretch(1)
        bar.addWidget(self.summary)
        bar.addWidget(QLabel("At once:"))
        bar.addWidget(self.limit)
        lay = QVBoxLayout(body)
        lay.setContentsMargins(4, 0, 4, 4)
        lay.addLayout(bar)
        lay.addWidget(self.view)
        self.setWidget(body)
        for sig in (model.rowsInserted, model.rowsRemoved, model.dataChanged,
                    model.modelReset):
            sig.connect(self._update)
        model.rowsInserted.connect(self._reveal_new)
        self._newest = QPersistentModelIndex()
        self._reveal_due = QTimer(self, singleShot=True, interval=0)
        self._reveal_due.timeout.connect(self._scroll_to_newest)
        self.view.selectionModel().selectionChanged.connect(self._update)
        # the summary adds up the bytes left: once per event-loop turn, not per signal
        self._summary_due = QTimer(self, singleShot=True, interval=0)
        self._summary_due.timeout.connect(self._update_summary)
        self._update()
        self._update_summary()

    def _reveal_new(self, _parent: Any, _first: int, last: int) -> None:
        """Newly queued files come into view (the list may be long and scrolled up): once
        the view has laid the rows out, or the scroll range still ends before them and the
        last row stays half hidden."""
        self._newest = QPersistentModelIndex(self.model.index(last, 0))
        self._reveal_due.start()

    def _scroll_to_newest(self) -> None:
        if self._newest.isValid():
            self.view.scrollTo(self._newest)

    def selected(self) -> list[Any]:
        return [r.data(OBJECT_ROLE) for r in self.view.selectionModel().selectedRows()]

    def select(self, transfer_id: str) -> None:
        """Make this row the current one (and show it)."""
        row = self.model.row_of(transfer_id)
        if row >= 0:
            self.view.selectRow(row)
            self.view.scrollTo(self.model.index(row, 0))

    def _open_current(self) -> None:
        """Double-click: an import's files; an upload's media."""
        t = self.view.currentIndex().data(OBJECT_ROLE)
        if t is not None and t.is_import:
            self._details_current()
        else:
            self._show_current()

    def _details_current(self) -> None:
        rows = self.selected()
        t = rows[0] if len(rows) == 1 else self.view.currentIndex().data(OBJECT_ROLE)
        if t is not None and t.is_import and t.job_id:
            self.details_requested.emit(t)

    def _show_current(self) -> None:
        t = self.view.currentIndex().data(OBJECT_ROLE)
        if t is not None and t.state is TState.DONE and t.video_ids:
            self.show_requested.emit(t)

    def _each(self, signal: Any) -> None:
        """One signal for the whole selection (Ctrl+A, Del: one step, not a thousand)."""
        ids = [t.transfer_id for t in self.selected()]
        if ids:
            signal.emit(ids)

    def _count(self, states: frozenset[TState]) -> int:
        return sum(self.model.counts[s] for s in states)

    def _update(self, *_: object) -> None:
        """Runs on every row change: reads the model's per-state counts, not every row."""
        rows = self.selected()
        sel = {t.state for t in rows}
        self.act_details.setEnabled(len(rows) == 1 and rows[0].is_import)
        self.act_cancel.setEnabled(bool(sel - FINISHED))
        self.act_retry.setEnabled(bool(sel & RETRYABLE))
        self.act_show.setEnabled(sel == {TState.DONE})
        self.act_retry_all.setEnabled(self._count(RETRY_ALL) > 0)
        self.act_clear.setEnabled(self._count(FINISHED) > 0)
        self._summary_due.start()

    def _update_summary(self) -> None:
        self.summary.setText(self.model.queue.summary())

    def dropEvent(self, e: QDropEvent) -> None:
        if paths := accept_files(e):
            self.files_dropped.emit(paths)

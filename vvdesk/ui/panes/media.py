"""The Media tab: media of the selected index (or the playground), details and segments.

Files dropped on the table go to the index shown (or the playground); the pane only
hands paths on (`upload_requested`), it never touches the file system.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from vvdesk.models.keyed import OBJECT_ROLE, SORT_ROLE
from vvdesk.models.media import MediaColumn, MediaModel
from vvdesk.models.segments import SegmentModel
from vvdesk.ui.dialogs import ask
from vvdesk.ui.dialogs.register_uri import RegisterUriDialog
from vvdesk.ui.widgets.actions import pane_action
from vvdesk.ui.widgets.drops import FileDropTarget, accept_files
from vvdesk.ui.widgets.elided import ElidedLabel
from vvdesk.ui.widgets.media_details import MediaDetails


class MediaTable(FileDropTarget, QTableView):
    """The media list; accepts dropped files (thin handlers, paths go out by signal)."""

    files_dropped = Signal(list)

    def __init__(self) -> None:
        super().__init__()
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)

    def dropEvent(self, e: QDropEvent) -> None:
        if paths := accept_files(e):
            self.files_dropped.emit(paths)


class MediaPane(QWidget):
    scope_changed = Signal(object)  # index_id, '' = playground, None = nothing
    refresh_requested = Signal()
    upload_requested = Signal(list)  # paths for the index (or playground) shown
    choose_upload_requested = Signal()
    delete_requested = Signal(str)
    register_requested = Signal(str, str, str)  # title, uri, index_id
    selection_changed = Signal(list)  # video ids
    segments_requested = Signal(str, str)

    def __init__(self, model: MediaModel, segments: SegmentModel,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._reveal = ""  # a media id to select once its row is loaded
        self.index: Any = None
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.rowsInserted.connect(self._rows_arrived)  # shown rows, mapped
        self.proxy.modelReset.connect(self._rows_arrived)
        self.title = ElidedLabel(bold=True)
        self.label = self.title  # same attribute as the placeholder tab it replaces
        self.toolbar = QToolBar()
        self.act_refresh = self._action("Refresh", QKeySequence(Qt.Key.Key_F5),
                                        self.refresh_requested.emit, "Reload (F5)")
        self.act_upload = self._action("Upload…", QKeySequence("Ctrl+U"),
                                       self.choose_upload_requested.emit,
                                       "Upload files (Ctrl+U), or drop files here")
        self.act_register = self._action("Register URI…", None, self._ask_register,
                                         "Add media the server fetches from gs://, s3://…")
        self.act_delete = self._action("Delete", QKeySequence.StandardKey.Delete,
                                       self._ask_delete, "Delete the selected media")
        self.playground = QCheckBox("Playground")
        self.playground.setToolTip("Show media uploaded without an index")
        self.playground.toggled.connect(self._emit_scope)
        self.filter = QLineEdit(placeholderText="Filter loaded media")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = MediaTable()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(MediaColumn.CREATED, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(MediaColumn.TITLE, QHeaderView.ResizeMode.Stretch)
        fm = self.table.fontMetrics()
        for col, sample in ((MediaColumn.TYPE, "image"), (MediaColumn.STATUS, "not_processed…"),
                            (MediaColumn.CREATED, "0000-00-00 00:00:00")):
            header.resizeSection(col, fm.horizontalAdvance(sample) + 28)
        self.table.selectionModel().selectionChanged.connect(self._selection)
        self.table.files_dropped.connect(self.upload_requested.emit)
        self.details = MediaDetails(segments)
        self.details.segments_requested.connect(self.segments_requested.emit)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.playground)
        top.addWidget(self.filter)
        upper = QWidget()
        ul = QVBoxLayout(upper)
        ul.setContentsMargins(0, 0, 0, 0)
        ul.addLayout(top)
        ul.addWidget(self.toolbar)
        ul.addWidget(self.table)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(upper)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([300, 300])  # first start: the list and the segments share
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.splitter)
        self._update()

    def _action(self, label: str, keys: Any, slot: Any, tip: str) -> QAction:
        return pane_action(self, self.toolbar, label, keys, slot, tip)

    # scope -------------------------------------------------------------------------
    def set_index(self, index: Any | None) -> None:
        self.index = index
        self._emit_scope()

    def scope(self) -> str | None:
        if self.playground.isChecked():
            return ""
        return self.index.index_id if self.index is not None else None

    def scope_name(self) -> str:
        if self.playground.isChecked():
            return "Playground"
        return self.index.name if self.index is not None else ""

    def _emit_scope(self, *_: object) -> None:
        self.details.show_video(None, [])
        self._update()
        self.scope_changed.emit(self.scope())

    def _update(self) -> None:
        scope = self.scope()
        self.title.setText(self.scope_name() if scope is not None
                           else "Select an index (or Playground) to see its media.")
        can_write = scope == "" or not getattr(self.index, "is_default", False)
        self.act_upload.setEnabled(scope is not None and can_write)
        self.act_register.setEnabled(bool(scope) and can_write)
        self.act_upload.setToolTip("Upload files (Ctrl+U), or drop files here" if can_write
                                   else f"“{self.scope_name()}” is a shared demo index: "
                                   "it is read-only")
        self.act_delete.setEnabled(bool(self.selected_ids()))

    # selection ---------------------------------------------------------------------
    def selected_ids(self) -> list[str]:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return [r.data(OBJECT_ROLE).video_id for r in rows]

    def current_video(self) -> Any | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(OBJECT_ROLE) if len(rows) == 1 else None

    def select(self, video_id: str) -> bool:
        """Select this media if its row is shown (loaded and not filtered out)."""
        row = self.model.row_of(video_id)
        shown = self.proxy.mapFromSource(self.model.index(row, 0)) if row >= 0 else None
        if shown is None or not shown.isValid():
            return False
        self.table.selectRow(shown.row())
        return True

    def reveal(self, video_id: str) -> None:
        """Select this media now, or as soon as a page that holds it arrives."""
        self._reveal = "" if self.select(video_id) else video_id

    def _rows_arrived(self, *_: object) -> None:
        if self._reveal and self.select(self._reveal):
            self.table.scrollTo(self.table.currentIndex())
            self._reveal = ""

    def _selection(self, *_: object) -> None:
        self._update()
        self.selection_changed.emit(self.selected_ids())

    # user intents ------------------------------------------------------------------
    def _ask_delete(self) -> None:
        video = self.current_video()
        if video is None:
            return
        if ask.confirm(self, "Delete media", f"Delete “{video.title}” with its segments and "
                       "results? This cannot be undone.", "Delete media"):
            self.delete_requested.emit(video.video_id)

    def _ask_register(self) -> None:
        scope = self.scope()
        if not scope:
            return
        answer = RegisterUriDialog.ask(self)
        if answer:
            self.register_requested.emit(answer[0], answer[1], scope)

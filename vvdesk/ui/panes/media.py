"""The Media tab: media of the selected index (or the playground), details and segments.

Files dropped on the table go to the index shown (or the playground); the pane only
hands paths on (`upload_requested`), it never touches the file system.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QItemSelectionModel,
    QPoint,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QDropEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListView,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vvdesk.models.keyed import OBJECT_ROLE, SORT_ROLE
from vvdesk.models.media import PICTURE_H, PICTURE_W, PIXMAP_ROLE, MediaColumn, MediaModel
from vvdesk.models.segments import SegmentModel
from vvdesk.ui.dialogs import ask
from vvdesk.ui.dialogs.register_uri import RegisterUriDialog
from vvdesk.ui.keyboard import describe
from vvdesk.ui.panes.tab_pane import TabPane
from vvdesk.ui.widgets.actions import pane_action
from vvdesk.ui.widgets.drops import FileDropTarget, accept_files
from vvdesk.ui.widgets.elided import ElidedLabel
from vvdesk.ui.widgets.empty_state import EmptyState
from vvdesk.ui.widgets.fitting_toolbar import FittingToolBar
from vvdesk.ui.widgets.grid_cell import GridCellDelegate
from vvdesk.ui.widgets.media_details import MediaDetails
from vvdesk.ui.widgets.player import PlayerPanel


class MediaTable(FileDropTarget, QTableView):
    """The media list; accepts dropped files (thin handlers, paths go out by signal).

    The title takes the room the other columns leave, but never less than TITLE_MIN: a
    narrow list (beside the preview, on a small screen) scrolls sideways instead of
    squeezing every title to nothing."""

    files_dropped = Signal(list)
    TITLE_MIN = 200

    def __init__(self) -> None:
        super().__init__()
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)

    def resizeEvent(self, e: QResizeEvent) -> None:
        super().resizeEvent(e)
        self.fit_title()

    def fit_title(self) -> None:
        header = self.horizontalHeader()
        others = sum(header.sectionSize(c) for c in range(header.count())
                     if c != MediaColumn.TITLE and not header.isSectionHidden(c))
        header.resizeSection(MediaColumn.TITLE,
                             max(self.TITLE_MIN, self.viewport().width() - others))

    def dropEvent(self, e: QDropEvent) -> None:
        if paths := accept_files(e):
            self.files_dropped.emit(paths)


class MediaGrid(FileDropTarget, QListView):
    """The same media as a grid of thumbnails with titles (same model, same selection)."""

    files_dropped = Signal(list)

    def __init__(self) -> None:
        super().__init__()
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setWordWrap(False)
        self.setIconSize(QSize(160, 120))
        lines = self.fontMetrics().height()
        self.setGridSize(QSize(176, 120 + lines + 18))  # picture, one line of title, spacing
        self.setItemDelegate(GridCellDelegate(self, PIXMAP_ROLE, QSize(PICTURE_W, PICTURE_H)))
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)

    def dropEvent(self, e: QDropEvent) -> None:
        if paths := accept_files(e):
            self.files_dropped.emit(paths)


LIST_ICON = QSize(48, 36)


class MediaPane(TabPane):
    scope_changed = Signal(object)  # index_id, '' = playground, None = nothing
    refresh_requested = Signal()
    upload_requested = Signal(list)  # paths for the index (or playground) shown
    choose_upload_requested = Signal()
    delete_requested = Signal(str)
    register_requested = Signal(str, str, str)  # title, uri, index_id
    selection_changed = Signal(list)  # video ids
    segments_requested = Signal(str, str)
    visible_changed = Signal(list)  # video ids of the rows on screen (for their thumbnails)
    grid_toggled = Signal(bool)

    def __init__(self, model: MediaModel, segments: SegmentModel,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._reveal = ""  # a media id to select once its row is loaded
        self.index: Any = None
        self._announced: str | None = None  # the scope last announced by scope_changed
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.rowsInserted.connect(self._rows_arrived)  # shown rows, mapped
        self.proxy.modelReset.connect(self._rows_arrived)
        self.title = ElidedLabel(bold=True)
        self.label = self.title  # same attribute as the placeholder tab it replaces
        self.toolbar = FittingToolBar()
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
        describe(self.filter, None,
                 "Show only loaded media whose title, type or status holds this text")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = MediaTable()
        describe(self.table, "Media", "The media of the index shown; drop files here to upload")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(MediaColumn.CREATED, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(MediaColumn.TITLE, QHeaderView.ResizeMode.Interactive)
        fm = self.table.fontMetrics()
        for col, sample in ((MediaColumn.TYPE, "image"), (MediaColumn.STATUS, "not_processed…"),
                            (MediaColumn.CREATED, "0000-00-00 00:00:00")):
            header.resizeSection(col, fm.horizontalAdvance(sample) + 28)
        self.table.setIconSize(LIST_ICON)
        self.table.verticalHeader().setDefaultSectionSize(LIST_ICON.height() + 4)
        for col, sample in ((MediaColumn.DURATION, "0:00:00"), (MediaColumn.SIZE, "000.0 MB"),
                            (MediaColumn.DIMENSIONS, "0000×0000")):
            header.resizeSection(col, fm.horizontalAdvance(sample) + 28)
        self.table.selectionModel().selectionChanged.connect(self._selection)
        self.table.files_dropped.connect(self.upload_requested.emit)
        self.grid = MediaGrid()
        describe(self.grid, "Media thumbnails",
                 "The media of the index shown as thumbnails; drop files here to upload")
        self.grid.setModel(self.proxy)
        self.grid.setModelColumn(MediaColumn.TITLE)
        self.grid.setSelectionModel(self.table.selectionModel())  # one selection, two views
        self.grid.files_dropped.connect(self.upload_requested.emit)
        self.views = QStackedWidget()
        self.views.addWidget(self.table)
        self.views.addWidget(self.grid)
        self.act_grid = self._action("Grid", QKeySequence("Ctrl+G"), self._grid_toggled,
                                     "Show thumbnails in a grid (Ctrl+G)")
        self.act_grid.setCheckable(True)
        # short of room (the preview beside the list), the icons everyone knows go first
        self.toolbar.text_order([self.act_refresh, self.act_grid, self.act_register])
        # which rows are on screen, asked again shortly after the view scrolls or changes
        self._visible_timer = QTimer(self, singleShot=True, interval=40)
        self._visible_timer.timeout.connect(self._emit_visible)
        for view in (self.table, self.grid):
            view.verticalScrollBar().valueChanged.connect(self._visible_later)
        for sig in (self.proxy.rowsInserted, self.proxy.modelReset, self.proxy.layoutChanged,
                    self.proxy.rowsRemoved):
            sig.connect(self._visible_later)
        also = (model.loaded_changed, self.filter.textChanged, self.scope_changed)
        self.empty = EmptyState(self.table, self.empty_reason, also=also)
        self.grid_empty = EmptyState(self.grid, self.empty_reason, also=also)
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
        ul.addWidget(self.views)
        self.player = PlayerPanel()
        # from the list: Space plays or pauses the preview, Enter goes to the player (its
        # keys: J/K/L, arrows, N); Space is otherwise the list's own "select", already done
        for keys, what, slot in (
                ("Space", "Media list: play or pause the preview", self.player.toggle),
                ("Return", "Media list: go to the preview's player", self._to_player),
                ("Enter", "", self._to_player)):  # the keypad's: one line in the help is enough
            shortcut = QShortcut(QKeySequence(keys), self.views)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.setWhatsThis(what)
            shortcut.activated.connect(slot)
        self.top = QSplitter(Qt.Orientation.Horizontal)  # the list | the preview beside it
        self.top.addWidget(upper)
        self.top.addWidget(self.player)
        self.top.setStretchFactor(0, 3)
        self.top.setStretchFactor(1, 2)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.top)
        self.splitter.addWidget(self.details)
        # the list and the preview get the larger share (at 1024x640 an even split left the
        # list 2½ rows while the details below showed one empty line); the details keep
        # room for a few segments by their own minimum
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([420, 200])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.splitter)
        self._update()

    def _action(self, label: str, keys: Any, slot: Any, tip: str) -> QAction:
        return pane_action(self, self.toolbar, label, keys, slot, tip)

    # views and visible rows -----------------------------------------------------------
    def set_grid(self, on: bool) -> None:
        self.act_grid.setChecked(on)
        self.views.setCurrentWidget(self.grid if on else self.table)
        current = self.table.currentIndex()
        if current.isValid():
            self.view_shown().scrollTo(current)
        self._visible_later()

    def view_shown(self) -> MediaTable | MediaGrid:
        """The table or the grid, whichever the pane shows now."""
        return self.grid if self.views.currentWidget() is self.grid else self.table

    def _grid_toggled(self) -> None:
        on = self.act_grid.isChecked()
        self.set_grid(on)
        self.grid_toggled.emit(on)

    def resizeEvent(self, e: Any) -> None:
        super().resizeEvent(e)
        self._visible_later()

    def showEvent(self, e: Any) -> None:
        super().showEvent(e)
        self._visible_later()

    def _visible_later(self, *_: object) -> None:
        self._visible_timer.start()

    def visible_ids(self) -> list[str]:
        """Ids of the rows the current view shows now, top to bottom."""
        view = self.view_shown()
        port = view.viewport()
        if not port.isVisible() or self.proxy.rowCount() == 0:
            return []
        rows: list[int] = []
        if view is self.table:
            first = self.table.rowAt(0)
            last = self.table.rowAt(port.height() - 1)
            if first >= 0:
                last = self.proxy.rowCount() - 1 if last < 0 else last
                rows = list(range(first, last + 1))
        else:
            cell = self.grid.gridSize()
            seen: set[int] = set()
            for y in range(cell.height() // 2, port.height() + cell.height(), cell.height()):
                for x in range(cell.width() // 2, port.width(), cell.width()):
                    idx = self.grid.indexAt(QPoint(x, min(y, port.height() - 1)))
                    if idx.isValid() and idx.row() not in seen:
                        seen.add(idx.row())
                        rows.append(idx.row())
        return [self.proxy.index(r, 0).data(OBJECT_ROLE).video_id for r in rows]

    def _emit_visible(self) -> None:
        if ids := self.visible_ids():
            self.visible_changed.emit(ids)

    def _to_player(self) -> None:
        if self.selected_ids():
            self.player.setFocus(Qt.FocusReason.ShortcutFocusReason)

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
        """Announce a new scope; an index chosen while the playground is shown changes only
        the title's context, so the list is not emptied and loaded again (it blinked)."""
        self._update()
        scope = self.scope()
        if scope == self._announced:
            return
        self._announced = scope
        self.details.show_video(None, [])
        self.scope_changed.emit(scope)

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

    def empty_reason(self) -> str:
        """Why the media table is empty, and what to do about it."""
        if self.scope() is None:
            return "Select an index on the left (or tick Playground) to see its media."
        if not self.model.loaded:
            if self.model.problem:
                return f"{self.model.problem.rstrip('.')}. Press F5 to try again."
            return "Loading media…"
        if self.model.rowCount():
            return (f"No loaded media match “{self.filter.text()}”. "
                    "Clear the filter to see them all.")
        if not self.act_upload.isEnabled():
            return f"“{self.scope_name()}” has no media, and it is read-only."
        return (f"No media in “{self.scope_name()}” yet. Drop files here, or press "
                "Upload… (Ctrl+U).")

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
        flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect  # never extends: a held
                 | QItemSelectionModel.SelectionFlag.Rows)  # Shift would make it two rows
        self.table.selectionModel().setCurrentIndex(shown, flags)
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

"""Left navigation: the account's indexes, with create, delete and a default-index toggle."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from vvdesk.models.indexes import IndexListModel
from vvdesk.models.keyed import KEY_ROLE, OBJECT_ROLE
from vvdesk.ui.dialogs import ask
from vvdesk.ui.keyboard import describe
from vvdesk.ui.widgets.actions import pane_action
from vvdesk.ui.widgets.drops import FileDropTarget, accept_files
from vvdesk.ui.widgets.elided import CellTips

EMPTY = "No indexes yet. Create one with New… (Ctrl+N)."


class IndexTable(FileDropTarget, QTableView):
    """The index list; files dropped on a row go to that index (paths out by signal)."""

    files_dropped = Signal(list, object)  # paths, Index under the cursor or None

    def __init__(self) -> None:
        super().__init__()
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)

    def dropEvent(self, e: QDropEvent) -> None:
        paths = accept_files(e)
        if not paths:
            return
        target = self.indexAt(e.position().toPoint()).data(OBJECT_ROLE)
        if target is not None and getattr(target, "is_default", False):
            target = None  # shared demo indexes are read-only: ask instead
        self.files_dropped.emit(paths, target)


class IndexesPane(QWidget):
    current_changed = Signal(object)  # Index or None
    refresh_requested = Signal()
    create_requested = Signal(str)
    delete_requested = Signal(str)
    include_defaults_changed = Signal(bool)
    files_dropped = Signal(list, object)  # paths, Index or None (= ask which)

    def __init__(self, model: IndexListModel, include_defaults: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        # filters only: the model keeps its rows in order (a sorting proxy would ask each
        # of 100k rows for its sort value through Python, seconds per change)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

        self.title = QLabel("<b>Indexes</b>")
        self.toolbar = QToolBar()
        self.act_new = self._action("New…", QKeySequence.StandardKey.New, self._ask_create,
                                    "Create an index (Ctrl+N)")
        self.act_delete = self._action("Delete", QKeySequence.StandardKey.Delete,
                                       self._ask_delete, "Delete the selected index")
        self.act_refresh = self._action("Refresh", QKeySequence.StandardKey.Refresh,
                                        self.refresh_requested.emit, "Reload the list (F5)")
        self.filter = QLineEdit(placeholderText="Filter indexes")
        describe(self.filter, None, "Show only indexes whose name holds this text")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = IndexTable()
        describe(self.view, "Indexes",
                 "Your indexes: arrow keys move, Tab leaves the list; drop files to upload")
        self.view.files_dropped.connect(self.files_dropped.emit)
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.view.horizontalHeader().hide()
        self.view.verticalHeader().hide()
        self.view.setShowGrid(False)
        CellTips(self.view)  # long names are elided: the full name on hover
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.include_defaults = QCheckBox("Include shared demo indexes")
        describe(self.include_defaults, None, "Also list the shared (read-only) demo indexes")
        self.include_defaults.setChecked(include_defaults)
        self.include_defaults.toggled.connect(self.include_defaults_changed.emit)
        self._status = "Connecting…"
        self.placeholder = QLabel(self._status)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        for w in (self.title, self.toolbar, self.filter, self.view, self.placeholder,
                  self.include_defaults):
            # the list (or, while there is none, the placeholder) takes the spare height
            lay.addWidget(w, 1 if w in (self.view, self.placeholder) else 0)
        self.view.hide()
        model.rowsInserted.connect(self._update_empty)
        model.rowsRemoved.connect(self._update_empty)
        model.modelReset.connect(self._update_empty)
        self._update_actions()

    def _action(self, label: str, keys: Any, slot: Any, tip: str) -> QAction:
        return pane_action(self, self.toolbar, label, keys, slot, tip)

    def set_status(self, text: str) -> None:
        """What to show when there is no list to show (connecting, offline, refused);
        "" once loaded: an empty list then says how to create an index."""
        self._status = text
        self._update_empty()

    def _update_empty(self) -> None:
        has_rows = self.model.rowCount() > 0
        self.view.setVisible(has_rows)
        self.placeholder.setVisible(not has_rows)
        if not has_rows:
            self.placeholder.setText(self._status or EMPTY)
        self._update_actions()

    def current_index(self) -> Any | None:
        idx = self.view.currentIndex()
        return idx.data(OBJECT_ROLE) if idx.isValid() else None

    def select(self, index_id: str) -> None:
        row = self.model.row_of(index_id)
        if row >= 0:
            self.view.setCurrentIndex(self.proxy.mapFromSource(self.model.index(row, 0)))

    def first_id(self) -> str:
        """The id of the first row as shown (sorted/filtered), or ''."""
        idx = self.proxy.index(0, 0)
        return str(idx.data(KEY_ROLE)) if idx.isValid() else ""

    def _current_changed(self, *_: object) -> None:
        self._update_actions()
        self.current_changed.emit(self.current_index())

    def _update_actions(self) -> None:
        ix = self.current_index()
        self.act_delete.setEnabled(ix is not None and not getattr(ix, "is_default", False))

    def _ask_create(self) -> None:
        name = ask.NameDialog.ask(self, "New index", "Name of the new index:")
        if name:
            self.create_requested.emit(name)

    def _ask_delete(self) -> None:
        ix = self.current_index()
        if ix is None or getattr(ix, "is_default", False):
            return
        if ask.confirm(self, "Delete index",
                       f"Delete the index “{ix.name}” and all its media, runs and "
                       "segments? This cannot be undone.", "Delete index"):
            self.delete_requested.emit(ix.index_id)

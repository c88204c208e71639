"""One recipe for every list in the app: rows keyed by id, merged in place.

A refresh or a poll updates rows with targeted dataChanged / insert / remove signals,
never a reset, so selection and scroll position survive. Columns are declared once
(title + how to show a row); unknown values are shown as they come, never a crash.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
OBJECT_ROLE = Qt.ItemDataRole.UserRole + 2
SORT_ROLE = Qt.ItemDataRole.UserRole + 3

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    title: str
    show: Callable[[Any], Any]
    sort: Callable[[Any], Any] | None = None
    tooltip: Callable[[Any], str | None] | None = None


def in_order(order: type[IntEnum], spec: dict[Any, Column]) -> list[Column]:
    """A model's columns in the order of its column enum (every member once), so code says
    `MediaColumn.STATUS`, never a column number."""
    if set(spec) != set(order):
        raise ValueError(f"columns {sorted(spec)} do not match {order.__name__}")
    return [spec[member] for member in sorted(order)]


def text(value: Any) -> str:
    """Display any value from the server: None → '', enums → their value."""
    if value is None:
        return ""
    return str(getattr(value, "value", value))


class KeyedTableModel(QAbstractTableModel):
    columns: list[Column] = []
    loaded_changed = Signal()  # see set_loaded

    def __init__(self, key: Callable[[Any], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.loaded = False
        self.problem = ""  # why the rows could not be loaded (see set_problem)
        self._key = key
        self._rows: list[Any] = []
        self._pos: dict[str, int] = {}

    # Qt interface ----------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.columns)):
            return self.columns[section].title
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        col = self.columns[index.column()] if 0 <= index.column() < len(self.columns) else None
        if col is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return text(col.show(row))
        if role == SORT_ROLE:
            value = col.sort(row) if col.sort else col.show(row)
            return value if isinstance(value, int | float) else text(value).lower()
        if role == Qt.ItemDataRole.ToolTipRole and col.tooltip:
            return col.tooltip(row)
        if role == KEY_ROLE:
            return self._key(row)
        if role == OBJECT_ROLE:
            return row
        return None

    # rows ------------------------------------------------------------------------
    def rows(self) -> list[Any]:
        return list(self._rows)

    def row_for(self, key: str) -> Any | None:
        i = self._pos.get(key)
        return None if i is None else self._rows[i]

    def row_of(self, key: str) -> int:
        return self._pos.get(key, -1)

    def _reindex(self) -> None:
        self._pos = {self._key(r): i for i, r in enumerate(self._rows)}

    def upsert(self, row: Any) -> None:
        """Update the row with this key in place, or append it."""
        self.append([row])

    def append(self, rows: Iterable[Any]) -> None:
        """Add rows not yet present (a next page) in one insert; update existing keys."""
        fresh: dict[str, Any] = {}
        first, last = len(self._rows), -1  # the span of rows updated in place
        for row in rows:
            key = self._key(row)
            i = self._pos.get(key)
            if i is None:
                fresh[key] = row
            else:
                self._rows[i] = row
                first, last = min(first, i), max(last, i)
        if last >= 0:  # one signal for the span (the view repaints it), not one per row
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(self.columns) - 1))
        if fresh:
            n = len(self._rows)
            self.beginInsertRows(QModelIndex(), n, n + len(fresh) - 1)
            self._rows.extend(fresh.values())
            self._pos.update((key, n + j) for j, key in enumerate(fresh))
            self.endInsertRows()

    def remove(self, key: str) -> None:
        self.remove_many([key])

    def remove_many(self, keys: Iterable[str]) -> None:
        """Remove these rows: one signal per contiguous run, one reindex (not one per row)."""
        doomed = sorted({i for k in keys if (i := self._pos.get(k)) is not None})
        if not doomed:
            return
        runs: list[tuple[int, int]] = []
        for i in doomed:
            if runs and runs[-1][1] == i - 1:
                runs[-1] = (runs[-1][0], i)
            else:
                runs.append((i, i))
        for first, last in reversed(runs):  # from the end: earlier positions stay valid
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._rows[first:last + 1]
            self.endRemoveRows()
        self._reindex()

    def merge(self, rows: Iterable[Any]) -> None:
        """Make the model hold exactly `rows`: remove the missing, update and add the rest."""
        incoming = list(rows)
        keep = {self._key(r) for r in incoming}
        self.remove_many([k for k in self._pos if k not in keep])
        self.append(incoming)

    def clear(self) -> None:
        if self._rows:
            self.beginResetModel()
            self._rows, self._pos = [], {}
            self.endResetModel()
        self.set_loaded(False)

    def set_loaded(self, loaded: bool = True) -> None:
        """Whether the rows are the server's answer (an empty table then means "none"),
        or not yet (it means "loading"); views say which (ui/widgets/empty_state.py)."""
        changed = loaded != self.loaded or bool(self.problem)
        self.loaded, self.problem = loaded, ""
        if changed:
            self.loaded_changed.emit()

    def set_problem(self, text: str) -> None:
        """The rows could not be loaded: an empty view says this instead of "Loading…"
        (a later answer, or clear(), takes it back)."""
        self.problem = text
        self.loaded_changed.emit()


class CursorPagedModel(KeyedTableModel):
    """Rows from cursor pages (`{data, pagination}`): the view's fetchMore asks once per
    page through `more_wanted(cursor)`; the owner answers with `set_page`."""

    more_wanted = Signal(str)  # the cursor of the next page

    def __init__(self, key: Callable[[Any], str], parent: QObject | None = None) -> None:
        super().__init__(key, parent)
        self.next_cursor: str | None = None
        self._asked: str | None = None

    def set_page(self, rows: list[Any], next_cursor: str | None, *, first: bool) -> None:
        """A first page replaces the rows in place (selection survives a refresh)."""
        if first:
            self.merge(rows)
        else:
            self.append(rows)
        self.next_cursor, self._asked = next_cursor, None
        self.set_loaded()

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and bool(self.next_cursor) and self._asked is None

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent) and self.next_cursor:
            self._asked = self.next_cursor
            self.more_wanted.emit(self.next_cursor)

    def clear(self) -> None:
        super().clear()
        self.next_cursor, self._asked = None, None

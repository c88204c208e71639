"""One recipe for every list in the app: rows keyed by id, merged in place.

A refresh or a poll updates rows with targeted dataChanged / insert / remove signals,
never a reset, so selection and scroll position survive. Columns are declared once
(title + how to show a row); unknown values are shown as they come, never a crash.
"""

from __future__ import annotations

import bisect
import contextlib
from collections.abc import Callable, Iterable, Iterator
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
    """Rows keyed by id. With `order` (a sort key) the rows are kept in that order: new
    rows go to their place, and long lists can be merged a slice at a time
    (models/gradual.py), so a view needs no sorting proxy (which asks every row's sort
    value through Python: seconds for 100k rows)."""

    columns: list[Column] = []
    loaded_changed = Signal()  # see set_loaded
    merge_done = Signal()  # a gradual merge ended (rows arrived in slices until then)

    def __init__(self, key: Callable[[Any], str], parent: QObject | None = None, *,
                 order: Callable[[Any], Any] | None = None) -> None:
        super().__init__(parent)
        self.loaded = False
        self.problem = ""  # why the rows could not be loaded (see set_problem)
        self._key = key
        self.order = order
        self.descending = False  # with `order`: largest first
        self.version = 0  # counts changes (a merge planned meanwhile plans again)
        self._rows: list[Any] = []
        self._pos: dict[str, int] = {}
        self._merging = False  # a gradual merge is under way: `_pos` may be stale
        self._deferred: list[Callable[[], None]] = []  # changes asked for meanwhile

    @property
    def key(self) -> Callable[[Any], str]:
        return self._key

    @property
    def is_merging(self) -> bool:
        """A gradual merge is under way: listeners that look at every row wait for
        `merge_done` instead of doing it once per slice."""
        return self._merging

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

    def row_at(self, i: int) -> Any | None:
        return self._rows[i] if 0 <= i < len(self._rows) else None

    def rows_between(self, first: int = 0, last: int | None = None) -> list[Any]:
        """Rows first..last (both included; to the end without `last`)."""
        return self._rows[first:None if last is None else last + 1]

    def row_for(self, key: str) -> Any | None:
        i = self.row_of(key)
        return None if i < 0 else self._rows[i]

    def row_of(self, key: str) -> int:
        if self._merging:  # positions move slice by slice: look (rarely asked meanwhile)
            return next((i for i, r in enumerate(self._rows) if self._key(r) == key), -1)
        return self._pos.get(key, -1)

    def _reindex(self) -> None:
        self._pos = {self._key(r): i for i, r in enumerate(self._rows)}

    def upsert(self, row: Any) -> None:
        """Update the row with this key in place, or append it."""
        self.append([row])

    def append(self, rows: Iterable[Any]) -> None:
        """Add rows not yet present (a next page) in one insert; update existing keys."""
        if self._merging:
            kept = list(rows)
            self._deferred.append(lambda: self.append(kept))
            return
        self.append_now(rows)

    def append_now(self, rows: Iterable[Any]) -> None:
        """`append`, even during a gradual merge (whose own steps these are)."""
        self.version += 1
        if self.order is not None:
            self._add_in_order(list(rows))
            return
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
        if self._merging:
            kept = list(keys)
            self._deferred.append(lambda: self.remove_many(kept))
            return
        runs = self.runs_of(keys)
        if not runs:
            return
        self.version += 1
        for first, last in runs:
            self.remove_span(first, last)
        self._reindex()

    def runs_of(self, keys: Iterable[str]) -> list[tuple[int, int]]:
        """The rows of these keys as (first, last) runs, the last run first (removing in
        that order keeps the positions of the runs still to remove)."""
        doomed = sorted({i for k in keys if (i := self._pos.get(k)) is not None})
        runs: list[tuple[int, int]] = []
        for i in doomed:
            if runs and runs[-1][1] == i - 1:
                runs[-1] = (runs[-1][0], i)
            else:
                runs.append((i, i))
        return runs[::-1]

    # the steps of an ordered insert and of a gradual merge (models/gradual.py) ------------
    def _add_in_order(self, rows: list[Any]) -> None:
        order = self.order
        assert order is not None
        fresh = []
        for row in rows:
            i = self._pos.get(self._key(row))
            if i is not None and order(self._rows[i]) == order(row):
                self.replace_at(i, row)
            else:
                if i is not None:  # moved (renamed): out of its old place
                    self.remove_span(i, i)
                    self._reindex()
                fresh.append(row)
        for row in fresh:
            self.insert_span(self._place(order(row)), [row])
        if fresh:
            self._reindex()

    def _place(self, value: Any) -> int:
        """Where a row whose order value is `value` goes (after its equals)."""
        order = self.order
        assert order is not None
        if not self.descending:
            return bisect.bisect_right(self._rows, value, key=order)
        lo, hi = 0, len(self._rows)
        while lo < hi:
            mid = (lo + hi) // 2
            if order(self._rows[mid]) < value:
                hi = mid
            else:
                lo = mid + 1
        return lo

    def sort_key(self, column: int) -> Callable[[Any], Any]:
        """A row's value in `column` as SORT_ROLE gives it, for sorting in Python."""
        col = self.columns[column]

        def value(row: Any) -> Any:
            v = col.sort(row) if col.sort else col.show(row)
            return (0, v, "") if isinstance(v, int | float) else (1, 0, text(v).lower())

        return value

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows themselves (in Python, one key per row), and keep new rows in
        that order: a sorting proxy asks two rows' values through Python for each of its
        N log N comparisons, and again on every filter change (100 ms for 500 rows)."""
        if not 0 <= column < len(self.columns):
            return
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        keys = [self._key(self._rows[i.row()]) for i in old]
        self.order = self.sort_key(column)
        self.descending = order == Qt.SortOrder.DescendingOrder
        self._rows.sort(key=self.order, reverse=self.descending)
        self._reindex()
        self.changePersistentIndexList(old, [self.index(self._pos[k], i.column())
                                             for k, i in zip(keys, old, strict=True)])
        self.layoutChanged.emit()

    def remove_span(self, first: int, last: int) -> None:
        self.beginRemoveRows(QModelIndex(), first, last)
        del self._rows[first:last + 1]
        self.endRemoveRows()

    def insert_span(self, at: int, rows: list[Any]) -> None:
        self.beginInsertRows(QModelIndex(), at, at + len(rows) - 1)
        self._rows[at:at] = rows
        if at + len(rows) == len(self._rows):  # at the end: the positions hold
            self._pos.update((self._key(r), at + j) for j, r in enumerate(rows))
        self.endInsertRows()

    def replace_at(self, i: int, row: Any) -> None:
        self._rows[i] = row
        self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.columns) - 1))

    def settle(self, positions: dict[str, int]) -> None:
        """After a merge's inserts and removals: the positions every key now has."""
        self._pos = positions

    @contextlib.contextmanager
    def merging(self) -> Iterator[None]:
        """A gradual merge: other changes wait until it is done, then apply in order."""
        self._merging = True
        self.version += 1
        try:
            yield
        except BaseException:  # cancelled halfway: the positions are whatever they are
            self._reindex()
            raise
        finally:
            self._merging = False
            deferred, self._deferred = self._deferred, []
            for change in deferred:
                change()
            self.merge_done.emit()

    def merge(self, rows: Iterable[Any]) -> None:
        """Make the model hold exactly `rows`: remove the missing, update and add the rest."""
        incoming = list(rows)
        keep = {self._key(r) for r in incoming}
        self.remove_many([k for k in self._pos if k not in keep])
        self.append(incoming)

    def clear(self) -> None:
        if self._merging:
            self._deferred.append(self.clear)
            return
        self.version += 1
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

"""The index list in the navigation: name, whether it is a shared demo index, deletion state.

Rows are `api.rows.IndexRow`s (an index created here is one too) kept in the list's order
(`index_order`), so the pane needs no sorting proxy, and 100k of them merge a slice at a
time (models/gradual.py)."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt

from vvdesk.models.keyed import AnyIndex, Column, KeyedTableModel, in_order

if TYPE_CHECKING:
    from vvdesk.api.rows import IndexRow


def _name(ix: IndexRow) -> str:
    return ix.name + ("  (shared demo)" if ix.is_default else "")


def index_order(ix: Any) -> tuple[str, str]:
    """How the list is ordered: by name, case aside (then id, for equal names)."""
    return ix.name.lower(), ix.index_id


class IndexColumn(IntEnum):
    NAME = 0


class IndexListModel(KeyedTableModel):
    columns = in_order(IndexColumn, {
        IndexColumn.NAME: Column(
            "Index", _name, sort=lambda ix: ix.name.lower(),
            tooltip=lambda ix: f"{ix.name}\nid: {ix.index_id}\ncreated: {ix.created_at}"),
    })

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(key=lambda ix: ix.index_id, parent=parent, order=index_order)
        self._deleting: dict[str, str] = {}

    def set_deletion(self, index_id: str, status: str) -> None:
        """Show a deletion in progress (draining/deleting) next to the name."""
        self._deleting[index_id] = status
        i = self.row_of(index_id)
        if i >= 0:
            self.dataChanged.emit(self.index(i, IndexColumn.NAME),
                                  self.index(i, IndexColumn.NAME))

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        value = super().data(index, role)
        if role == Qt.ItemDataRole.DisplayRole and index.isValid():
            key = super().data(index, Qt.ItemDataRole.UserRole + 1)
            if key in self._deleting:
                return f"{value} — {self._deleting[key]}…"
        return value

    def remove(self, key: str) -> None:
        self._deleting.pop(key, None)
        super().remove(key)

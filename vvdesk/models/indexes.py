"""The index list in the navigation: name, whether it is a shared demo index, deletion state."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt

from vvdesk.models.keyed import AnyIndex, Column, KeyedTableModel, in_order

if TYPE_CHECKING:
    from videovector import Index


def _name(ix: Index) -> str:
    return ix.name + ("  (shared demo)" if ix.is_default else "")


class IndexColumn(IntEnum):
    NAME = 0


class IndexListModel(KeyedTableModel):
    columns = in_order(IndexColumn, {
        IndexColumn.NAME: Column(
            "Index", _name, sort=lambda ix: ix.name.lower(),
            tooltip=lambda ix: f"{ix.name}\nid: {ix.index_id}\ncreated: {ix.created_at}"),
    })

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(key=lambda ix: ix.index_id, parent=parent)
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

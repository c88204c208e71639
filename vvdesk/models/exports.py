"""The export list: every export the account returns, merged with the ones this app tracks."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt

from vvdesk.format import human_size, when
from vvdesk.models.keyed import OBJECT_ROLE, AnyIndex, Column, KeyedTableModel, in_order
from vvdesk.vocab import words

if TYPE_CHECKING:
    from videovector import Export


def destination(e: Export, connector_name: str = "") -> str:
    if getattr(e, "destination_type", None) == "connector":
        where = e.destination_uri or "/".join(
            p for p in (e.destination_base_path, e.destination_subpath) if p)
        who = f"“{connector_name}”" if connector_name else "a connector"
        return f"To {who}: {where}" if where else f"To {who}"
    return "Download"


class ExportColumn(IntEnum):
    TYPE = 0
    TARGET = 1
    STATUS = 2
    DESTINATION = 3
    SIZE = 4
    CREATED = 5
    COMPLETED = 6
    ERROR = 7


class ExportListModel(KeyedTableModel):
    columns = in_order(ExportColumn, {
        ExportColumn.TYPE: Column("Type", lambda e: "Index" if e.export_type == "index"
                                  else "Run"),
        ExportColumn.TARGET: Column("Target", lambda e: e.target_id,
                                    tooltip=lambda e: f"id: {e.target_id}"),
        ExportColumn.STATUS: Column("Status", lambda e: words(e.status),
                                    tooltip=lambda e: f"export id: {e.export_id}"),
        ExportColumn.DESTINATION: Column("Destination", destination, tooltip=destination),
        ExportColumn.SIZE: Column("Size", lambda e: human_size(e.file_size_bytes),
                                  sort=lambda e: e.file_size_bytes or 0),
        ExportColumn.CREATED: Column("Created", lambda e: when(e.created_at),
                                     sort=lambda e: e.created_at or ""),
        ExportColumn.COMPLETED: Column("Completed", lambda e: when(e.completed_at)),
        ExportColumn.ERROR: Column("Error", lambda e: e.error_message or "",
                                   tooltip=lambda e: e.error_message),
    })
    STATUS = ExportColumn.STATUS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(key=lambda e: e.export_id, parent=parent)
        self._notes: dict[str, str] = {}
        self.tracked: set[str] = set()
        self._names: dict[str, str] = {}  # target id (index, run, connector) → its name

    def set_names(self, names: dict[str, str]) -> None:
        """Names for ids this model shows (targets, connectors); ids stay in tooltips.
        Only the rows that show a changed name are repainted (100k index names arrive
        a slice at a time: a repaint of every row per slice re-sorted the view each time)."""
        fresh = {k: v for k, v in names.items() if self._names.get(k) != v}
        if not fresh:
            return
        self._names.update(fresh)
        touched = [i for i, e in enumerate(self._rows) if e.target_id in fresh
                   or (e.destination_connector_id or "") in fresh]
        if touched:  # the two columns that show names, never the sort column
            self.dataChanged.emit(self.index(min(touched), ExportColumn.TARGET),
                                  self.index(max(touched), ExportColumn.DESTINATION))

    def name_of(self, target_id: str) -> str:
        return self._names.get(target_id, "")

    def target_name(self, e: Export) -> str:
        """What an export is of, in words: "Demo archive", or "Run of “Scenes”"."""
        name = self._names.get(e.target_id)
        if name:
            return name
        return "an index" if e.export_type == "index" else "a run"

    def set_note(self, export_id: str, note: str) -> None:
        """Local state next to the status (tracked, downloading 40 %, saved)."""
        self._notes[export_id] = note
        i = self.row_of(export_id)
        if i >= 0:
            self.dataChanged.emit(self.index(i, self.STATUS), self.index(i, self.STATUS))

    def note(self, export_id: str) -> str:
        return self._notes.get(export_id, "")

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        value = super().data(index, role)
        if role == Qt.ItemDataRole.DisplayRole and index.isValid() and index.column() in (
                ExportColumn.TARGET, ExportColumn.DESTINATION):
            export = super().data(index, OBJECT_ROLE)
            if export is not None and index.column() == ExportColumn.TARGET:
                return self.target_name(export)
            if export is not None:
                return destination(export, self._names.get(
                    export.destination_connector_id or "", ""))
        if (role == Qt.ItemDataRole.DisplayRole and index.isValid()
                and index.column() == self.STATUS):
            key = super().data(index, Qt.ItemDataRole.UserRole + 1)
            note = self._notes.get(key) or ("tracked" if key in self.tracked else "")
            if note:
                return f"{value} — {note}"
        return value


class ExportScopeProxy(QSortFilterProxyModel):
    """Exports of one index (and of its runs), or all of them. It only filters: a sort
    (a click on a column title) is the source model's (`KeyedTableModel.sort`)."""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        model = self.sourceModel()
        if model is not None:
            model.sort(column, order)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._targets: set[str] | None = None

    def set_targets(self, targets: set[str] | None) -> None:
        if targets == self._targets:  # filtering again re-sorts every row: not for nothing
            return
        self.beginFilterChange()
        self._targets = targets
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: AnyIndex) -> bool:
        if self._targets is None:
            return True
        model = self.sourceModel()
        export = model.row_at(row) if isinstance(model, KeyedTableModel) else None
        return export is not None and export.target_id in self._targets

"""Media of one index (or the playground), loaded page by page as the view scrolls."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt

from vvdesk.models.keyed import KEY_ROLE, Column, CursorPagedModel, in_order, text
from vvdesk.vocab import media_in_progress

if TYPE_CHECKING:
    from videovector import Video, VideoStatus


def _created(v: Video) -> str:
    raw = text(getattr(v, "created_at", ""))
    return raw[:19].replace("T", " ")


class MediaColumn(IntEnum):
    TITLE = 0
    TYPE = 1
    STATUS = 2
    CREATED = 3


class MediaModel(CursorPagedModel):
    columns = in_order(MediaColumn, {
        MediaColumn.TITLE: Column("Title", lambda v: v.title,
                                  tooltip=lambda v: f"{v.title}\nid: {v.video_id}"),
        MediaColumn.TYPE: Column("Type", lambda v: getattr(v, "media_type", None) or "video"),
        MediaColumn.STATUS: Column("Status", lambda v: v.status),
        MediaColumn.CREATED: Column("Created", _created, sort=lambda v: text(v.created_at)),
    })

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(key=lambda v: v.video_id, parent=parent)
        self._deleting: dict[str, str] = {}

    def apply_statuses(self, statuses: list[VideoStatus]) -> None:
        """Update status fields from POST /videos/batch/status, in place."""
        for st in statuses:
            row = self.row_for(st.video_id)
            if row is not None and row.status != st.status:
                self.upsert(row.model_copy(update={"status": st.status}))

    def in_progress_ids(self) -> list[str]:
        return [v.video_id for v in self.rows() if media_in_progress(v.status)]

    def set_deletion(self, video_id: str, status: str) -> None:
        self._deleting[video_id] = status
        i = self.row_of(video_id)
        if i >= 0:
            self.dataChanged.emit(self.index(i, MediaColumn.STATUS),
                                  self.index(i, MediaColumn.STATUS))

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        value = super().data(index, role)
        if (role == Qt.ItemDataRole.DisplayRole and index.isValid()
                and index.column() == MediaColumn.STATUS):
            key = super().data(index, KEY_ROLE)
            if key in self._deleting:
                return f"{self._deleting[key]}…"
        return value

    def remove(self, key: str) -> None:
        self._deleting.pop(key, None)
        super().remove(key)

    def clear(self) -> None:
        super().clear()
        self._deleting.clear()

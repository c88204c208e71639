"""Media of one index (or the playground), loaded page by page as the view scrolls."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, replace
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QIcon, QImage, QPixmap

from vvdesk.format import human_size
from vvdesk.models.keyed import KEY_ROLE, SORT_ROLE, Column, CursorPagedModel, in_order, text
from vvdesk.vocab import media_in_progress, words

if TYPE_CHECKING:
    from videovector import Video, VideoStatus


def _created(v: Video) -> str:
    raw = text(getattr(v, "created_at", ""))
    return raw[:19].replace("T", " ")


def clock(seconds: float) -> str:
    """1:05, 1:02:03 — how a media length is shown."""
    s = round(seconds)
    h, m = divmod(s // 60, 60)
    return f"{h}:{m:02d}:{s % 60:02d}" if h else f"{m}:{s % 60:02d}"


@dataclass(frozen=True)
class MediaFacts:
    """What the list knows about a media file beyond the API's `Video` (which has no length,
    size or dimensions): read from the media (services/media_facts.py), its segments, or
    the player."""

    duration: float | None = None  # seconds
    size: int | None = None  # bytes
    width: int | None = None
    height: int | None = None


def _spans(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as (first, last) runs of consecutive rows."""
    spans: list[tuple[int, int]] = []
    for r in rows:
        if spans and spans[-1][1] == r - 1:
            spans[-1] = (spans[-1][0], r)
        else:
            spans.append((r, r))
    return spans


class MediaColumn(IntEnum):
    TITLE = 0
    TYPE = 1
    STATUS = 2
    DURATION = 3
    SIZE = 4
    DIMENSIONS = 5
    CREATED = 6


FACT_COLUMNS = (MediaColumn.DURATION, MediaColumn.SIZE, MediaColumn.DIMENSIONS)
PICTURE_W, PICTURE_H = 160, 120  # the grid's picture box (services/thumbnails.PICTURE_SIZE)
PICTURES_IN_MEMORY = 600  # pixmaps kept (LRU); the rest come back from the disk cache
PIXMAP_ROLE = Qt.ItemDataRole.UserRole + 10  # the title cell's picture as a QPixmap (or None)


class MediaModel(CursorPagedModel):
    columns = in_order(MediaColumn, {
        MediaColumn.TITLE: Column("Title", lambda v: v.title,
                                  tooltip=lambda v: f"{v.title}\nid: {v.video_id}"),
        MediaColumn.TYPE: Column("Type", lambda v: words(getattr(v, "media_type", None)
                                                         or "video")),
        MediaColumn.STATUS: Column("Status", lambda v: words(v.status),
                                   tooltip=lambda v: f"status: {text(v.status)}"),
        MediaColumn.DURATION: Column("Duration", lambda v: ""),  # from MediaFacts (data())
        MediaColumn.SIZE: Column("Size", lambda v: ""),
        MediaColumn.DIMENSIONS: Column("Dimensions", lambda v: ""),
        MediaColumn.CREATED: Column("Created", _created, sort=lambda v: text(v.created_at)),
    })

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(key=lambda v: v.video_id, parent=parent)
        self._deleting: dict[str, str] = {}
        self._facts: dict[str, MediaFacts] = {}
        self._pictures: OrderedDict[str, QIcon] = OrderedDict()  # icons: the list scales them
        self._pixmaps: dict[str, QPixmap] = {}  # the same pictures unscaled, for the grid
        self._blank_icon: QIcon | None = None

    # pictures and facts ------------------------------------------------------------
    def set_pictures(self, images: dict[str, QImage]) -> None:
        """Thumbnails (decoded off the GUI thread) become pixmaps here, on it."""
        rows = []
        for video_id, image in images.items():
            pixmap = QPixmap.fromImage(image)
            self._pictures[video_id] = QIcon(pixmap)
            self._pixmaps[video_id] = pixmap
            self._pictures.move_to_end(video_id)
            rows.append(self.row_of(video_id))
        while len(self._pictures) > PICTURES_IN_MEMORY:
            self._pixmaps.pop(self._pictures.popitem(last=False)[0], None)
        for first, last in _spans(sorted(r for r in rows if r >= 0)):  # one signal per span
            self.dataChanged.emit(self.index(first, MediaColumn.TITLE),
                                  self.index(last, MediaColumn.TITLE),
                                  [Qt.ItemDataRole.DecorationRole])

    def _blank(self) -> QIcon:
        """Room for a picture not loaded yet, so rows and grid cells keep their size."""
        if self._blank_icon is None:
            blank = QPixmap(PICTURE_W, PICTURE_H)
            blank.fill(Qt.GlobalColor.transparent)
            self._blank_icon = QIcon(blank)
        return self._blank_icon

    def has_picture(self, video_id: str) -> bool:
        return video_id in self._pictures

    def picture(self, video_id: str) -> QIcon | None:
        return self._pictures.get(video_id)

    def set_facts(self, video_id: str, **known: Any) -> None:
        """Merge what became known (None values are ignored) and repaint those cells."""
        old = self._facts.get(video_id, MediaFacts())
        new = replace(old, **{k: v for k, v in known.items() if v is not None})
        if new != old:
            self._facts[video_id] = new
            for col in FACT_COLUMNS:
                self._changed(video_id, col)

    def facts_complete(self, video_id: str) -> bool:
        """Length and size known (and dimensions, unless it is audio)."""
        f = self._facts.get(video_id)
        if f is None or f.size is None:
            return False
        row = self.row_for(video_id)
        audio = row is not None and getattr(row, "media_type", "") == "audio"
        image = row is not None and getattr(row, "media_type", "") == "image"
        return (image or f.duration is not None) and (audio or f.width is not None)

    def facts(self, video_id: str) -> MediaFacts:
        return self._facts.get(video_id, MediaFacts())

    def _changed(self, video_id: str, column: int) -> None:
        i = self.row_of(video_id)
        if i >= 0:
            self.dataChanged.emit(self.index(i, column), self.index(i, column))

    def _fact(self, key: str, column: int, role: int) -> Any:
        f = self._facts.get(key)
        if f is None:
            return "" if role == Qt.ItemDataRole.DisplayRole else -1
        if column == MediaColumn.DURATION:
            row = self.row_for(key)
            still = row is not None and getattr(row, "media_type", "") == "image"
            length = None if still else f.duration  # a picture has no length, not "0:00"
            shown, order = (clock(length) if length is not None else ""), length
        elif column == MediaColumn.SIZE:
            shown, order = (human_size(f.size) if f.size is not None else ""), f.size
        else:
            has = f.width is not None and f.height is not None
            shown = f"{f.width}×{f.height}" if has else ""
            order = (f.width or 0) * (f.height or 0) if has else None
        if role == Qt.ItemDataRole.DisplayRole:
            return shown
        return -1 if order is None else order

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
        if index.isValid() and index.column() in FACT_COLUMNS and role in (
                Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return self._fact(super().data(index, KEY_ROLE), index.column(), role)
        if role == PIXMAP_ROLE and index.isValid():
            return self._pixmaps.get(super().data(index, KEY_ROLE))
        if (role == Qt.ItemDataRole.DecorationRole and index.isValid()
                and index.column() == MediaColumn.TITLE):
            found = self._pictures.get(super().data(index, KEY_ROLE))
            return found if found is not None else self._blank()
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
        self._facts.clear()

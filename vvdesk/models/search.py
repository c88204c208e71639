"""Search results as rows: picture, media title, time range, score, snippet.

Rows are `SearchResult`s keyed by `result_id`; a next page appends (a result already shown
is updated in place, never listed twice). The picture is a decoded QImage handed in with
the page (decoded off the UI thread by the service).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QImage

from vvdesk.models.keyed import SORT_ROLE, Column, KeyedTableModel, in_order

AnyIndex = QModelIndex | QPersistentModelIndex
WORDS_ROLE = Qt.ItemDataRole.UserRole + 10  # the words to mark in the snippet


def clock(seconds: float | None) -> str:
    if seconds is None:
        return ""
    s = max(0.0, float(seconds))
    h, rest = divmod(int(s), 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def moment(start: float | None, end: float | None) -> str:
    """A segment's place in its media, as people read it: a range, one time for a zero-length
    moment, nothing for a picture's one segment (0 to 0)."""
    if start is None or (not start and not end):
        return ""
    if end is None or end <= start:
        return clock(start)
    return f"{clock(start)}–{clock(end)}"


def time_range(r: Any) -> str:
    return moment(getattr(r, "start_time", None), getattr(r, "end_time", None))


def score(r: Any) -> float | None:
    for name in ("fused_score", "similarity_score", "matched_image_score"):
        value = getattr(r, name, None)
        if value is not None:
            return float(value)
    return None


def score_text(r: Any) -> str:
    value = score(r)
    return "" if value is None else f"{value:.2f}"


def title(r: Any) -> str:
    return str(r.video_name or "Untitled media")


def snippet(r: Any) -> str:
    text = r.content_preview or r.metadata_text or r.text_content or ""
    return " ".join(str(text).split())


class SearchColumn(IntEnum):
    PICTURE = 0
    MEDIA = 1
    TIME = 2
    SCORE = 3
    SNIPPET = 4


class SearchResultModel(KeyedTableModel):
    columns = in_order(SearchColumn, {
        SearchColumn.PICTURE: Column("", lambda r: ""),
        SearchColumn.MEDIA: Column("Media", title, tooltip=lambda r: f"{title(r)} ({r.video_id})"),
        SearchColumn.TIME: Column("Time", time_range,
                                  sort=lambda r: float(r.start_time or 0)),
        SearchColumn.SCORE: Column("Score", score_text, sort=lambda r: score(r) or 0.0),
        SearchColumn.SNIPPET: Column("Snippet", snippet, tooltip=snippet),
    })

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(lambda r: str(r.result_id), parent)
        self.words: list[str] = []
        self.ranked = True  # filter results are in indexing order: no score is shown
        self._thumbs: dict[str, QImage] = {}

    def show_page(self, rows: list[Any], thumbs: dict[str, QImage], *, first: bool,
                  words: list[str], ranked: bool = True) -> None:
        """A first page replaces the rows (in the server's order); a next one appends."""
        if first:
            self.clear()
            self.words, self.ranked = words, ranked
        self._thumbs.update(thumbs)
        self.append(rows)

    def clear(self) -> None:
        super().clear()
        self._thumbs = {}

    def thumbnail(self, result_id: str) -> QImage | None:
        return self._thumbs.get(result_id)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and index.column() == SearchColumn.PICTURE:
            if role == Qt.ItemDataRole.DecorationRole:
                row = self._rows[index.row()] if index.row() < len(self._rows) else None
                return None if row is None else self._thumbs.get(row.result_id)
            if role == Qt.ItemDataRole.SizeHintRole:
                return QSize(96, 58)
        if role == WORDS_ROLE:
            return self.words
        if (not self.ranked and index.isValid() and index.column() == SearchColumn.SCORE
                and role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE)):
            return "" if role == Qt.ItemDataRole.DisplayRole else 0.0
        return super().data(index, role)


@dataclass(frozen=True)
class StripFrame:
    """One segment in a result's thumbnail strip."""

    segment_id: str
    start: float
    end: float
    label: str
    image: QImage | None  # decoded off the UI thread; None: the segment has no picture


@dataclass(frozen=True)
class Strip:
    """The segments of a result's media around its hit, in time order."""

    result_id: str
    title: str  # the media's title
    frames: tuple[StripFrame, ...]
    hit: int  # index of the result's own segment in `frames` (-1: not among them)

"""Every segment of the media drawn over its duration: processed, failed, pending and the
selected one, the moments a search matched (marks), the playhead on top. Hover names the
segment, a click asks to seek there."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from vvdesk.ui import theme


@dataclass(frozen=True)
class Span:
    """One segment as the timeline draws it."""

    key: str
    start: float
    end: float
    failed: bool
    processed: bool
    label: str


def span_of(segment: Any) -> Span:
    label = segment.metadata_text or segment.failure_message or segment.error_message or ""
    return Span(segment.segment_id, float(segment.start_time), float(segment.end_time),
                bool(segment.processing_failed), bool(segment.processed), str(label))


def clock(seconds: float) -> str:
    s = max(0.0, seconds)
    return f"{int(s // 60)}:{s % 60:04.1f}"


class SegmentTimeline(QWidget):
    seek_requested = Signal(float)  # seconds

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spans: list[Span] = []
        self.duration = 0.0
        self.position = 0.0
        self.selected = ""  # key of the selected segment
        self.marks: list[tuple[float, float]] = []  # (start, end) of every search match
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip("")

    def sizeHint(self) -> QSize:
        return QSize(400, 28)

    def set_spans(self, spans: list[Span]) -> None:
        self.spans = sorted(spans, key=lambda s: s.start)
        self.update()

    def set_duration(self, seconds: float) -> None:
        self.duration = max(0.0, seconds)
        self.update()

    def set_position(self, seconds: float) -> None:
        self.position = seconds
        self.update()

    def select(self, key: str) -> None:
        if key != self.selected:
            self.selected = key
            self.update()

    def set_marks(self, marks: list[tuple[float, float]]) -> None:
        self.marks = sorted(marks)
        self.update()

    def span_at_time(self, seconds: float) -> Span | None:
        for s in self.spans:
            if s.start <= seconds < s.end:
                return s
        return None

    def _length(self) -> float:
        ends = max((s.end for s in self.spans), default=0.0)
        return max(self.duration, ends) or 1.0

    def _x(self, seconds: float) -> float:
        return 1 + (self.width() - 2) * seconds / self._length()

    def _time_at(self, x: float) -> float:
        return max(0.0, min(self._length(), (x - 1) / max(1, self.width() - 2) * self._length()))

    # painting ----------------------------------------------------------------------
    def colors(self) -> dict[str, QColor]:
        pal = self.palette()
        return {"processed": theme.status_color(theme.Tone.SUCCESS, pal),
                "failed": theme.status_color(theme.Tone.ERROR, pal),
                "pending": pal.color(QPalette.ColorRole.Mid),
                "selected": pal.color(QPalette.ColorRole.Highlight),
                "track": pal.color(QPalette.ColorRole.Base),
                "edge": pal.color(QPalette.ColorRole.Window),
                "playhead": pal.color(QPalette.ColorRole.Text),
                "match": theme.match_mark_color(pal)}

    def paintEvent(self, _e: QPaintEvent) -> None:
        c = self.colors()
        p = QPainter(self)
        h = self.height()
        p.fillRect(self.rect(), c["track"])
        for s in self.spans:
            tone = "failed" if s.failed else "processed" if s.processed else "pending"
            rect = QRectF(self._x(s.start), 5, max(1.0, self._x(s.end) - self._x(s.start)), h - 10)
            p.fillRect(rect, c[tone])
            if s.key == self.selected:
                p.setPen(QPen(c["selected"], 3))
                p.drawRect(rect.adjusted(1, -3, -1, 3))
            p.setPen(QPen(c["edge"], 1))  # a gap between neighbours
            p.drawLine(QPointF(rect.left(), 5), QPointF(rect.left(), h - 5))
        for start, end in self.marks:  # a band above and below the segment, and a notch
            x0, x1 = self._x(start), max(self._x(start) + 3, self._x(end))
            p.fillRect(QRectF(x0, 0, x1 - x0, 4), c["match"])
            p.fillRect(QRectF(x0, h - 4, x1 - x0, 4), c["match"])
            p.fillRect(QRectF(x0, 0, 3, h), c["match"])
        x = self._x(self.position)
        p.setPen(QPen(c["playhead"], 2))
        p.drawLine(QPointF(x, 0), QPointF(x, h))
        p.end()

    # mouse -------------------------------------------------------------------------
    def mouseMoveEvent(self, e: QMouseEvent) -> None:
        t = self._time_at(e.position().x())
        s = self.span_at_time(t)
        text = clock(t) if s is None else (
            f"{clock(s.start)}–{clock(s.end)}  {'failed: ' if s.failed else ''}{s.label}")
        if any(a <= t < b for a, b in self.marks):
            text = "Search match · " + text
        QToolTip.showText(e.globalPosition().toPoint(), text[:300], self)

    def mousePressEvent(self, e: QMouseEvent) -> None:
        if e.button() == Qt.MouseButton.LeftButton:
            t = self._time_at(e.position().x())
            s = self.span_at_time(t)
            self.seek_requested.emit(s.start if s is not None else t)

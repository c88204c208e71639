"""A search result's thumbnail strip: the segments of its media around the match, the match
framed. Moving the pointer across the strip scrubs: the big picture on the left and the
caption show the moment under the pointer; leaving goes back to the match; a click asks to
open the media at that moment. Painted in one widget from images decoded elsewhere.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from vvdesk.models.search import Strip, StripFrame, moment
from vvdesk.ui import theme

PEEK = QSize(160, 90)
CELL = QSize(96, 54)
GAP = 6
PAD = 6


class ResultStrip(QWidget):
    open_requested = Signal(object)  # the StripFrame clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.strip: Strip | None = None
        self.scrub = -1  # index of the frame under the pointer (-1: show the match)
        self.note = ""  # what shows when there is no strip (loading, nothing selected)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip("Move the pointer across the pictures to see the moments around the "
                        "match; click one to open the media there")

    def sizeHint(self) -> QSize:
        return QSize(600, PEEK.height() + 2 * PAD)

    def minimumSizeHint(self) -> QSize:
        return QSize(PEEK.width() + CELL.width(), PEEK.height() + 2 * PAD)

    # what to show --------------------------------------------------------------------
    def show_strip(self, strip: Strip) -> None:
        self.strip, self.scrub, self.note = strip, -1, ""
        self.update()

    def show_note(self, text: str) -> None:
        self.strip, self.scrub, self.note = None, -1, text
        self.update()

    def shown(self) -> StripFrame | None:
        """The frame in the big picture: the one under the pointer, else the match."""
        if self.strip is None or not self.strip.frames:
            return None
        i = self.scrub if self.scrub >= 0 else max(0, self.strip.hit)
        return self.strip.frames[min(i, len(self.strip.frames) - 1)]

    # geometry ------------------------------------------------------------------------
    def peek_rect(self) -> QRectF:
        return QRectF(PAD, PAD, PEEK.width(), PEEK.height())

    def _first_shown(self) -> int:
        """Frames that do not fit are dropped evenly from both ends, the match kept centred."""
        if self.strip is None:
            return 0
        n, fits = len(self.strip.frames), self.fits()
        if n <= fits:
            return 0
        hit = max(0, self.strip.hit)
        return max(0, min(n - fits, hit - fits // 2))

    def fits(self) -> int:
        room = self.width() - PEEK.width() - 3 * PAD
        return max(1, (room + GAP) // (CELL.width() + GAP))

    def cell_rect(self, i: int) -> QRectF:
        """Where frame i is drawn (it may be off the visible range)."""
        x = PEEK.width() + 2 * PAD + (i - self._first_shown()) * (CELL.width() + GAP)
        return QRectF(x, PAD + 22, CELL.width(), CELL.height())

    def frame_at(self, x: float) -> int:
        """The frame under x in the strip (nearest visible cell), -1 left of it."""
        if self.strip is None or not self.strip.frames:
            return -1
        left = PEEK.width() + 2 * PAD
        if x < left:
            return -1
        first = self._first_shown()
        last = min(len(self.strip.frames), first + self.fits()) - 1
        return max(first, min(last, first + int((x - left) // (CELL.width() + GAP))))

    # painting ------------------------------------------------------------------------
    def paintEvent(self, _e: QPaintEvent) -> None:
        pal = self.palette()
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.fillRect(self.rect(), pal.color(QPalette.ColorRole.Window))
        text = pal.color(QPalette.ColorRole.WindowText)
        if self.strip is None or not self.strip.frames:
            p.setPen(text)
            p.drawText(self.rect().adjusted(PAD, 0, -PAD, 0), Qt.AlignmentFlag.AlignVCenter,
                       self.note)
            p.end()
            return
        shown = self.shown()
        self._picture(p, self.peek_rect(), shown)
        match, scrub = theme.match_mark_color(pal), pal.color(QPalette.ColorRole.Highlight)
        first = self._first_shown()
        for i in range(first, min(len(self.strip.frames), first + self.fits())):
            rect = self.cell_rect(i)
            self._picture(p, rect, self.strip.frames[i])
            if i == self.strip.hit:
                p.setPen(QPen(match, 3))
                p.drawRect(rect.adjusted(-1.5, -1.5, 1.5, 1.5))
            if i == self.scrub and i != self.strip.hit:
                p.setPen(QPen(scrub, 2))
                p.drawRect(rect.adjusted(-1, -1, 1, 1))
        if shown is not None:
            said = [self.strip.title, moment(shown.start, shown.end)]
            if self.strip.hit >= 0 and shown is self.strip.frames[self.strip.hit]:
                said.append("the match")
            caption = " · ".join(part for part in said if part) + f"  {shown.label}"
            left = PEEK.width() + 2 * PAD
            p.setPen(text)
            room = QRectF(left, PAD, self.width() - left - PAD, 18)
            p.drawText(room, Qt.AlignmentFlag.AlignVCenter, self.fontMetrics().elidedText(
                caption, Qt.TextElideMode.ElideRight, int(room.width())))
        p.end()

    def _picture(self, p: QPainter, rect: QRectF, frame: StripFrame | None) -> None:
        p.fillRect(rect, self.palette().color(QPalette.ColorRole.Shadow))
        if frame is None or frame.image is None:
            p.setPen(self.palette().color(QPalette.ColorRole.Mid))
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, "no picture")
            return
        size = frame.image.size().scaled(rect.size().toSize(), Qt.AspectRatioMode.KeepAspectRatio)
        x = rect.x() + (rect.width() - size.width()) / 2
        y = rect.y() + (rect.height() - size.height()) / 2
        p.drawImage(QRectF(QPointF(x, y), size.toSizeF()), frame.image)

    # the pointer ---------------------------------------------------------------------
    def mouseMoveEvent(self, e: QMouseEvent) -> None:
        i = self.frame_at(e.position().x())
        if i != self.scrub:
            self.scrub = i
            self.update()

    def leaveEvent(self, _e: object) -> None:
        if self.scrub != -1:
            self.scrub = -1
            self.update()

    def mousePressEvent(self, e: QMouseEvent) -> None:
        if e.button() == Qt.MouseButton.LeftButton and self.strip is not None:
            i = self.frame_at(e.position().x())
            if i >= 0:
                self.open_requested.emit(self.strip.frames[i])

    def colors(self) -> dict[str, QColor]:
        pal = self.palette()
        return {"match": theme.match_mark_color(pal),
                "scrub": pal.color(QPalette.ColorRole.Highlight)}

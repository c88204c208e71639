"""A table cell that shows a search snippet with the matched words marked (bold, tinted
with the theme's match colour), on one line, elided at the right.

The snippet is drawn as runs of plain and marked text with the painter (a rectangle of the
match colour behind each marked word). It was rich text in a QTextDocument, laid out (and
elided up to four times to fit the bold words) at about a millisecond per cell: a new page
of results cost 10-45 ms of the UI thread in its first paint. Measuring the runs costs a
few microseconds; the fitted runs are kept (LRU) per text, words, width and font, so a
repaint only draws them."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPalette,
    QStaticText,
    QTransform,
)
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from vvdesk.search_query import marked_spans
from vvdesk.ui import theme

AnyIndex = QModelIndex | QPersistentModelIndex
LAYOUTS_KEPT = 1000  # fitted snippets (a few screens of rows at a few widths; tiny each)


def snippet_runs(text: str, words: list[str]) -> list[tuple[str, bool]]:
    """The snippet as (text, marked) runs: each matched word marked, the rest as it is."""
    out: list[tuple[str, bool]] = []
    last = 0
    for start, end in marked_spans(text, words):
        if start > last:
            out.append((text[last:start], False))
        out.append((text[start:end], True))
        last = end
    if last < len(text):
        out.append((text[last:], False))
    return out


@dataclass(frozen=True)
class Run:
    text: QStaticText  # laid out once (plain text): a repaint only draws its glyphs
    marked: bool
    x: float  # from the start of the line
    width: float


@dataclass(frozen=True)
class Fonts:
    plain: QFont
    bold: QFont
    plain_metrics: QFontMetricsF
    bold_metrics: QFontMetricsF
    height: float
    ascent: float
    char_width: float  # the plain font's average character width

    @classmethod
    def of(cls, font: QFont) -> Fonts:
        bold = QFont(font)
        bold.setBold(True)
        plain_m, bold_m = QFontMetricsF(font), QFontMetricsF(bold)
        return cls(font, bold, plain_m, bold_m, max(plain_m.height(), bold_m.height()),
                   max(plain_m.ascent(), bold_m.ascent()), max(1.0, plain_m.averageCharWidth()))

    def font(self, marked: bool) -> QFont:
        return self.bold if marked else self.plain

    def advance(self, marked: bool, text: str) -> float:
        return (self.bold_metrics if marked else self.plain_metrics).horizontalAdvance(text)


def _run(fonts: Fonts, text: str, marked: bool, x: float, width: float) -> Run:
    static = QStaticText(text)
    static.setTextFormat(Qt.TextFormat.PlainText)  # never read as markup
    static.prepare(QTransform(), fonts.font(marked))
    return Run(static, marked, x, width)


def _fit(fonts: Fonts, text: str, words: list[str], room: float) -> tuple[list[Run], bool]:
    """The runs of `text` that fit ``room`` px, with an ellipsis where it is cut; and
    whether it was cut."""
    out: list[tuple[str, bool, float, float]] = []
    x = 0.0
    over: tuple[str, bool, float] | None = None
    for part, marked in snippet_runs(text, words):
        width = fonts.advance(marked, part)
        if x + width > room:
            over = (part, marked, x)
            break
        out.append((part, marked, x, width))
        x += width
    if over is None:
        return [_run(fonts, *r) for r in out], False
    ellipsis = fonts.advance(False, "…")
    room_left = room - ellipsis
    candidates = [(p, m, rx) for p, m, rx, _w in out] + [over]
    while candidates and candidates[-1][2] >= room_left:
        candidates.pop()
    kept = out[:max(0, len(candidates) - 1)]
    end = kept[-1][2] + kept[-1][3] if kept else 0.0
    if candidates:
        part, marked, rx = candidates[-1]
        low, high = 0, min(len(part), int((room_left - rx) / 1.5) + 1)
        while low < high:  # the longest start of the run that fits before the ellipsis
            mid = (low + high + 1) // 2
            if rx + fonts.advance(marked, part[:mid]) <= room_left:
                low = mid
            else:
                high = mid - 1
        if low:
            width = fonts.advance(marked, part[:low])
            kept.append((part[:low], marked, rx, width))
            end = rx + width
    runs = [_run(fonts, *r) for r in kept]
    runs.append(_run(fonts, "…", False, end, ellipsis))
    return runs, True


def fit_runs(fonts: Fonts, full: str, words: list[str], room: float) -> tuple[Run, ...]:
    """The snippet cut to fit ``room`` px (an ellipsis at the cut), its marked words bold.
    Only as much of the text as can show is looked at (half again the characters of
    average width that fit); text of narrow characters that all fit is looked at whole."""
    limit = int(room / fonts.char_width * 1.5) + 8
    if len(full) > limit:
        runs, cut = _fit(fonts, full[:limit], words, room)
        if cut:
            return tuple(runs)
    return tuple(_fit(fonts, full, words, room)[0])


class SnippetDelegate(QStyledItemDelegate):
    def __init__(self, words_role: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.words_role = words_role
        self._colors: dict[tuple[int, bool], tuple[QColor, QColor]] = {}  # per palette
        self._fonts: dict[str, Fonts] = {}
        self._layouts: OrderedDict[tuple[object, ...], tuple[Run, ...]] = OrderedDict()

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text, opt.text = opt.text, ""
        words = list(index.data(self.words_role) or [])
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, opt.widget)
        font: QFont = opt.font
        fonts = self._fonts.get(font.key())
        if fonts is None:
            fonts = self._fonts[font.key()] = Fonts.of(QFont(font))
        room = rect.width() - 4
        runs = self._runs(fonts, text, words, room)
        palette: QPalette = opt.palette
        colors = self._colors.get((palette.cacheKey(), selected))
        if colors is None:
            colors = self._colors[(palette.cacheKey(), selected)] = theme.match_colors(
                palette, selected)
        plain = palette.color(QPalette.ColorRole.HighlightedText if selected
                              else QPalette.ColorRole.Text)
        left = rect.left() + 2
        top = rect.top() + (rect.height() - fonts.height) / 2
        baseline = top + fonts.ascent
        painter.save()
        painter.setClipRect(QRectF(left, rect.top(), room, rect.height()))
        for run in runs:
            if run.marked:
                painter.fillRect(QRectF(left + run.x, top, run.width, fonts.height), colors[0])
            painter.setFont(fonts.font(run.marked))
            painter.setPen(colors[1] if run.marked else plain)
            ascent = (fonts.bold_metrics if run.marked else fonts.plain_metrics).ascent()
            painter.drawStaticText(QPointF(left + run.x, baseline - ascent), run.text)
        painter.restore()

    def _runs(self, fonts: Fonts, full: str, words: list[str], room: int) -> tuple[Run, ...]:
        """The snippet fitted to ``room`` px: from the cache, or measured once."""
        key = (full, tuple(words), room, fonts.plain.key())
        found = self._layouts.get(key)
        if found is not None:
            self._layouts.move_to_end(key)
            return found
        runs = self._layouts[key] = fit_runs(fonts, full, words, room)
        if len(self._layouts) > LAYOUTS_KEPT:
            self._layouts.popitem(last=False)
        return runs

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(min(size.width(), 600), size.height())

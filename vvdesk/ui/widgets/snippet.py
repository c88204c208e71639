"""A table cell that shows a search snippet with the matched words marked (bold, tinted
with the theme's match colour), on one line, elided at the right.

Building and laying out that rich text (eliding it, up to four times, to fit bold words)
took about a millisecond per cell; a page of results repainted every visible cell that
way on each paint. Each snippet is drawn once into a pixmap, kept (LRU) per text, words,
width, selection, palette and font, so a repaint only copies it."""

from __future__ import annotations

import html
from collections import OrderedDict

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QPainter,
    QPalette,
    QPixmap,
    QTextDocument,
)
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from vvdesk.search_query import marked_spans
from vvdesk.ui import theme

AnyIndex = QModelIndex | QPersistentModelIndex
PICTURES_KEPT = 300  # drawn snippets (a few screens of rows at a few widths; ~50 KB each)


def snippet_html(text: str, words: list[str], selected: bool = False,
                 palette: QPalette | None = None,
                 colors: tuple[QColor, QColor] | None = None) -> str:
    """The snippet as rich text: each matched word bold on the match colour."""
    background, color = colors or theme.match_colors(palette, selected)
    out, last = [], 0
    for start, end in marked_spans(text, words):
        out.append(html.escape(text[last:start]))
        out.append(f"<b style='background-color:{background.name()};color:{color.name()}'>"
                   f"{html.escape(text[start:end])}</b>")
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


class SnippetDelegate(QStyledItemDelegate):
    def __init__(self, words_role: int, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.words_role = words_role
        self._colors: dict[tuple[int, bool], tuple[QColor, QColor]] = {}  # per palette
        self._pictures: OrderedDict[tuple[object, ...], QPixmap] = OrderedDict()

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text, opt.text = opt.text, ""
        words = list(index.data(self.words_role) or [])
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, opt.widget)
        picture = self._picture(opt, text, words, selected, rect.width() - 4)
        height = picture.height() / picture.devicePixelRatio()
        painter.drawPixmap(QPointF(rect.left() + 2, rect.top() + (rect.height() - height) / 2),
                           picture)

    def _picture(self, opt: QStyleOptionViewItem, full: str, words: list[str],
                 selected: bool, room: int) -> QPixmap:
        """The snippet drawn to fit ``room`` px: from the cache, or laid out and drawn once."""
        palette: QPalette = opt.palette
        font = opt.font
        ratio = opt.widget.devicePixelRatioF() if opt.widget else 1.0
        key = (full, tuple(words), room, selected, palette.cacheKey(), font.key(), ratio)
        found = self._pictures.get(key)
        if found is not None:
            self._pictures.move_to_end(key)
            return found
        doc = self._document(opt, full, words, selected, room)
        size = doc.size()
        picture = QPixmap(max(1, int(min(size.width(), room) * ratio)),
                          max(1, int(size.height() * ratio)))
        picture.setDevicePixelRatio(ratio)
        picture.fill(Qt.GlobalColor.transparent)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        role = (QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        ctx.palette.setColor(QPalette.ColorRole.Text, palette.color(role))
        ctx.clip = QRectF(0, 0, room, size.height())
        painter = QPainter(picture)
        doc.documentLayout().draw(painter, ctx)
        painter.end()
        self._pictures[key] = picture
        if len(self._pictures) > PICTURES_KEPT:
            self._pictures.popitem(last=False)
        return picture

    def _document(self, opt: QStyleOptionViewItem, full: str, words: list[str],
                  selected: bool, room: int) -> QTextDocument:
        """The snippet as rich text laid out to fit ``room`` px."""
        palette_key = opt.palette.cacheKey()
        font = opt.font
        colors = self._colors.get((palette_key, selected))
        if colors is None:
            colors = self._colors[(palette_key, selected)] = theme.match_colors(
                opt.palette, selected)
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        doc.setDefaultFont(font)
        metrics = opt.fontMetrics
        width = room
        for _ in range(4):  # bold words are wider than the plain text elidedText measured
            text = metrics.elidedText(full, Qt.TextElideMode.ElideRight, max(0, width))
            doc.setHtml(snippet_html(text, words, colors=colors))
            if doc.idealWidth() <= room:
                break
            width -= int(doc.idealWidth() - room) + 2
        return doc

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(min(size.width(), 600), size.height())

"""A table cell that shows a search snippet with the matched words marked (bold, tinted
with the theme's match colour), on one line, elided at the right."""

from __future__ import annotations

import html

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QPainter,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from vvdesk.search_query import marked_spans
from vvdesk.ui import theme

AnyIndex = QModelIndex | QPersistentModelIndex


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

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text, opt.text = opt.text, ""
        words = list(index.data(self.words_role) or [])
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        doc.setDefaultFont(opt.font)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, opt.widget)
        key = (opt.palette.cacheKey(), selected)
        colors = self._colors.get(key)
        if colors is None:
            colors = self._colors[key] = theme.match_colors(opt.palette, selected)
        room = rect.width() - 4
        full, width = text, room
        for _ in range(4):  # bold words are wider than the plain text elidedText measured
            text = opt.fontMetrics.elidedText(full, Qt.TextElideMode.ElideRight, max(0, width))
            doc.setHtml(snippet_html(text, words, colors=colors))
            if doc.idealWidth() <= room:
                break
            width -= int(doc.idealWidth() - room) + 2
        ctx = QAbstractTextDocumentLayout.PaintContext()
        role = (QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        ctx.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        painter.save()
        painter.translate(rect.left() + 2, rect.top() + (rect.height() - doc.size().height()) / 2)
        painter.setClipRect(QRectF(0, 0, rect.width() - 4, rect.height()))
        doc.documentLayout().draw(painter, ctx)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(min(size.width(), 600), size.height())

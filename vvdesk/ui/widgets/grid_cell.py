"""How a media grid cell is painted: its picture and one elided title line.

The style's item painting lays the title out again (QTextLayout, eliding) for every cell
on every paint; scrolling a page of a 10k grid repainted ~40 cells that way, 20-40 ms on
a busy machine. Here a cell is one drawPixmap and one drawStaticText of a title elided
and laid out once per (title, width), kept in a small LRU.
"""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QPainter, QPalette, QStaticText
from PySide6.QtWidgets import QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

TITLES_KEPT = 2000
PAD = 4


class GridCellDelegate(QStyledItemDelegate):
    """Paints a cell from the picture role (a QPixmap, or nothing yet) and the title."""

    def __init__(self, view: QListView, picture_role: int, picture: QSize) -> None:
        super().__init__(view)
        self._view = view
        self._role = picture_role
        self._picture = picture
        self._titles: OrderedDict[tuple[str, int], QStaticText] = OrderedDict()

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        return self._view.gridSize()

    def _title(self, text: str, width: int) -> QStaticText:
        key = (text, width)
        found = self._titles.get(key)
        if found is None:
            elided = self._view.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight,
                                                         width)
            found = QStaticText(elided)
            found.setTextFormat(Qt.TextFormat.PlainText)
            found.prepare(font=self._view.font())
            self._titles[key] = found
            if len(self._titles) > TITLES_KEPT:
                self._titles.popitem(last=False)
        else:
            self._titles.move_to_end(key)
        return found

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        rect: QRect = option.rect
        state = option.state
        palette: QPalette = option.palette
        selected = bool(state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect.adjusted(1, 1, -1, -1), palette.highlight())
        pixmap = index.data(self._role)
        top = rect.top() + PAD
        if pixmap is not None:
            left = rect.left() + (rect.width() - self._picture.width()) // 2
            painter.drawPixmap(left, top, pixmap)
        title = index.data(Qt.ItemDataRole.DisplayRole) or ""
        width = rect.width() - 2 * PAD
        static = self._title(title, width)
        text_w = int(static.size().width())
        painter.setPen(palette.highlightedText().color() if selected else palette.text().color())
        painter.drawStaticText(QPoint(rect.left() + PAD + max(0, (width - text_w) // 2),
                                      top + self._picture.height() + PAD), static)
        if state & QStyle.StateFlag.State_HasFocus:
            painter.setPen(palette.highlight().color())
            painter.drawRect(rect.adjusted(1, 1, -2, -2))

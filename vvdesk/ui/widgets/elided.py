"""Text that shortens itself ("…") instead of widening the window; the full text is then
the tooltip. For names and paths a person chose, which can be 255 characters long."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics, QHelpEvent, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QSizePolicy,
    QStatusBar,
    QStyle,
    QStyleOption,
    QToolTip,
    QWidget,
)


def full_tip(text: str, shown: str, own_tip: str) -> str:
    """The tooltip: the full text when it was cut, then the widget's own tip."""
    return "\n".join(t for t in ((text if shown != text else ""), own_tip) if t)


class ElidedLabel(QLabel):
    """One line of plain text, elided to the space it gets. It needs only `min_chars`
    characters of width, would like at most `max_chars` (None: all of it), and with
    `takes_rest` gets only what its neighbours leave. text() is always the full text."""

    def __init__(self, text: str = "", parent: QWidget | None = None, *,
                 mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight, min_chars: int = 10,
                 max_chars: int | None = None, takes_rest: bool = False,
                 bold: bool = False, scale: float = 1.0) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        horizontal = QSizePolicy.Policy.Ignored if takes_rest else QSizePolicy.Policy.Preferred
        self.setSizePolicy(horizontal, QSizePolicy.Policy.Fixed)
        if bold or scale != 1.0:
            font = self.font()
            font.setBold(bold)
            font.setPointSizeF(font.pointSizeF() * scale)
            self.setFont(font)
        self._mode = mode
        self._min_chars = min_chars
        self._max_chars = max_chars
        self._own_tip = ""
        self._shown = ""
        self.setText(text)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.updateGeometry()
        self._elide()

    def setToolTip(self, tip: str) -> None:
        self._own_tip = tip
        super().setToolTip(full_tip(self.text(), self._shown, tip))

    def shown_text(self) -> str:
        """What is on screen now (elided or not)."""
        return self._shown

    def minimumSizeHint(self) -> QSize:
        fm = self.fontMetrics()
        margins = self.contentsMargins()
        return QSize(fm.averageCharWidth() * self._min_chars + margins.left() + margins.right(),
                     super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        if self._max_chars is not None:
            margins = self.contentsMargins()
            most = self.fontMetrics().averageCharWidth() * self._max_chars
            hint.setWidth(min(hint.width(), most + margins.left() + margins.right()))
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = self.contentsRect().width()
        self._shown = QFontMetrics(self.font()).elidedText(self.text(), self._mode, width)
        super().setToolTip(full_tip(self.text(), self._shown, self._own_tip))
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        self.style().drawItemText(painter, self.contentsRect(), int(self.alignment()),
                                  self.palette(), self.isEnabled(), self._shown,
                                  self.foregroundRole())


class ElidingStatusBar(QStatusBar):
    """A status bar whose messages elide beside the permanent widgets (QStatusBar cuts
    them off mid-letter), with the full message as the tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._shown = ""
        self._permanent: list[QWidget] = []
        self.messageChanged.connect(lambda _m: self._elide())

    def addPermanentWidget(self, widget: QWidget, stretch: int | None = 0) -> None:
        super().addPermanentWidget(widget, stretch or 0)
        self._permanent.append(widget)

    def message_rect(self) -> QRect:
        """Where the message goes: left of the visible permanent widgets."""
        right = min([w.x() for w in self._permanent if w.isVisible()] + [self.width()]) - 6
        return QRect(6, 0, max(0, right - 6), self.height())

    def shown_message(self) -> str:
        return self._shown

    def _elide(self) -> None:
        self._fit()
        self.update()

    def _fit(self) -> None:
        """Elide the message to the room left of the permanent widgets, which move when
        their own text changes: so this runs on every paint too."""
        message = self.currentMessage()
        shown = self.fontMetrics().elidedText(message, Qt.TextElideMode.ElideRight,
                                              self.message_rect().width())
        if shown != self._shown:
            self._shown = shown
            self.setToolTip(message if shown != message else "")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def paintEvent(self, event: QPaintEvent) -> None:
        message = self.currentMessage()
        if not message:
            super().paintEvent(event)
            return
        # QStatusBar would draw the message unelided: draw the panel and ours instead
        self._fit()
        painter = QPainter(self)
        opt = QStyleOption()
        opt.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelStatusBar, opt, painter, self)
        painter.setPen(self.palette().windowText().color())
        painter.drawText(self.message_rect(), int(Qt.AlignmentFlag.AlignLeading
                                                  | Qt.AlignmentFlag.AlignVCenter
                                                  | Qt.TextFlag.TextSingleLine), self._shown)


class CellTips(QObject):
    """Hovering a cell the view shows elided ("…") gives its full text as a tooltip
    (unless the model has a tooltip of its own for it)."""

    PADDING = 12  # the view's text margins inside a cell

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self.view = view
        view.viewport().installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ToolTip or not isinstance(event, QHelpEvent):
            return False
        index = self.view.indexAt(event.pos())
        if not index.isValid() or index.data(Qt.ItemDataRole.ToolTipRole):
            return False
        text = index.data(Qt.ItemDataRole.DisplayRole)
        rect = self.view.visualRect(index)
        if (not isinstance(text, str)
                or self.view.fontMetrics().horizontalAdvance(text) + self.PADDING <= rect.width()):
            QToolTip.hideText()
            return True
        QToolTip.showText(event.globalPos(), text, self.view.viewport(), rect)
        return True

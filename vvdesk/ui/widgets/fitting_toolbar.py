"""A pane toolbar that never hides an action behind Qt's » overflow button.

A QToolBar narrower than its buttons moves the last ones into an overflow menu: at 1024 px
with the preview open, the media pane's Delete and Grid were only reachable through "»".
This toolbar keeps every button on it: each shows its text beside its icon while there is
room; when there is not, buttons give up their text one at a time (least needed first,
`text_order`) and keep their icon, tooltip and accessible name. Only when even the icons
alone do not fit does Qt's overflow come back.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QActionEvent, QResizeEvent
from PySide6.QtWidgets import QToolBar, QToolButton, QWidget

BESIDE = Qt.ToolButtonStyle.ToolButtonTextBesideIcon
ICON = Qt.ToolButtonStyle.ToolButtonIconOnly


class FittingToolBar(QToolBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMovable(False)
        self.setToolButtonStyle(BESIDE)
        self._drop_first: list[QAction] = []  # whose text goes first when room runs out
        self._fitting = False
        # after the buttons have taken a new style from the toolbar (keyboard.tidy sets it)
        self.toolButtonStyleChanged.connect(self.fit, Qt.ConnectionType.QueuedConnection)

    def text_order(self, drop_first: Sequence[QAction]) -> None:
        """These actions lose their text first, in this order; the others after them,
        from the last on the bar to the first."""
        self._drop_first = list(drop_first)
        self.fit()

    def _order(self) -> list[QAction]:
        rest = [a for a in reversed(self.actions()) if a not in self._drop_first]
        return [*self._drop_first, *rest]

    def _buttons(self) -> list[tuple[QAction, QToolButton]]:
        out = []
        for act in self._order():
            button = self.widgetForAction(act)
            if isinstance(button, QToolButton) and act.isVisible():
                out.append((act, button))
        return out

    def _needed(self) -> int:
        layout = self.layout()
        if layout is not None:
            layout.invalidate()
        return self.sizeHint().width()

    def fit(self) -> None:
        """Text beside every icon if it all fits, else as many texts as fit."""
        if self._fitting:
            return
        self._fitting = True
        try:
            buttons = self._buttons()
            before = [b.toolButtonStyle() for _a, b in buttons]
            for _act, button in buttons:
                button.setToolButtonStyle(BESIDE)
            room = self.width()
            for _act, button in buttons:
                if self._needed() <= room:
                    break
                button.setToolButtonStyle(ICON)
            layout = self.layout()
            if layout is not None and before != [b.toolButtonStyle() for _a, b in buttons]:
                layout.activate()  # placed now, not at the next event-loop turn
        finally:
            self._fitting = False

    def icon_only(self) -> list[QAction]:
        """The actions shown without their text now (for tests and screenshots)."""
        return [a for a, b in self._buttons() if b.toolButtonStyle() is ICON]

    def overflowing(self) -> bool:
        """True when some action sits behind the » overflow button."""
        ext = self.findChild(QToolButton, "qt_toolbar_ext_button")
        return ext is not None and ext.isVisible()

    def resizeEvent(self, event: QResizeEvent) -> None:
        if event.size().width() != event.oldSize().width():
            self.fit()
        super().resizeEvent(event)

    def actionEvent(self, event: QActionEvent) -> None:
        super().actionEvent(event)
        if event.type() in (QEvent.Type.ActionAdded, QEvent.Type.ActionChanged):
            self.fit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.fit()

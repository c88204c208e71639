"""A focus ring a keyboard user can see.

Fusion marks keyboard focus with a 1 px tint that all but vanishes on the dark palette (and
draws none at all on toolbar buttons), so someone working with Tab and the arrow keys
cannot tell where they are. One `QFocusFrame` follows the focused control and paints a
ring in the palette's highlight colour around it — only when focus moved by keyboard (Qt
clears the window's keyboard-focus flag on a click), so mouse users see the usual look.

A frame that follows focus, rather than a proxy style: a style written in Python is
called for every primitive of every paint, which made a 100-row table repaint ~60% slower.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QApplication, QFocusFrame, QMenu, QWidget
from shiboken6 import isValid


class FocusRing(QFocusFrame):
    """The ring. QFocusFrame places itself around its widget (a child of the widget's
    parent, following moves and resizes) and masks itself to the margin around it."""

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().highlight())  # the mask leaves a ring


class FocusRings(QObject):
    """Moves the ring to whatever gets focus by keyboard; hides it on a click."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.ring: FocusRing | None = None  # made on first use; dies with its parent
        app.focusChanged.connect(self.follow)

    def follow(self, _old: QWidget | None, new: QWidget | None) -> None:
        ring = self.ring if self.ring is not None and isValid(self.ring) else None
        by_keyboard = new is not None and new.window().testAttribute(
            Qt.WidgetAttribute.WA_KeyboardFocusChange)
        if new is None or not by_keyboard or isinstance(new, QMenu) or new.isWindow():
            if ring is not None:
                # Qt documents setWidget(nullptr) as "follow no widget"; the stub forbids None
                ring.setWidget(None)  # type: ignore[arg-type]
                ring.hide()
            return
        if ring is None:
            ring = self.ring = FocusRing(new.parentWidget())
        ring.setWidget(new)
        ring.show()
        ring.raise_()


def install(app: QApplication) -> FocusRings:
    """The application's focus ring, following keyboard focus from now on (once)."""
    found = app.findChild(FocusRings)
    return found if isinstance(found, FocusRings) else FocusRings(app)

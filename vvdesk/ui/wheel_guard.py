"""The mouse wheel scrolls forms; it changes a combo box, spin box or slider only when that
control has the keyboard focus.

Without this, scrolling a long form with the wheel changes whatever control passes under
the pointer (it once turned an automation's "Wait after last change" from 10 minutes into
1 day). One application-wide event filter, installed once: guarded controls get
Qt.StrongFocus instead of Qt.WheelFocus (so the wheel no longer focuses them), and a wheel
event over an unfocused one goes to the scroll area around it instead.
"""

from __future__ import annotations

from typing import TypeGuard

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QScrollBar,
    QWidget,
)

GUARDED = (QComboBox, QAbstractSpinBox, QAbstractSlider)
_WHEEL, _POLISH = QEvent.Type.Wheel, QEvent.Type.Polish


def is_guarded(obj: QObject) -> TypeGuard[QWidget]:
    """A value control the wheel must not change by passing over it (scroll bars scroll)."""
    return isinstance(obj, GUARDED) and not isinstance(obj, QScrollBar)


def has_focus(widget: QWidget) -> bool:
    focused = QApplication.focusWidget()
    return focused is not None and (focused is widget or widget.isAncestorOf(focused))


def scroll_area_around(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


class WheelGuard(QObject):
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == _POLISH:
            if is_guarded(obj) and obj.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                obj.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            return False
        if (kind != _WHEEL or not isinstance(event, QWheelEvent) or not is_guarded(obj)
                or has_focus(obj)):
            return False
        self._scroll_instead(obj, event)
        return True  # the control never sees it

    @staticmethod
    def _scroll_instead(widget: QWidget, event: QWheelEvent) -> None:
        """Hand the wheel to the nearest scroll area (none: the wheel does nothing here)."""
        area = scroll_area_around(widget)
        if area is None:
            return
        target = area.viewport()
        global_pos = event.globalPosition()
        moved = QWheelEvent(target.mapFromGlobal(global_pos), global_pos, event.pixelDelta(),
                            event.angleDelta(), event.buttons(), event.modifiers(),
                            event.phase(), event.inverted(), event.source())
        QApplication.sendEvent(target, moved)


_guard: WheelGuard | None = None


def install(app: QApplication) -> WheelGuard:
    """Install the guard on the application (again: a no-op). Widgets polished from now on
    are covered; call it before the first window is shown."""
    global _guard
    if _guard is None:
        _guard = WheelGuard(app)
        app.installEventFilter(_guard)
    return _guard

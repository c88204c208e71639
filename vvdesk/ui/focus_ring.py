"""A focus ring a keyboard user can see.

Fusion marks keyboard focus with a 1 px tint that all but vanishes on the dark palette (and
draws none at all on toolbar buttons), so someone working with Tab and the arrow keys
cannot tell where they are. This style draws a 2 px ring in the palette's highlight colour
around the control that has focus — only when focus moved by keyboard, so mouse users see
the usual look.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QAbstractItemView, QProxyStyle, QStyle, QStyleOption, QWidget

_RING_WIDTH = 2.0
_KEYBOARD_FOCUS = QStyle.StateFlag.State_HasFocus | QStyle.StateFlag.State_KeyboardFocusChange


def keyboard_focused(option: QStyleOption) -> bool:
    return (option.state & _KEYBOARD_FOCUS) == _KEYBOARD_FOCUS


def draw_ring(painter: QPainter, option: QStyleOption) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    pen = QPen(option.palette.highlight().color(), _RING_WIDTH)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    inset = _RING_WIDTH / 2
    painter.drawRoundedRect(QRectF(option.rect).adjusted(inset, inset, -inset, -inset), 2, 2)
    painter.restore()


class FocusRingStyle(QProxyStyle):
    """The base style (Fusion or the platform's) with a visible keyboard focus ring."""

    def drawPrimitive(self, element: QStyle.PrimitiveElement, option: QStyleOption,
                      painter: QPainter, widget: QWidget | None = None) -> None:
        if element == QStyle.PrimitiveElement.PE_FrameFocusRect and keyboard_focused(option):
            draw_ring(painter, option)  # item views' current cell, tabs, check boxes, sliders
            return
        super().drawPrimitive(element, option, painter, widget)

    def drawComplexControl(self, control: QStyle.ComplexControl, option: QStyleOption,
                           painter: QPainter, widget: QWidget | None = None) -> None:
        super().drawComplexControl(control, option, painter, widget)
        if control == QStyle.ComplexControl.CC_ToolButton and keyboard_focused(option):
            draw_ring(painter, option)

    def drawControl(self, element: QStyle.ControlElement, option: QStyleOption,
                    painter: QPainter, widget: QWidget | None = None) -> None:
        super().drawControl(element, option, painter, widget)
        if not keyboard_focused(option):
            return
        if element == QStyle.ControlElement.CE_PushButton or (
                # a list's selected row hides the ring of its current cell: ring the list
                element == QStyle.ControlElement.CE_ShapedFrame
                and isinstance(widget, QAbstractItemView)):
            draw_ring(painter, option)


def base_name(style: QStyle) -> str:
    """The name of the style doing the drawing ("fusion", "windows11", …)."""
    base = style.baseStyle() if isinstance(style, QProxyStyle) else style
    return base.name().lower()

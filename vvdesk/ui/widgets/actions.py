"""Toolbar actions of a pane, with shortcuts scoped to that pane.

An action's WidgetWithChildrenShortcut scope is the widgets it was added to, so it is added
to the pane as well as to its toolbar: the shortcut then works anywhere in the pane (its
list included) and nowhere else, so two panes can both use Del or F5.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QToolBar, QWidget


def pane_action(pane: QWidget, toolbar: QToolBar, label: str, keys: Any,
                slot: Callable[..., Any], tip: str) -> QAction:
    act = QAction(label, pane)
    if keys is not None:
        act.setShortcut(keys)
        act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    act.setToolTip(tip)
    act.triggered.connect(slot)
    toolbar.addAction(act)
    pane.addAction(act)
    return act

"""What a test left running: asyncio tasks, active QTimers, top-level widgets.

A test that leaves any of them fails (tests/conftest.py) and the message says where each
came from, instead of the next test tripping over a timer firing into its world. Before
looking, everything gets a fair chance to finish: a few turns of the loop for tasks that
are finishing anyway, pending deleteLater() calls processed, a garbage collection.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

OUR_MODULES = ("vvdesk", "tests")


def settle_qt() -> None:
    """Process pending deleteLater() calls (only those: no timers fire), then collect."""
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        gc.collect()


def release_modifier_keys() -> None:
    """QTest's click of a shortcut (Ctrl+R) leaves Qt believing Ctrl is still held, and the
    next test's selectRow() then toggles a row instead of selecting it (a row the app had
    selected was deselected). A key release, as on a real keyboard, lets go of it."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtTest import QTest

    if QGuiApplication.keyboardModifiers() != Qt.KeyboardModifier.NoModifier:
        spare = QWidget()
        QTest.keyRelease(spare, Qt.Key.Key_Control)
        spare.deleteLater()


# tasks ---------------------------------------------------------------------------------------
def live_tasks(loop: asyncio.AbstractEventLoop) -> list[asyncio.Task[Any]]:
    return [t for t in asyncio.all_tasks(loop) if not t.done()]


def describe_task(task: asyncio.Task[Any]) -> str:
    """Its name, its coroutine, and where it waits (outermost frame → innermost)."""
    coro: Any = task.get_coro()
    name = getattr(coro, "__qualname__", type(coro).__name__)
    frames = []
    while coro is not None:
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None)
        if frame is not None and "/asyncio/" not in frame.f_code.co_filename:
            frames.append(f"{frame.f_code.co_filename}:{frame.f_lineno}")
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
    where = f" at {frames[0]}" + (f" … {frames[-1]}" if len(frames) > 1 else "") if frames \
        else ""
    return f"task {task.get_name()!r} running {name}(){where}"


# timers and widgets ----------------------------------------------------------------------------
def _lineage(obj: QObject) -> str:
    parts = []
    node: QObject | None = obj
    while node is not None and shiboken6.isValid(node):
        name = node.objectName()
        parts.append(type(node).__name__ + (f" {name!r}" if name else ""))
        node = node.parent()
    return " in ".join(parts)


def active_timers() -> dict[int, QTimer]:
    """Every live, active QTimer made from Python (found through the garbage collector)."""
    out = {}
    for obj in gc.get_objects():
        if isinstance(obj, QTimer) and shiboken6.isValid(obj) and obj.isActive():
            out[id(obj)] = obj
    return out


def describe_timer(timer: QTimer) -> str:
    kind = "single-shot" if timer.isSingleShot() else "repeating"
    return f"active {kind} QTimer ({timer.interval()} ms): {_lineage(timer)}"


def top_level_widgets() -> dict[int, QWidget]:
    return {id(w): w for w in QApplication.topLevelWidgets() if shiboken6.isValid(w)}


def is_ours_or_shown(widget: QWidget) -> bool:
    """Qt makes some hidden top-level helpers once per process (tooltips, popups): only
    widgets of our own classes, or any widget still shown, count as left behind."""
    return widget.isVisible() or type(widget).__module__.split(".")[0] in OUR_MODULES


def describe_widget(widget: QWidget) -> str:
    title = widget.windowTitle()
    shown = "shown" if widget.isVisible() else "hidden"
    return (f"{shown} top-level {type(widget).__module__}.{type(widget).__qualname__}"
            + (f" {widget.objectName()!r}" if widget.objectName() else "")
            + (f" titled {title!r}" if title else ""))


def clean_up(timers: Iterable[QTimer], widgets: Iterable[QWidget]) -> None:
    """After reporting: stop and delete, so the next test starts clean."""
    for t in timers:
        if shiboken6.isValid(t):
            t.stop()
    for w in widgets:
        if shiboken6.isValid(w):
            w.close()
            w.deleteLater()
    settle_qt()

"""Hooks that report the first paint and the first data, for bench/startup.py only."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QEvent, QObject
from PySide6.QtWidgets import QWidget


class _ExposeWatcher(QObject):
    def __init__(self, callback: Callable[[], None]) -> None:
        super().__init__()
        self._callback: Callable[[], None] | None = callback

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Expose and self._callback is not None:
            window = obj if hasattr(obj, "isExposed") else None
            if window is None or window.isExposed():
                cb, self._callback = self._callback, None
                cb()
        return False


def report_first_expose(widget: QWidget, callback: Callable[[], None]) -> None:
    """Call back once, when the widget's native window is first exposed (about to paint)."""
    widget.winId()  # create the native window so its QWindow exists before show()
    watcher = _ExposeWatcher(callback)
    handle = widget.windowHandle()
    handle.installEventFilter(watcher)
    widget._expose_watcher = watcher  # type: ignore[attr-defined]  # keep it alive


def report_first_rows(model: QAbstractItemModel, callback: Callable[[], None]) -> None:
    done = False

    def once(*_: object) -> None:
        nonlocal done
        if not done:
            done = True
            callback()

    model.rowsInserted.connect(once)

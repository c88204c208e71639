"""Run an action at most once per interval: at once the first time, then once at the end.

For bursts of events that each want the same follow-up (a thousand finished uploads each
asking for the media list to be reloaded): the first is served at once, the rest of the
burst is folded into one more call when the interval is over.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


class Throttle(QObject):
    def __init__(self, action: Callable[[], None], interval_ms: int,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._action = action
        self._pending = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._end_of_interval)

    def poke(self) -> None:
        """Ask for the action: now if the last one is an interval old, else at the end."""
        if self._timer.isActive():
            self._pending = True
            return
        self._action()
        self._timer.start()

    def _end_of_interval(self) -> None:
        if self._pending:
            self._pending = False
            self._action()
            self._timer.start()

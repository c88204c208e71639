"""App-wide notifications as a signal hub (QtCore only); ui/notify.py shows them."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Notifier(QObject):
    # title, text, kind ("info" | "error"), action label ("" for none), action key
    message = Signal(str, str, str, str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tray_enabled = True  # the user setting: pop up tray messages at all

    def notify(self, title: str, text: str, kind: str = "info", action: str = "",
               key: str = "") -> None:
        self.message.emit(title, text, kind, action, key)

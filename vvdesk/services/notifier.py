"""App-wide notifications as a signal hub (QtCore only); ui/notify.py shows them."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from vvdesk.vocab import NoticeAction


class Notifier(QObject):
    # title, text, kind ("info" | "error"), NoticeAction value, key it acts on (an export id)
    message = Signal(str, str, str, str, str)
    # a notice about this key no longer applies (the file was downloaded, the export expired)
    withdrawn = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tray_enabled = True  # the user setting: pop up tray messages at all

    def notify(self, title: str, text: str, kind: str = "info",
               action: NoticeAction = NoticeAction.NONE, key: str = "") -> None:
        self.message.emit(title, text, kind, action.value, key)

    def withdraw(self, key: str) -> None:
        self.withdrawn.emit(key)

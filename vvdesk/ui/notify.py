"""Show notifier messages: a tray balloon when a tray exists and the user wants it,
otherwise (and always for messages with an action) an in-app banner / status line.

The view only shows; a click on a notice's button goes out as `acted(action, key)` and
the controller of the feature decides what it means.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle, QSystemTrayIcon

from vvdesk.ui.main_window import MainWindow
from vvdesk.vocab import NoticeAction

LABELS = {NoticeAction.DOWNLOAD: "Download…", NoticeAction.DOWNLOAD_ALL: "Download all",
          NoticeAction.EXPORT_AGAIN: "Export again",
          NoticeAction.OPEN_PROFILES: "Open Profiles…"}


class NotifyView(QObject):
    acted = Signal(str, str)  # NoticeAction value, key

    def __init__(self, window: MainWindow, tray_enabled: Callable[[], bool]) -> None:
        super().__init__(window)
        self.window = window
        self.tray_enabled = tray_enabled
        self.tray: QSystemTrayIcon | None = None
        self.shown: list[tuple[str, str]] = []  # (title, text), for tests and the log

    def _tray(self) -> QSystemTrayIcon | None:
        if self.tray is None and QSystemTrayIcon.isSystemTrayAvailable():
            style = QApplication.style()
            icon = style.standardIcon(QStyle.StandardPixmap.SP_DialogSaveButton) \
                if style else QIcon()
            self.tray = QSystemTrayIcon(icon, self.window)
            self.tray.show()
        return self.tray

    def show(self, title: str, text: str, kind: str, action: str, key: str) -> None:
        self.shown.append((title, text))
        tray = self._tray() if self.tray_enabled() else None
        if tray is not None and QSystemTrayIcon.supportsMessages():
            icon = (QSystemTrayIcon.MessageIcon.Critical if kind == "error"
                    else QSystemTrayIcon.MessageIcon.Information)
            tray.showMessage(title, text, icon, 8000)
        self.window.statusBar().showMessage(f"{title}: {text}", 10000)
        todo = NoticeAction(action)
        if todo is not NoticeAction.NONE or kind == "error":
            self.window.banner.show_message(
                f"{title}: {text}", kind, LABELS.get(todo, ""),
                (lambda: self.acted.emit(todo.value, key)) if todo is not NoticeAction.NONE
                else None, topic=key)

    def withdraw(self, key: str) -> None:
        """The notice about `key` no longer applies: take its banner down."""
        self.window.banner.clear(key)

    def close(self) -> None:
        if self.tray is not None:
            self.tray.hide()
            self.tray.deleteLater()
            self.tray = None

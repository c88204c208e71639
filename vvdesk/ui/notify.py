"""Show notifier messages: a tray balloon when a tray exists and the user wants it,
otherwise (and always for messages with an action) an in-app banner / status line."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle, QSystemTrayIcon

from vvdesk.services.notifier import Notifier
from vvdesk.ui.main_window import MainWindow


class NotifyView:
    def __init__(self, notifier: Notifier, window: MainWindow,
                 on_action: Callable[[str, str], None]) -> None:
        self.notifier = notifier
        self.window = window
        self.on_action = on_action
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
        tray = self._tray() if self.notifier.tray_enabled else None
        if tray is not None and QSystemTrayIcon.supportsMessages():
            icon = (QSystemTrayIcon.MessageIcon.Critical if kind == "error"
                    else QSystemTrayIcon.MessageIcon.Information)
            tray.showMessage(title, text, icon, 8000)
        self.window.statusBar().showMessage(f"{title}: {text}", 10000)
        if action or kind == "error":
            self.window.banner.show_message(
                f"{title}: {text}", kind, action,
                (lambda: self.on_action(action, key)) if action else None)

    def close(self) -> None:
        if self.tray is not None:
            self.tray.hide()
            self.tray.deleteLater()
            self.tray = None

"""An inline, dismissable message strip: errors in plain words without a modal dialog."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

_STYLE = {
    "error": "background:#fde7e9; border:1px solid #e8a3a9; color:#5f1016;",
    "info": "background:#e8f1fd; border:1px solid #a9c5ec; color:#0d2f5c;",
}


class Banner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.action = QPushButton()
        self.close_btn = QPushButton("Dismiss")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 4, 8, 4)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.action)
        lay.addWidget(self.close_btn)
        self.close_btn.clicked.connect(self.hide)
        self._slot: Callable[[], None] | None = None
        self.action.clicked.connect(self._act)
        self.hide()

    def show_message(self, text: str, kind: str = "error", action: str = "",
                     on_action: Callable[[], None] | None = None) -> None:
        self.setStyleSheet(f"Banner {{{_STYLE.get(kind, _STYLE['info'])} border-radius:4px;}}")
        self.label.setText(text)
        self._slot = on_action
        self.action.setText(action)
        self.action.setVisible(bool(action and on_action))
        self.show()

    def _act(self) -> None:
        if self._slot is not None:
            self._slot()

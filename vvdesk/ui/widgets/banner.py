"""An inline, dismissable message strip: errors in plain words without a modal dialog.

A message may carry a topic (an export id, "auth"): whoever knows the topic no longer
applies clears it with `clear(topic)`, so a banner never outlives what it is about.
"""

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
        self.close_btn.clicked.connect(self.dismiss)
        self._slot: Callable[[], None] | None = None
        self.topic = ""
        self.action.clicked.connect(self._act)
        self.hide()

    def show_message(self, text: str, kind: str = "error", action: str = "",
                     on_action: Callable[[], None] | None = None, *, topic: str = "") -> None:
        self.setStyleSheet(f"Banner {{{_STYLE.get(kind, _STYLE['info'])} border-radius:4px;}}")
        self.label.setText(text)
        self._slot = on_action
        self.topic = topic
        self.action.setText(action)
        self.action.setVisible(bool(action and on_action))
        self.show()

    def clear(self, topic: str) -> None:
        """Hide the message if it is about `topic`."""
        if topic and self.topic == topic:
            self.dismiss()

    def dismiss(self) -> None:
        self.hide()
        self.topic = ""
        self._slot = None

    def _act(self) -> None:
        if self._slot is not None:
            self._slot()

"""An inline, dismissable message strip: errors in plain words without a modal dialog.

A message may carry a topic (an export id, "auth"): whoever knows the topic no longer
applies clears it with `clear(topic)`, so a banner never outlives what it is about.
Its colours come from the palette in use (vvdesk/ui/theme.py), so it stays readable in
light and dark; the window calls recolor() when the scheme changes.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from vvdesk.ui import theme
from vvdesk.ui.keyboard import describe
from vvdesk.ui.theme import Tone


class Banner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.action = QPushButton()
        describe(self.action, "Do what the message offers", "Do what the message offers")
        self.close_btn = QPushButton("Dismiss")
        describe(self.close_btn, None, "Hide this message")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 4, 8, 4)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.action)
        lay.addWidget(self.close_btn)
        self.close_btn.clicked.connect(self.dismiss)
        self._slot: Callable[[], None] | None = None
        self.topic = ""
        self.tone = Tone.INFO
        self.action.clicked.connect(self._act)
        self.hide()

    def show_message(self, text: str, kind: Tone | str = Tone.ERROR, action: str = "",
                     on_action: Callable[[], None] | None = None, *, topic: str = "") -> None:
        try:
            self.tone = Tone(kind)
        except ValueError:
            self.tone = Tone.INFO
        self.recolor()
        self.label.setText(text)
        self._slot = on_action
        self.topic = topic
        self.action.setText(action)
        self.action.setVisible(bool(action and on_action))
        self.show()

    def recolor(self) -> None:
        """Colours for the current palette (the window calls this when light/dark switches:
        a widget with a style sheet gets no palette-change event of its own)."""
        sheet = theme.banner_style_sheet(self.tone)
        if sheet != self.styleSheet():
            self.setStyleSheet(sheet)

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

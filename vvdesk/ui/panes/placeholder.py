"""A tab that shows which index it is about until its real pane is built."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from vvdesk.ui.panes.tab_pane import TabPane


class PlaceholderPane(TabPane):
    def __init__(self, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.what = what
        self.label = QLabel()
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        QVBoxLayout(self).addWidget(self.label)
        self.set_index(None)

    def set_index(self, index: Any | None) -> None:
        if index is None:
            self.label.setText(f"Select an index on the left to see its {self.what}.")
        else:
            self.label.setText(f"<h3>{index.name}</h3>{self.what.capitalize()} of this index "
                               f"will appear here.<br><small>{index.index_id}</small>")

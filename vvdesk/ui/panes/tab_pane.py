"""What the main window asks of the pane in each of its tabs (Media, Runs, Exports, …)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget


class TabPane(QWidget):
    """A pane in one of the window's tabs: it shows the index chosen in the list (None: no
    index), and may hold the choice back while it has unsaved edits. The window treats every
    tab alike through these two methods, so each pane says how it does them."""

    def set_index(self, index: Any | None) -> None:
        raise NotImplementedError(f"{type(self).__name__} does not say how it shows an index")

    def confirm_leave(self) -> bool:
        """May the window move on to another index (or close)? Nothing to lose by default."""
        return True

"""Ask where dropped files go (an index or the playground), and which files to upload."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QVBoxLayout,
    QWidget,
)

PLAYGROUND_LABEL = "Playground (no index)"


class PickIndexDialog(QDialog):
    def __init__(self, parent: QWidget | None, indexes: list[Any], count: int) -> None:
        super().__init__(parent)
        self.setWindowTitle("Upload to…")
        self.combo = QComboBox()
        for ix in indexes:
            if not getattr(ix, "is_default", False):
                self.combo.addItem(ix.name, (ix.index_id, ix.name))
        self.combo.addItem(PLAYGROUND_LABEL, (None, "Playground"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(f"Upload {count} dropped item(s) to:"))
        lay.addWidget(self.combo)
        lay.addWidget(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None, indexes: list[Any],
            count: int) -> tuple[str | None, str] | None:
        """(index_id or None for the playground, display name), or None if cancelled."""
        dlg = cls(parent, indexes, count)
        if dlg.exec() == QDialog.DialogCode.Accepted:
            return dlg.combo.currentData()
        return None


def choose_files(parent: QWidget | None, start_dir: str = "") -> list[str]:
    """The Upload… file chooser (tests replace this)."""
    from vvdesk.vocab import file_dialog_filter

    paths, _ = QFileDialog.getOpenFileNames(parent, "Upload media", start_dir,
                                            file_dialog_filter())
    return paths

"""One summary of what a drop did not queue, and why (nothing is dropped silently)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)


class SkippedDialog(QDialog):
    def __init__(self, parent: QWidget | None, target: str, queued: int,
                 skipped: list[Any]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Some files were not queued")
        self.resize(640, 360)
        self.skipped = skipped
        self.header = QLabel(f"Queued {queued} file(s) for “{target}”. "
                             f"Skipped {len(skipped)}:")
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["File", "Why"])
        self.tree.setRootIsDecorated(False)
        for s in skipped:
            QTreeWidgetItem(self.tree, [s.path, s.reason])
        self.tree.resizeColumnToContents(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.header)
        lay.addWidget(self.tree)
        lay.addWidget(buttons)

    @classmethod
    def present(cls, parent: QWidget | None, target: str, queued: int,
                skipped: list[Any]) -> SkippedDialog:
        """Show the summary without blocking (the uploads go on meanwhile)."""
        dlg = cls(parent, target, queued, skipped)
        dlg.open()
        return dlg

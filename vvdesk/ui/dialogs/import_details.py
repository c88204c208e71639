"""The files of one connector import and what became of each (failed and skipped first)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vvdesk.connector_import import FileOutcome
from vvdesk.transfer_queue import Transfer
from vvdesk.ui.keyboard import describe

ORDER = {"Failed": 0, "Skipped": 1}  # what needs a look comes first


class ImportDetailsDialog(QDialog):
    def __init__(self, parent: QWidget | None, transfer: Transfer,
                 files: list[FileOutcome]) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{transfer.name} — files")
        self.resize(720, 380)
        self.files = sorted(files, key=lambda f: (ORDER.get(f.outcome, 2), f.name))
        counts = transfer.files.words() if transfer.files else ""
        self.header = QLabel(f"{transfer.name} into “{transfer.index_name}”"
                             + (f": {counts}." if counts else "."))
        self.header.setWordWrap(True)
        self.tree = QTreeWidget()
        describe(self.tree, "Imported files", "Each file of the import, its result and why")
        self.tree.setHeaderLabels(["File", "Result", "Why"])
        self.tree.setRootIsDecorated(False)
        for f in self.files:
            QTreeWidgetItem(self.tree, [f.name, f.outcome, f.why])
        self.tree.resizeColumnToContents(0)
        self.tree.resizeColumnToContents(1)
        self.empty = QLabel("The server listed no files for this import (no file in the "
                            "folder matched the pattern).")
        self.empty.setVisible(not self.files)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.header)
        lay.addWidget(self.tree)
        lay.addWidget(self.empty)
        lay.addWidget(buttons)

    def rows(self) -> list[tuple[str, str, str]]:
        """What the list shows: (file, result, why) per row."""
        return [(f.name, f.outcome, f.why) for f in self.files]

    @classmethod
    def present(cls, parent: QWidget | None, transfer: Transfer,
                files: list[FileOutcome]) -> ImportDetailsDialog:
        """Show without blocking (the import goes on meanwhile)."""
        dlg = cls(parent, transfer, files)
        dlg.open()
        return dlg

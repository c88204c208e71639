"""Downloading an export: choose folder and name, then a progress window you can cancel.

`DownloadDialog.ask` asks where (folder + file name, remembered per profile by the
caller); `DownloadProgress` shows bytes and progress, can cancel, and ends with
"Open" and "Show in folder". It never touches files itself: the service does.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vvdesk.format import human_size


class DownloadDialog(QDialog):
    def __init__(self, parent: QWidget | None, folder: str, name: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("Download export")
        self.folder = QLineEdit(folder)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        self.name = QLineEdit(name)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Download")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Folder", row)
        form.addRow("File name", self.name)
        form.addRow(self.buttons)
        for e in (self.folder, self.name):
            e.textChanged.connect(self._check)
        self._check()

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Download to", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def _check(self) -> None:
        ok = bool(self.folder.text().strip() and self.name.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    @classmethod
    def ask(cls, parent: QWidget | None, folder: str, name: str) -> tuple[str, str] | None:
        dlg = cls(parent, folder, name)
        if dlg.exec() == QDialog.DialogCode.Accepted:
            return dlg.folder.text().strip(), dlg.name.text().strip()
        return None


class DownloadProgress(QDialog):
    """Non-modal: one per download, updated by the throttled progress signal."""

    cancel_requested = Signal(str)
    retry_requested = Signal(str)
    recreate_requested = Signal(str)  # the file expired: create the same export again

    def __init__(self, parent: QWidget | None, export_id: str, path: str,
                 title: str = "") -> None:
        super().__init__(parent)
        self.export_id, self.path = export_id, path
        self.setWindowTitle("Downloading export")
        self.what = QLabel(f"{title or 'The export'} → {path}")
        self.what.setToolTip(f"export id: {export_id}")
        self.what.setWordWrap(True)
        self.bar = QProgressBar()
        self.bytes = QLabel("Starting…")
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.cancel_btn = QPushButton("Cancel")
        self.retry_btn = QPushButton("Try again")
        self.again_btn = QPushButton("Export again")
        self.open_btn = QPushButton("Open")
        self.folder_btn = QPushButton("Show in folder")
        self.close_btn = QPushButton("Close")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.cancel_btn, self.retry_btn, self.again_btn, self.open_btn,
                  self.folder_btn, self.close_btn):
            buttons.addWidget(b)
        for b in (self.retry_btn, self.again_btn, self.open_btn, self.folder_btn):
            b.hide()
        lay = QVBoxLayout(self)
        for w in (self.what, self.bar, self.bytes, self.state):
            lay.addWidget(w)
        lay.addLayout(buttons)
        self.cancel_btn.clicked.connect(lambda: self.cancel_requested.emit(self.export_id))
        self.retry_btn.clicked.connect(lambda: self.retry_requested.emit(self.export_id))
        self.again_btn.clicked.connect(lambda: self.recreate_requested.emit(self.export_id))
        self.open_btn.clicked.connect(lambda: self._open(self.path, "the file"))
        self.folder_btn.clicked.connect(
            lambda: self._open(str(Path(self.path).parent), "its folder"))
        self.close_btn.clicked.connect(self.close)
        self.resize(560, 190)

    def _open(self, path: str, what: str) -> None:
        """Ask the desktop to open it; say so when nothing could (no handler, no desktop)."""
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(path)):
            self.state.setText(f"The desktop could not open {what} (no application is set "
                               f"up for it here). The file is at {self.path}.")

    def restart(self) -> None:
        self.bar.setRange(0, 0)
        self.state.setText("")
        self.cancel_btn.show()
        self.retry_btn.hide()
        self.again_btn.hide()

    def set_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
            self.bytes.setText(f"{human_size(done)} of {human_size(total)}")
        else:
            self.bar.setRange(0, 0)
            self.bytes.setText(human_size(done))

    def set_done(self, path: str) -> None:
        self.path = path
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        self.state.setText(f"Saved to {path}")
        self.setWindowTitle("Export downloaded")
        self.cancel_btn.hide()
        self.open_btn.show()
        self.folder_btn.show()

    def set_failed(self, text: str, *, recreate: bool = False) -> None:
        """Stopped; offer to try again, or (the file is gone for good) to export again."""
        self.state.setText(text)
        self.setWindowTitle("Download stopped")
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.cancel_btn.hide()
        self.retry_btn.setVisible(not recreate)
        self.again_btn.setVisible(recreate)

"""Register media the server fetches from a URI (POST /videos), for accounts that use it."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from vvdesk.api.media_types import media_type

SCHEMES = ("gs://", "s3://", "https://")


class RegisterUriDialog(QDialog):
    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Register media from a URI")
        self.uri = QLineEdit(placeholderText="gs://bucket/path/video.mp4")
        self.title_edit = QLineEdit()
        self.hint = QLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QFormLayout(self)
        lay.addRow("URI:", self.uri)
        lay.addRow("Title:", self.title_edit)
        lay.addRow(self.hint)
        lay.addRow(self.buttons)
        self.uri.textChanged.connect(self._check)
        self.title_edit.textChanged.connect(self._check)
        self._check()

    def problem(self) -> str | None:
        uri, title = self.uri.text().strip(), self.title_edit.text().strip()
        if not uri.startswith(SCHEMES):
            return "The URI must start with gs://, s3:// or https://."
        if media_type(uri.split("?", 1)[0]) is None:
            return "The URI must name a supported media file (e.g. .mp4)."
        if not 1 <= len(title) <= 255:
            return "A title (1–255 characters) is required."
        return None

    def _check(self) -> None:
        why = self.problem()
        self.hint.setText(why or "")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(why is None)

    @classmethod
    def ask(cls, parent: QWidget | None) -> tuple[str, str] | None:
        """(title, uri), or None if cancelled."""
        dlg = cls(parent)
        if dlg.exec() == QDialog.DialogCode.Accepted:
            return dlg.title_edit.text().strip(), dlg.uri.text().strip()
        return None

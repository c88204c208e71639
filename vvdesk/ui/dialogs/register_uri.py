"""Register media the server fetches from a URI (POST /videos), for accounts that use it."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget

from vvdesk.ui.dialogs.ask import CheckedDialog
from vvdesk.vocab import media_type

SCHEMES = ("gs://", "s3://", "https://")


class RegisterUriDialog(CheckedDialog):
    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent, "Register media from a URI")
        self.uri = QLineEdit(placeholderText="gs://bucket/path/video.mp4")
        self.title_edit = QLineEdit()
        lay = QFormLayout(self)
        lay.addRow("URI:", self.uri)
        lay.addRow("Title:", self.title_edit)
        lay.addRow(self.hint)
        lay.addRow(self.buttons)
        self.watch(self.uri.textChanged, self.title_edit.textChanged)

    def problem(self) -> str | None:
        uri, title = self.uri.text().strip(), self.title_edit.text().strip()
        if not uri.startswith(SCHEMES):
            return "The URI must start with gs://, s3:// or https://."
        if media_type(uri.split("?", 1)[0]) is None:
            return "The URI must name a supported media file (e.g. .mp4)."
        if not 1 <= len(title) <= 255:
            return "A title (1–255 characters) is required."
        return None

    def answer(self) -> tuple[str, str]:
        """(title, uri)."""
        return self.title_edit.text().strip(), self.uri.text().strip()

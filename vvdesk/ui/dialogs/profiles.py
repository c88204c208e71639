"""Profiles: add, edit, remove and test servers. The key field is write-only.

A stored key is never read back into the dialog; leaving the field empty keeps it.
Without a usable keyring the dialog says so and keys are kept for this session only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vvdesk.services.profiles import ProbeResult, ProfileService
from vvdesk.settings import Profile
from vvdesk.ui.dialogs import ask

NEW = "(new profile)"
DEFAULT_URL = "https://api.vectormethods.com/api/v2"


class ProfileDialog(QDialog):
    connect_requested = Signal(str)

    def __init__(self, service: ProfileService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Profiles")
        self.resize(640, 360)
        self.service = service
        self.chosen: str | None = None
        self._editing: str | None = None

        self.banner = QLabel(service.vault.keyring_problem or "")
        self.banner.setObjectName("warning")
        self.banner.setWordWrap(True)
        self.banner.setVisible(bool(service.vault.keyring_problem))
        self.list = QListWidget()
        self.add_btn = QPushButton("Add")
        self.remove_btn = QPushButton("Remove…")
        self.name = QLineEdit()
        self.url = QLineEdit(placeholderText=DEFAULT_URL)
        self.key = QLineEdit()
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox("Save the key in the system keyring")
        self.remember.setChecked(service.vault.can_persist)
        self.remember.setEnabled(service.vault.can_persist)
        if not service.vault.can_persist:
            self.remember.setText("Key for this session only (no system keyring)")
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.test_btn = QPushButton("Test connection")
        self.save_btn = QPushButton("Save")
        self.connect_btn = QPushButton("Save and connect")
        self.close_btn = QPushButton("Close")

        left = QVBoxLayout()
        left.addWidget(self.list)
        row = QHBoxLayout()
        row.addWidget(self.add_btn)
        row.addWidget(self.remove_btn)
        left.addLayout(row)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("API address", self.url)
        form.addRow("API key", self.key)
        form.addRow("", self.remember)
        buttons = QHBoxLayout()
        for b in (self.test_btn, self.save_btn, self.connect_btn):
            buttons.addWidget(b)
        buttons.addStretch()
        buttons.addWidget(self.close_btn)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(self.result)
        right.addStretch()
        right.addLayout(buttons)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addLayout(right, 2)
        outer = QVBoxLayout(self)
        outer.addWidget(self.banner)
        outer.addLayout(body)

        self.list.currentTextChanged.connect(self._load)
        self.add_btn.clicked.connect(self._new)
        self.remove_btn.clicked.connect(self._remove)
        self.test_btn.clicked.connect(self._test)
        self.save_btn.clicked.connect(lambda: self._save(connect=False))
        self.connect_btn.clicked.connect(lambda: self._save(connect=True))
        self.close_btn.clicked.connect(self.reject)
        service.tested.connect(self._tested)
        service.saved.connect(self._saved)
        service.removed.connect(lambda _n: self._refill(None))
        service.failed.connect(lambda msg: self._show(False, msg))
        self._connect_after_save = False
        self._refill(None)

    # list -------------------------------------------------------------------------
    def _refill(self, select: str | None) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        names = [p.name for p in self.service.profiles()]
        self.list.addItems(names)
        self.list.blockSignals(False)
        target = select if select in names else (names[0] if names else None)
        if target is None:
            self._new()
        else:
            self.list.setCurrentRow(names.index(target))
            self._load(target)

    def _load(self, name: str) -> None:
        profile = self.service.settings.profile(name)
        if profile is None:
            return
        self._editing = profile.name
        self.name.setText(profile.name)
        self.url.setText(profile.base_url)
        self.key.clear()
        self.key.setPlaceholderText("stored — leave empty to keep the saved key")
        self.remove_btn.setEnabled(True)
        self.result.clear()

    def _new(self) -> None:
        self.list.clearSelection()
        self._editing = None
        self.name.setText("")
        self.url.setText(DEFAULT_URL)
        self.key.clear()
        self.key.setPlaceholderText("sk_live_…")
        self.remove_btn.setEnabled(False)
        self.result.clear()
        self.name.setFocus()

    # actions ----------------------------------------------------------------------
    def _show(self, ok: bool, message: str) -> None:
        self.result.setProperty("ok", ok)
        self.result.setStyleSheet("color: #1b7f3b;" if ok else "color: #b3261e;")
        self.result.setText(("✓ " if ok else "✗ ") + message)

    def _test(self) -> None:
        key = self.key.text().strip()
        if not key and self._editing:
            self.result.setText("Testing with the saved key…")
            self.service.test_saved(self._editing, self.url.text().strip())
            return
        self.result.setText("Testing…")
        self.service.test(self.url.text().strip(), key)

    def _tested(self, result: ProbeResult) -> None:
        self._show(result.ok, result.message)

    def _save(self, *, connect: bool) -> None:
        name, url = self.name.text().strip(), self.url.text().strip()
        if why := self.service.validate(name, url, self._editing):
            self._show(False, why)
            return
        key = self.key.text().strip() or None
        if key is None and self._editing is None:
            self._show(False, "Enter the API key for the new profile.")
            return
        self._connect_after_save = connect
        self.service.save(Profile(name, url), key, remember=self.remember.isChecked(),
                          replacing=self._editing)

    def _saved(self, name: str) -> None:
        self._refill(name)
        where = "the system keyring" if self.remember.isChecked() else "this session only"
        self._show(True, f"Saved “{name}” (key in {where}).")
        if self._connect_after_save:
            self.chosen = name
            self.connect_requested.emit(name)
            self.accept()

    def _remove(self) -> None:
        if self._editing and ask.confirm(
                self, "Remove profile",
                f"Remove the profile “{self._editing}” and its saved key?", "Remove"):
            self.service.remove(self._editing)

"""Profiles: add, edit, remove and test servers. The key field is write-only.

A stored key is never read back into the dialog; leaving the field empty keeps it.
Without a usable keyring the dialog says so and keys are kept for this session only.
The dialog checks what was typed and emits what the user asks for; the profiles
controller (vvdesk/controllers/profiles.py) tests, saves and removes.
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

from vvdesk.settings import Profile, Settings
from vvdesk.ui.dialogs import ask
from vvdesk.ui.theme import Tone, set_tone
from vvdesk.vocab import check_api_key, check_base_url, origin_text, same_origin

NEW = "(new profile)"
DEFAULT_URL = "https://api.vectormethods.com/api/v2"


class ProfileDialog(QDialog):
    connect_requested = Signal(str)
    test_requested = Signal(str, str)  # base URL, key typed
    test_saved_requested = Signal(str, str)  # profile name (its stored key), base URL
    save_requested = Signal(object, object, bool, object)  # Profile, key|None, remember,
    #                                                        the name it replaces|None
    remove_requested = Signal(str)

    def __init__(self, settings: Settings, *, keyring_problem: str = "",
                 can_persist: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Profiles")
        self.resize(640, 360)
        self.settings = settings
        self.chosen: str | None = None
        self._editing: str | None = None

        self.banner = QLabel(keyring_problem)
        self.banner.setObjectName("warning")
        self.banner.setWordWrap(True)
        self.banner.setVisible(bool(keyring_problem))
        self.list = QListWidget()
        self.add_btn = QPushButton("Add")
        self.remove_btn = QPushButton("Remove…")
        self.name = QLineEdit()
        self.url = QLineEdit(placeholderText=DEFAULT_URL)
        self.key = QLineEdit()
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.url_hint = self._hint()
        self.key_hint = self._hint()
        self.remember = QCheckBox("Save the key in the system keyring")
        self.remember.setChecked(can_persist)
        self.remember.setEnabled(can_persist)
        # without a keyring the banner above says keys last this session only; an unchecked,
        # greyed "for this session only" box read as the opposite of what happens
        self.remember.setVisible(can_persist)
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
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
        form.addRow("", self.url_hint)
        form.addRow("API key", self.key)
        form.addRow("", self.key_hint)
        form.addRow("", self.remember)
        buttons = QHBoxLayout()
        for b in (self.test_btn, self.save_btn, self.connect_btn):
            buttons.addWidget(b)
        buttons.addStretch()
        buttons.addWidget(self.close_btn)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(self.outcome)
        right.addStretch()
        right.addLayout(buttons)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addLayout(right, 2)
        outer = QVBoxLayout(self)
        outer.addWidget(self.banner)
        outer.addLayout(body)

        self.list.currentTextChanged.connect(self._load)
        self.url.textChanged.connect(self._check_fields)
        self.key.textChanged.connect(self._check_fields)
        self.add_btn.clicked.connect(self._new)
        self.remove_btn.clicked.connect(self._remove)
        self.test_btn.clicked.connect(self._test)
        self.save_btn.clicked.connect(lambda: self._save(connect=False))
        self.connect_btn.clicked.connect(lambda: self._save(connect=True))
        self.close_btn.clicked.connect(self.reject)
        self._connect_after_save = False
        self._refill(None)

    @staticmethod
    def _hint() -> QLabel:
        hint = QLabel()
        hint.setWordWrap(True)
        hint.setVisible(False)
        set_tone(hint, Tone.ERROR)
        return hint

    # field checks (as you type and on Save) -----------------------------------------
    def _saved_url(self) -> str | None:
        profile = self.settings.profile(self._editing) if self._editing else None
        return profile.base_url if profile else None

    def origin_changed(self) -> bool:
        """The address points to another server than the one the stored key was saved for."""
        saved = self._saved_url()
        return saved is not None and not same_origin(saved, self.url.text())

    def url_problem(self) -> str | None:
        return check_base_url(self.url.text())

    def key_problem(self) -> str | None:
        """Why the typed key cannot be used, or why a key must be typed; None when fine."""
        key = self.key.text().strip()
        if key:
            return check_api_key(key)
        saved = self._saved_url()
        if saved is not None and self.origin_changed() and self.url_problem() is None:
            return (f"The address now points to another server. Type the API key again: "
                    f"the saved key is only sent to {origin_text(saved)}.")
        return None

    def _check_fields(self) -> None:
        for hint, why in ((self.url_hint, self.url_problem() if self.url.text() else None),
                          (self.key_hint, self.key_problem())):
            hint.setText(why or "")
            hint.setVisible(bool(why))

    # list -------------------------------------------------------------------------
    def _refill(self, select: str | None) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        names = [p.name for p in self.settings.profiles()]
        self.list.addItems(names)
        self.list.blockSignals(False)
        target = select if select in names else (names[0] if names else None)
        if target is None:
            self._new()
        else:
            self.list.setCurrentRow(names.index(target))
            self._load(target)

    def _load(self, name: str) -> None:
        profile = self.settings.profile(name)
        if profile is None:
            return
        self._editing = profile.name
        self.name.setText(profile.name)
        self.url.setText(profile.base_url)
        self.key.clear()
        self.key.setPlaceholderText("stored — leave empty to keep the saved key")
        self.remove_btn.setEnabled(True)
        self.outcome.clear()
        self._check_fields()

    def _new(self) -> None:
        self.list.clearSelection()
        self._editing = None
        self.name.setText("")
        self.url.setText(DEFAULT_URL)
        self.key.clear()
        self.key.setPlaceholderText("sk_live_…")
        self.remove_btn.setEnabled(False)
        self.outcome.clear()
        self._check_fields()
        self.name.setFocus()

    # actions ----------------------------------------------------------------------
    def show_failed(self, message: str) -> None:
        self._show(False, message)

    def show_removed(self, _name: str) -> None:
        self._refill(None)

    def _show(self, ok: bool, message: str) -> None:
        self.outcome.setProperty("ok", ok)
        set_tone(self.outcome, Tone.SUCCESS if ok else Tone.ERROR)
        self.outcome.setText(("✓ " if ok else "✗ ") + message)

    def _test(self) -> None:
        key = self.key.text().strip()
        self._check_fields()
        if why := self.url_problem() or self.key_problem():
            self._show(False, why)
            return
        if not key and self._editing:
            self.outcome.setText("Testing with the saved key…")
            self.test_saved_requested.emit(self._editing, self.url.text().strip())
            return
        self.outcome.setText("Testing…")
        self.test_requested.emit(self.url.text().strip(), key)

    def show_tested(self, ok: bool, message: str) -> None:
        self._show(ok, message)

    def problem(self, name: str, base_url: str) -> str | None:
        """Why the profile cannot be saved as entered, or None."""
        if not name:
            return "Give the profile a name."
        if name != self._editing and self.settings.profile(name):
            return f"A profile named “{name}” already exists."
        return check_base_url(base_url) or self.key_problem()

    def _save(self, *, connect: bool) -> None:
        name, url = self.name.text().strip(), self.url.text().strip()
        self._check_fields()
        if why := self.problem(name, url):
            self._show(False, why)
            return
        key = self.key.text().strip() or None
        if key is None and self._editing is None:
            self._show(False, "Enter the API key for the new profile.")
            return
        self._connect_after_save = connect
        self.save_requested.emit(Profile(name, url), key, self.remember.isChecked(),
                                 self._editing)

    def show_saved(self, name: str) -> None:
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
            self.remove_requested.emit(self._editing)

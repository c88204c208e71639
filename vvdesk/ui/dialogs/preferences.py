"""Preferences: how the app looks (follow the system's light/dark setting, or always one).

A choice shows at once (preview); Cancel puts the previous look back.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from vvdesk.settings import ColorSchemeChoice

LABELS = {ColorSchemeChoice.SYSTEM: "Same as the system",
          ColorSchemeChoice.LIGHT: "Light",
          ColorSchemeChoice.DARK: "Dark"}


TIPS = {ColorSchemeChoice.SYSTEM: "Light or dark as your desktop is set (changes with it)",
        ColorSchemeChoice.LIGHT: "Always the light look",
        ColorSchemeChoice.DARK: "Always the dark look"}


class PreferencesDialog(QDialog):
    def __init__(self, current: ColorSchemeChoice, preview: Callable[[ColorSchemeChoice], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self._preview = preview
        box = QGroupBox("Appearance")
        box_lay = QVBoxLayout(box)
        self.group = QButtonGroup(self)
        self.buttons: dict[ColorSchemeChoice, QRadioButton] = {}
        for choice, label in LABELS.items():
            radio = QRadioButton(label)
            radio.setToolTip(TIPS[choice])
            radio.setChecked(choice is current)
            radio.toggled.connect(lambda on, c=choice: on and self._preview(c))
            self.group.addButton(radio)
            self.buttons[choice] = radio
            box_lay.addWidget(radio)
        note = QLabel("“Same as the system” follows your desktop’s light or dark setting, "
                      "also when it changes while vvdesk is open.")
        note.setWordWrap(True)
        box_lay.addWidget(note)
        self.box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                    | QDialogButtonBox.StandardButton.Cancel)
        self.box.accepted.connect(self.accept)
        self.box.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(box)
        lay.addWidget(self.box)

    def choice(self) -> ColorSchemeChoice:
        return next(c for c, b in self.buttons.items() if b.isChecked())

    @classmethod
    def ask(cls, parent: QWidget | None, current: ColorSchemeChoice,
            preview: Callable[[ColorSchemeChoice], None]) -> ColorSchemeChoice | None:
        """The chosen scheme, or None when cancelled (the caller restores the previous)."""
        dlg = cls(current, preview, parent)
        return dlg.choice() if dlg.exec() == QDialog.DialogCode.Accepted else None

"""Small questions: confirm a destructive action, ask for a name. Tests replace these."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)


def confirm(parent: QWidget | None, title: str, text: str, ok_text: str = "Delete") -> bool:
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent)
    ok = box.addButton(ok_text, QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is ok


class CheckedDialog(QDialog):
    """A form dialog whose OK stays disabled, with the reason shown, until it is valid.

    Subclasses build their fields, call `watch(signal, ...)` for each edit, and define
    `problem()` (why not yet valid, or None) and `answer()` (what `ask` returns).
    """

    def __init__(self, parent: QWidget | None, title: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def watch(self, *signals: Any) -> None:
        for signal in signals:
            signal.connect(self._check)
        self._check()

    def problem(self) -> str | None:
        return None

    def answer(self) -> Any:
        raise NotImplementedError

    def _check(self, *_: object) -> None:
        why = self.problem()
        self.hint.setText(why or "")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(why is None)

    @classmethod
    def ask(cls, parent: QWidget | None, *args: Any, **kw: Any) -> Any | None:
        dlg = cls(parent, *args, **kw)
        return dlg.answer() if dlg.exec() == QDialog.DialogCode.Accepted else None


class NameDialog(CheckedDialog):
    """Ask for a name with inline validation (OK stays disabled until it is valid)."""

    def __init__(self, parent: QWidget | None, title: str, label: str, *,
                 max_len: int = 255, initial: str = "") -> None:
        super().__init__(parent, title)
        self._max = max_len
        self.edit = QLineEdit(initial)
        self.edit.setMaxLength(max_len + 1)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(label))
        lay.addWidget(self.edit)
        lay.addWidget(self.hint)
        lay.addWidget(self.buttons)
        self.watch(self.edit.textChanged)

    def problem(self) -> str | None:
        name = self.edit.text().strip()
        if not name:
            return "A name is required."
        if len(name) > self._max:
            return f"At most {self._max} characters."
        return None

    def answer(self) -> str:
        return self.edit.text().strip()


def unsaved_changes(parent: QWidget | None, what: str) -> str:
    """'save', 'discard' or 'cancel' for unsaved edits of `what`."""
    box = QMessageBox(QMessageBox.Icon.Question, "Unsaved changes",
                      f"Save your changes to {what}?", parent=parent)
    buttons: dict[QAbstractButton, str] = {
        box.addButton(QMessageBox.StandardButton.Save): "save",
        box.addButton(QMessageBox.StandardButton.Discard): "discard",
        box.addButton(QMessageBox.StandardButton.Cancel): "cancel",
    }
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    box.exec()
    return buttons.get(box.clickedButton(), "cancel")

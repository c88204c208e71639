"""Small questions: confirm a destructive action, ask for a name. Tests replace these."""

from __future__ import annotations

from PySide6.QtWidgets import (
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


class NameDialog(QDialog):
    """Ask for a name with inline validation (OK stays disabled until it is valid)."""

    def __init__(self, parent: QWidget | None, title: str, label: str, *,
                 max_len: int = 255, initial: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._max = max_len
        self.edit = QLineEdit(initial)
        self.edit.setMaxLength(max_len + 1)
        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(label))
        lay.addWidget(self.edit)
        lay.addWidget(self.hint)
        lay.addWidget(self.buttons)
        self.edit.textChanged.connect(self._check)
        self._check()

    def problem(self) -> str | None:
        name = self.edit.text().strip()
        if not name:
            return "A name is required."
        if len(name) > self._max:
            return f"At most {self._max} characters."
        return None

    def _check(self) -> None:
        why = self.problem()
        self.hint.setText(why or "")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(why is None)

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, label: str, **kw: object) -> str | None:
        dlg = cls(parent, title, label, **kw)  # type: ignore[arg-type]
        if dlg.exec() == QDialog.DialogCode.Accepted:
            return dlg.edit.text().strip()
        return None


def unsaved_changes(parent: QWidget | None, what: str) -> str:
    """'save', 'discard' or 'cancel' for unsaved edits of `what`."""
    box = QMessageBox(QMessageBox.Icon.Question, "Unsaved changes",
                      f"Save your changes to {what}?", parent=parent)
    buttons = {
        box.addButton(QMessageBox.StandardButton.Save): "save",
        box.addButton(QMessageBox.StandardButton.Discard): "discard",
        box.addButton(QMessageBox.StandardButton.Cancel): "cancel",
    }
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    box.exec()
    return buttons.get(box.clickedButton(), "cancel")

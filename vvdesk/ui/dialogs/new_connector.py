"""Create an S3, GCS or Azure connector, or edit one. Secrets are typed here, sent once,
never kept.

Editing (`existing` given) shows the same form prefilled; only the name, the uses, the import
mode and the export folder can change (the API's PATCH; the bucket and the credentials stay
as stored, and the form says so). The edit form stays open while saving: it emits
`submitted(changes)` and shows the server's answer with `show_save_failed`, or is closed by
its owner when the save succeeded.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vvdesk.ui.keyboard import describe
from vvdesk.ui.theme import Tone, set_tone
from vvdesk.vocab import PROVIDERS

FIELDS: dict[str, list[tuple[str, str, bool]]] = {  # name, label, secret
    "s3": [("bucket", "Bucket", False), ("region", "Region", False),
           ("aws_access_key_id", "Access key id", False),
           ("aws_secret_access_key", "Secret access key", True)],
    "gcs": [("bucket", "Bucket", False), ("gcp_project_id", "Project id", False)],
    "azure": [("storage_account", "Storage account", False), ("container", "Container", False),
              ("tenant_id", "Tenant id", False), ("client_id", "Client id", False),
              ("client_secret", "Client secret", True)],
}


class NewConnectorDialog(QDialog):
    submitted = Signal(dict)  # edit mode: the changed fields (API names), to PATCH

    def __init__(self, provider: str, parent: QWidget | None = None,
                 existing: Any | None = None) -> None:
        super().__init__(parent)
        self.provider = provider
        self.existing = existing
        self.setWindowTitle(f"New {PROVIDERS[provider]} connector" if existing is None
                            else f"Edit “{existing.name}”")
        self.name = QLineEdit()
        describe(self.name, "Name", "The name vvdesk shows for this connector (1 to 100 "
                 "characters)")
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout()
        form.addRow("Name", self.name)
        for key, label, secret in FIELDS[provider]:
            edit = QLineEdit()
            describe(edit, label, f"{label} of the {PROVIDERS[provider]} account"
                     + (" (sent once, never stored or shown again)" if secret else ""))
            if secret:
                edit.setEchoMode(QLineEdit.EchoMode.Password)
                edit.setPlaceholderText("sent once, never stored or shown again")
            self.edits[key] = edit
            form.addRow(label, edit)
        self.credentials_path = ""
        if provider == "gcs":
            self.cred_label = QLabel("No file chosen")
            self.cred_pick = QPushButton("Choose credentials JSON…")
            self.cred_pick.clicked.connect(self._pick_credentials)
            describe(self.cred_pick, None, "Choose the service account key (a JSON file "
                     "downloaded from Google Cloud); it is sent once, never stored")
            row = QHBoxLayout()
            row.addWidget(self.cred_label, 1)
            row.addWidget(self.cred_pick)
            form.addRow("Service account key", row)
        self.scope_import = QCheckBox("Import")
        self.scope_import.setChecked(True)
        self.scope_export = QCheckBox("Export")
        describe(self.scope_import, "Use for import", "Media can be imported from the bucket")
        describe(self.scope_export, "Use for export", "Exports can be delivered into the bucket")
        scopes = QHBoxLayout()
        scopes.addWidget(self.scope_import)
        scopes.addWidget(self.scope_export)
        form.addRow("Use for", scopes)
        self.import_mode = QComboBox()
        self.import_mode.addItem("All files, including those already there", "all")
        self.import_mode.addItem("Only files added from now on", "new_only")
        form.addRow("Import", self.import_mode)
        describe(self.import_mode, "Import", "Which files an import automation brings in")
        self.export_base = QLineEdit(placeholderText="vvdesk-exports (folder for exports)")
        form.addRow("Export folder", self.export_base)
        describe(self.export_base, "Export folder",
                 "The folder in the bucket that exports are delivered into")
        self.error = QLabel()
        set_tone(self.error, Tone.ERROR)
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.save_btn = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.save_btn.setText("Create")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        self.kept_note = QLabel()
        self.kept_note.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.kept_note)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)
        self.kept_note.hide()
        if existing is not None:
            self._prefill(existing)

    def _prefill(self, c: Any) -> None:
        """Edit mode: what the server has; what cannot change is shown but locked."""
        self.save_btn.setText("Save")
        self.name.setText(c.name or "")
        for key, _label, secret in FIELDS[self.provider]:
            edit = self.edits[key]
            edit.setReadOnly(True)
            edit.setEnabled(False)  # shown locked
            value = None if secret else getattr(c, key, None)
            if value:
                edit.setText(str(value))
            else:  # secrets, and ids the server does not send back
                edit.setPlaceholderText("kept: the stored value stays as it is")
            edit.setToolTip("Cannot be changed on an existing connector")
        if self.provider == "gcs":
            self.cred_label.setText("kept: the stored key stays as it is")
            self.cred_pick.setEnabled(False)
        scopes = c.scopes or []
        self.scope_import.setChecked("import" in scopes)
        self.scope_export.setChecked("export" in scopes)
        self.import_mode.setCurrentIndex(max(0, self.import_mode.findData(c.import_mode)))
        self.export_base.setText(c.export_base_path or "")
        where = "bucket" if self.provider != "azure" else "storage account and container"
        self.kept_note.setText(
            f"You can change the name, what the connector is used for, the import mode and "
            f"the export folder. The {where} and the credentials stay as they are stored "
            "(the server does not let them change); to use other ones, add a new connector.")
        self.kept_note.show()
    def _pick_credentials(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Service account key", "",
                                              "JSON files (*.json)")
        if path:
            self.credentials_path = path
            self.cred_label.setText(path.rsplit("/", 1)[-1])

    def problem(self) -> str | None:
        name = self.name.text().strip()
        if not 1 <= len(name) <= 100:
            return "Give the connector a name (1 to 100 characters)."
        missing = [label for key, label, _s in FIELDS[self.provider]
                   if not self.edits[key].text().strip()]
        if missing and self.existing is None:
            return f"Fill in: {', '.join(missing)}."
        if self.provider == "gcs" and not self.credentials_path and self.existing is None:
            return "Choose the service account key (a JSON file)."
        if not (self.scope_import.isChecked() or self.scope_export.isChecked()):
            return "Use the connector for import, export or both."
        base = self.export_base.text().strip()
        if base.startswith("/") or ".." in base.split("/") or "\\" in base:
            return "The export folder must be a relative path inside the bucket."
        return None

    def values(self) -> dict[str, Any]:
        fields: dict[str, Any] = {k: e.text().strip() for k, e in self.edits.items()}
        fields["name"] = self.name.text().strip()
        fields["scopes"] = [s for s, box in (("import", self.scope_import),
                                             ("export", self.scope_export)) if box.isChecked()]
        fields["import_mode"] = self.import_mode.currentData()
        if base := self.export_base.text().strip():
            fields["export_base_path"] = base
        if self.provider == "gcs":
            fields["credentials_path"] = self.credentials_path
        return fields

    def changes(self) -> dict[str, Any]:
        """Edit mode: the fields that differ from what the server has (API names)."""
        c = self.existing
        if c is None:
            return {}
        now = self.values()
        out: dict[str, Any] = {}
        if now["name"] != c.name:
            out["name"] = now["name"]
        if now["scopes"] != [s for s in ("import", "export") if s in (c.scopes or [])]:
            out["scopes"] = now["scopes"]
        if now["import_mode"] != c.import_mode:
            out["import_mode"] = now["import_mode"]
        base = now.get("export_base_path")
        if (base or None) != (c.export_base_path or None):
            out["export_base_path"] = base  # None clears it
        return out

    def _accept(self) -> None:
        if why := self.problem():
            self.error.setText(why)
            return
        if self.existing is None:
            self.accept()
            return
        changes = self.changes()
        if not changes:
            self.accept()  # nothing to save
            return
        self.error.setText("")
        self.save_btn.setEnabled(False)
        self.save_btn.setText("Saving…")
        self.submitted.emit(changes)

    def show_save_failed(self, problem: Any) -> None:
        """The server refused the edit: say why here; the form stays as typed."""
        self.save_btn.setEnabled(True)
        self.save_btn.setText("Save")
        self.error.setText(f"The changes were not saved: {problem}")

    @classmethod
    def ask(cls, parent: QWidget | None, provider: str) -> dict[str, Any] | None:
        dlg = cls(provider, parent)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return None
        values = dlg.values()
        for edit in dlg.edits.values():  # drop the secrets from the widgets right away
            edit.clear()
        return values

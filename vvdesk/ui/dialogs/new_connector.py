"""Create an S3, GCS or Azure connector. Secrets are typed here, sent once, never kept."""

from __future__ import annotations

from typing import Any

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

from vvdesk.ui.theme import Tone, set_tone

PROVIDERS = {"s3": "Amazon S3", "gcs": "Google Cloud Storage", "azure": "Azure Blob Storage"}
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
    def __init__(self, provider: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.provider = provider
        self.setWindowTitle(f"New {PROVIDERS[provider]} connector")
        self.name = QLineEdit()
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout()
        form.addRow("Name", self.name)
        for key, label, secret in FIELDS[provider]:
            edit = QLineEdit()
            if secret:
                edit.setEchoMode(QLineEdit.EchoMode.Password)
                edit.setPlaceholderText("sent once, never stored or shown again")
            self.edits[key] = edit
            form.addRow(label, edit)
        self.credentials_path = ""
        if provider == "gcs":
            self.cred_label = QLabel("No file chosen")
            pick = QPushButton("Choose credentials JSON…")
            pick.clicked.connect(self._pick_credentials)
            row = QHBoxLayout()
            row.addWidget(self.cred_label, 1)
            row.addWidget(pick)
            form.addRow("Service account key", row)
        self.scope_import = QCheckBox("Import")
        self.scope_import.setChecked(True)
        self.scope_export = QCheckBox("Export")
        scopes = QHBoxLayout()
        scopes.addWidget(self.scope_import)
        scopes.addWidget(self.scope_export)
        form.addRow("Use for", scopes)
        self.import_mode = QComboBox()
        self.import_mode.addItem("All files, including those already there", "all")
        self.import_mode.addItem("Only files added from now on", "new_only")
        form.addRow("Import", self.import_mode)
        self.export_base = QLineEdit(placeholderText="vvdesk-exports (folder for exports)")
        form.addRow("Export folder", self.export_base)
        self.error = QLabel()
        set_tone(self.error, Tone.ERROR)
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)

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
        if missing:
            return f"Fill in: {', '.join(missing)}."
        if self.provider == "gcs" and not self.credentials_path:
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

    def _accept(self) -> None:
        if why := self.problem():
            self.error.setText(why)
            return
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, provider: str) -> dict[str, Any] | None:
        dlg = cls(provider, parent)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return None
        values = dlg.values()
        for edit in dlg.edits.values():  # drop the secrets from the widgets right away
            edit.clear()
        return values

"""The two automation forms. Each knows its fields, shows an error under the field that
has one, and reports its values as the dict the API takes.

Errors follow the edits: the folder fields are checked as they are typed (the same Qt-free
rules as on Save, vvdesk.vocab), any other field's error goes as soon as the field is right,
and an error the server gave for a field goes when that field is edited."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import Signal, SignalInstance
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vvdesk.format import when
from vvdesk.ui.keyboard import describe
from vvdesk.ui.theme import Tone, set_tone
from vvdesk.vocab import DEBOUNCE_CHOICES, AutomationKind, automation_problems, field_label

DEBOUNCE_LABELS = {"5m": "5 minutes", "10m": "10 minutes", "1h": "1 hour", "1d": "1 day"}


def connector_label(c: Any) -> str:
    where = c.bucket or c.container or c.storage_account or ""
    return f"{c.name} ({c.provider}{': ' + where if where else ''})"


def fill_combo(combo: QComboBox, items: list[tuple[str, str]], keep: str | None) -> None:
    """Replace the items (label, value); keep the selected value, even if no longer listed."""
    combo.blockSignals(True)
    combo.clear()
    combo.addItem("— choose —", "")
    for label, value in items:
        combo.addItem(label, value)
    if keep and combo.findData(keep) < 0:
        combo.addItem(f"(missing: {keep})", keep)
    combo.setCurrentIndex(max(0, combo.findData(keep or "")))
    combo.blockSignals(False)


class AutomationForm(QGroupBox):
    changed = Signal()
    pause_clicked = Signal(bool)  # True = pause, False = resume
    browse_clicked = Signal()

    FIELDS: tuple[str, ...] = ()
    KIND: ClassVar[AutomationKind]
    INLINE: ClassVar[frozenset[str]] = frozenset()  # checked while typed, not only on Save

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.state = QLabel()
        self.enabled = QCheckBox("Enabled")
        describe(self.enabled, None, "Turn this automation on or off")
        self.errors: dict[str, QLabel] = {}
        self.labels: dict[str, str] = {}  # field → the label of its row
        self.general_error = QLabel()
        set_tone(self.general_error, Tone.ERROR)
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        self.pause_btn = QPushButton("Pause")
        describe(self.pause_btn, None, "Stop acting on changes for now; the settings stay")
        self.resume_btn = QPushButton("Resume")
        describe(self.resume_btn, None, "Act on changes again")
        self.pause_btn.clicked.connect(lambda: self.pause_clicked.emit(True))
        self.resume_btn.clicked.connect(lambda: self.pause_clicked.emit(False))
        self.form = QFormLayout()
        lay = QVBoxLayout(self)
        lay.addWidget(self.state)
        lay.addWidget(self.enabled)
        lay.addLayout(self.form)
        lay.addWidget(self.general_error)
        row = QHBoxLayout()
        row.addWidget(self.pause_btn)
        row.addWidget(self.resume_btn)
        row.addStretch()
        lay.addLayout(row)
        self.enabled.toggled.connect(self._changed)
        self.saved: dict[str, Any] | None = None

    def with_browse(self, edit: QLineEdit) -> QWidget:
        """The edit with a "Browse…" button beside it (the connector browser picks a folder)."""
        self.browse = QPushButton("Browse…")
        describe(self.browse, None, "Pick the folder in the connector's bucket")
        self.browse.clicked.connect(self.browse_clicked.emit)
        row = QWidget()
        lay = QHBoxLayout(row)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(edit)
        lay.addWidget(self.browse)
        return row

    def _changed(self, *_: object) -> None:
        self.changed.emit()

    def add_field(self, name: str, label: str, widget: QWidget) -> None:
        err = QLabel()
        set_tone(err, Tone.ERROR)
        err.setWordWrap(True)
        err.hide()
        box = QVBoxLayout()
        box.setSpacing(2)
        box.addWidget(widget)
        box.addWidget(err)
        self.form.addRow(label, box)
        self.errors[name] = err
        self.labels[name] = label

    def watch(self, name: str, *signals: SignalInstance) -> None:
        """These signals mean the user edited field `name`."""
        for sig in signals:
            sig.connect(lambda *_a, n=name: self.field_edited(n))

    def field_edited(self, name: str) -> None:
        """Recheck a field after an edit: a folder field says what is wrong as it is
        typed; any other shown error (the server's too) goes once the field passes the
        checks Save makes, or says what those checks find now."""
        err = self.errors.get(name)
        if err is None or not (name in self.INLINE or err.isVisibleTo(self)):
            return
        why = self.problem(name)
        err.setText(why)
        err.setVisible(bool(why))

    def problem(self, name: str) -> str:
        """What the Save check would say about this field now ('' when it is right)."""
        return automation_problems(self.KIND, self.values()).get(name, "")

    def show_errors(self, problems: dict[str, str], general: str = "") -> None:
        for name, label in self.errors.items():
            label.setText(problems.get(name, ""))
            label.setVisible(name in problems)
        self.general_error.setText(general)
        self.general_error.setVisible(bool(general))

    def field_for(self, server_field: str | None) -> str | None:
        """The field of this form a server error names ("prompt_preset.prompt_id",
        ["body", "source_prefix"]…): by name, else by the label a person knows it by."""
        if not server_field:
            return None
        name = server_field.split(".")[0]
        if name in self.errors:
            return name
        label = field_label(server_field)
        return next((n for n, lab in self.labels.items() if lab and lab == label), None)

    def show_server_error(self, server_field: str | None, message: str) -> bool:
        """Put the server's verdict under the field it names; False if none matches."""
        name = self.field_for(server_field)
        if name is None:
            return False
        self.show_errors({name: message})
        return True

    def show_saved(self, cfg: dict[str, Any] | None) -> None:
        """Load a saved configuration (None: nothing saved yet) and show its state."""
        self.saved = cfg
        self.set_values(cfg or self.defaults())
        self.show_errors({})
        if cfg is None:
            self.state.setText("<i>No automation yet.</i> Fill in the form and Save.")
        else:
            paused, enabled = cfg.get("paused"), cfg.get("enabled")
            word = "Paused" if paused else ("Active" if enabled else "Disabled")
            self.state.setText(f"<b>{word}</b> · saved {when(cfg.get('updated_at'))}")
        self.pause_btn.setEnabled(cfg is not None and not cfg.get("paused"))
        self.resume_btn.setEnabled(cfg is not None and bool(cfg.get("paused")))

    def is_dirty(self) -> bool:
        current = self.values()
        base = self.saved if self.saved is not None else self.defaults()
        return any(current.get(k) != base.get(k) for k in self.FIELDS if k != "paused")

    # per form ----------------------------------------------------------------------
    def defaults(self) -> dict[str, Any]:
        raise NotImplementedError

    def values(self) -> dict[str, Any]:
        raise NotImplementedError

    def set_values(self, cfg: dict[str, Any]) -> None:
        raise NotImplementedError


class ImportForm(AutomationForm):
    FIELDS = ("enabled", "paused", "connector_id", "source_prefix", "file_pattern",
              "recursive", "debounce_interval", "prompt_preset")
    KIND = "import"
    INLINE = frozenset({"source_prefix"})

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Import automation — watch a connector folder", parent)
        self._connector_items: list[tuple[str, str]] = []
        self._prompt_items: list[tuple[str, str]] = []
        self.connector = QComboBox()
        self.prefix = QLineEdit(placeholderText="incoming/ (empty: the whole bucket)")
        describe(self.prefix, None,
                 "The folder in the bucket to watch; empty watches the whole bucket")
        prefix_row = self.with_browse(self.prefix)
        self.pattern = QLineEdit(placeholderText="*.mp4")
        describe(self.pattern, None, "Which files to import, for example *.mp4 or *.{mp4,mov}")
        self.recursive = QCheckBox("Include subfolders")
        describe(self.recursive, None, "Also import files in folders below the watched folder")
        self.debounce = QComboBox()
        for value in DEBOUNCE_CHOICES:
            self.debounce.addItem(DEBOUNCE_LABELS[value], value)
        self.prompt = QComboBox()
        self.add_field("connector_id", "Connector", self.connector)
        self.add_field("source_prefix", "Folder", prefix_row)
        self.add_field("file_pattern", "Files", self.pattern)
        self.add_field("recursive", "", self.recursive)
        self.add_field("debounce_interval", "Wait after last change", self.debounce)
        self.add_field("prompt_preset", "Prompt to run", self.prompt)
        for sig in (self.connector.currentIndexChanged, self.prefix.textChanged,
                    self.pattern.textChanged, self.recursive.toggled,
                    self.debounce.currentIndexChanged, self.prompt.currentIndexChanged):
            sig.connect(self._changed)
        self.watch("connector_id", self.connector.currentIndexChanged)
        self.watch("source_prefix", self.prefix.textChanged)
        self.watch("file_pattern", self.pattern.textChanged)
        self.watch("debounce_interval", self.debounce.currentIndexChanged)
        self.watch("prompt_preset", self.prompt.currentIndexChanged)

    def defaults(self) -> dict[str, Any]:
        return {"enabled": True, "paused": False, "connector_id": "", "source_prefix": "",
                "file_pattern": "*", "recursive": True, "debounce_interval": "10m",
                "prompt_preset": {"prompt_id": ""}}

    def values(self) -> dict[str, Any]:
        paused = bool((self.saved or {}).get("paused", False))
        return {"enabled": self.enabled.isChecked(), "paused": paused,
                "connector_id": self.connector.currentData() or "",
                "source_prefix": self.prefix.text().strip(),
                "file_pattern": self.pattern.text().strip(),
                "recursive": self.recursive.isChecked(),
                "debounce_interval": self.debounce.currentData(),
                "prompt_preset": {**((self.saved or {}).get("prompt_preset") or {}),
                                  "prompt_id": self.prompt.currentData() or ""}}

    def set_values(self, cfg: dict[str, Any]) -> None:
        self.enabled.setChecked(bool(cfg.get("enabled", True)))
        fill_combo(self.connector, self._connector_items, cfg.get("connector_id"))
        self.prefix.setText(str(cfg.get("source_prefix") or ""))
        self.pattern.setText(str(cfg.get("file_pattern") or ""))
        self.recursive.setChecked(bool(cfg.get("recursive", True)))
        i = self.debounce.findData(cfg.get("debounce_interval"))
        if i < 0 and cfg.get("debounce_interval"):
            self.debounce.addItem(f"{cfg['debounce_interval']} (not supported)",
                                  cfg["debounce_interval"])
            i = self.debounce.count() - 1
        self.debounce.setCurrentIndex(max(i, 0))
        fill_combo(self.prompt, self._prompt_items,
                   (cfg.get("prompt_preset") or {}).get("prompt_id"))

    def set_choices(self, connectors: list[Any], prompts: list[Any] | None = None) -> None:
        keep = self.values()
        self._connector_items = [(connector_label(c), c.connector_id) for c in connectors]
        if prompts is not None:
            self._prompt_items = [(p.name, p.prompt_id) for p in prompts]
        fill_combo(self.connector, self._connector_items, keep["connector_id"])
        fill_combo(self.prompt, self._prompt_items, keep["prompt_preset"]["prompt_id"])


class ExportForm(AutomationForm):
    FIELDS = ("enabled", "paused", "destination_connector_id", "destination_subpath")
    KIND = "export"
    INLINE = frozenset({"destination_subpath"})

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Export automation — deliver this index's exports", parent)
        self.connector = QComboBox()
        self.subpath = QLineEdit(placeholderText="exports/review-team (inside the export folder)")
        describe(self.subpath, None, "Where in the connector's export folder the exports go")
        row = self.with_browse(self.subpath)
        self.add_field("destination_connector_id", "Connector", self.connector)
        self.add_field("destination_subpath", "Sub-folder", row)
        self.connector.currentIndexChanged.connect(self._changed)
        self.subpath.textChanged.connect(self._changed)
        self.watch("destination_connector_id", self.connector.currentIndexChanged)
        self.watch("destination_subpath", self.subpath.textChanged)
        self._items: list[tuple[str, str]] = []

    def defaults(self) -> dict[str, Any]:
        return {"enabled": True, "paused": False, "destination_connector_id": "",
                "destination_subpath": ""}

    def values(self) -> dict[str, Any]:
        return {"enabled": self.enabled.isChecked(),
                "paused": bool((self.saved or {}).get("paused", False)),
                "destination_connector_id": self.connector.currentData() or "",
                "destination_subpath": self.subpath.text().strip()}

    def set_values(self, cfg: dict[str, Any]) -> None:
        self.enabled.setChecked(bool(cfg.get("enabled", True)))
        fill_combo(self.connector, self._items, cfg.get("destination_connector_id"))
        self.subpath.setText(str(cfg.get("destination_subpath") or ""))

    def set_choices(self, connectors: list[Any]) -> None:
        keep = self.values()["destination_connector_id"]
        self._items = [(connector_label(c), c.connector_id) for c in connectors]
        fill_combo(self.connector, self._items, keep)

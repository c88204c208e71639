"""Tab "Automations": the selected index's import and export automations.

Save sends a create-or-replace PUT of each changed form (after checking every field);
a server 422 lands under the field it names. Unsaved changes are marked and guarded when
switching index or closing (confirm_leave). The pane shows and asks; the automations
controller (vvdesk/controllers/automations.py) loads, saves, pauses and browses.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from vvdesk.ui.dialogs import ask
from vvdesk.ui.keyboard import describe
from vvdesk.ui.panes.tab_pane import TabPane
from vvdesk.ui.widgets.automation_forms import AutomationForm, ExportForm, ImportForm
from vvdesk.ui.widgets.elided import ElidedLabel
from vvdesk.vocab import AutomationKind, automation_problems


class AutomationsPane(TabPane):
    connectors_requested = Signal()
    load_requested = Signal(str)  # index_id
    save_requested = Signal(str, str, dict)  # index_id, kind, the form's values (checked)
    pause_requested = Signal(str, str, bool)  # index_id, kind, paused
    browse_requested = Signal(str, str, str)  # kind, connector_id, folder to start in

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.index: Any | None = None
        self._connectors: list[Any] = []
        self.title = ElidedLabel(bold=True, scale=1.2, takes_rest=True)
        self.dirty_label = ElidedLabel(min_chars=16)
        self.read_only_note = QLabel()  # why the forms cannot be changed, when they cannot
        self.read_only_note.setWordWrap(True)
        self.read_only_note.hide()
        self.import_form, self.export_form = ImportForm(), ExportForm()
        self.forms: dict[str, AutomationForm] = {"import": self.import_form,
                                                 "export": self.export_form}
        self.save_btn = QPushButton("Save")
        self.save_btn.setToolTip("Save both automations (Ctrl+S)")
        self.revert_btn = QPushButton("Revert")
        describe(self.revert_btn, None, "Throw away the unsaved changes")
        self.manage_btn = QPushButton("Connectors…")
        describe(self.manage_btn, None, "Add, test or remove connectors")
        QShortcut(QKeySequence.StandardKey.Save, self, self.save,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        body = QWidget()
        bl = QVBoxLayout(body)
        bl.addWidget(self.import_form)
        bl.addWidget(self.export_form)
        bl.addStretch()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.dirty_label)
        bottom = QHBoxLayout()
        bottom.addWidget(self.manage_btn)
        bottom.addStretch()
        bottom.addWidget(self.revert_btn)
        bottom.addWidget(self.save_btn)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.read_only_note)
        lay.addWidget(scroll, 1)
        lay.addLayout(bottom)

        self.save_btn.clicked.connect(self.save)
        self.revert_btn.clicked.connect(self.revert)
        self.manage_btn.clicked.connect(self.connectors_requested.emit)
        for kind, form in self.forms.items():
            form.changed.connect(self._update_dirty)
            form.pause_clicked.connect(lambda p, k=kind: self._pause(k, p))
            form.browse_clicked.connect(lambda k=kind: self._browse(k))
        self.set_index(None)

    # index -----------------------------------------------------------------------
    def set_index(self, index: Any | None) -> None:
        self.index = index
        for form in self.forms.values():
            form.setEnabled(False)
        self.save_btn.setEnabled(False)
        self.revert_btn.setEnabled(False)
        self.read_only_note.setVisible(self.read_only())
        if index is not None and self.read_only():
            self.read_only_note.setText(
                f"“{index.name}” is a shared demo index: its automations are shown "
                "read-only. Create an index of your own to automate imports and exports.")
        if index is None:
            self.title.setText("Select an index on the left to set up its automations.")
            return
        self.title.setText(f"Automations of “{index.name}”")
        self.dirty_label.setText("Loading…")
        self.load_requested.emit(index.index_id)

    def read_only(self) -> bool:
        """Shared (default) indexes cannot be changed: their forms are shown, not edited."""
        return bool(getattr(self.index, "is_default", False))

    def confirm_leave(self) -> bool:
        """Ask about unsaved changes before the index changes or the window closes."""
        if self.index is None or not self.is_dirty():
            return True
        answer = ask.unsaved_changes(self, f"the automations of “{self.index.name}”")
        if answer == "save":
            return self.save()
        return answer == "discard"

    def is_dirty(self) -> bool:
        return any(f.isEnabled() and f.is_dirty() for f in self.forms.values())

    # server results ---------------------------------------------------------------
    def show_loaded(self, index_id: str, imp: Any, exp: Any) -> None:
        if self.index is None or index_id != self.index.index_id:
            return
        self.import_form.show_saved(imp)
        self.export_form.show_saved(exp)
        for form in self.forms.values():
            form.setEnabled(not self.read_only())
        self._update_dirty()

    def show_saved(self, index_id: str, kind: str, cfg: Any) -> None:
        if self.index is not None and index_id == self.index.index_id:
            self.forms[kind].show_saved(cfg)
            self._update_dirty()
            self.dirty_label.setText(f"✓ {kind.capitalize()} automation saved.")

    def show_failed(self, kind: str, action: str, problem: Any) -> None:
        form = self.forms.get(kind)
        if form is None:
            self.dirty_label.setText(f"{action} failed: {problem}")
            return
        if not form.show_server_error(getattr(problem, "field", None), str(problem.message)):
            form.show_errors({}, f"{action} failed: {problem}")
        self._update_dirty()

    def set_connectors(self, items: list[Any]) -> None:
        self._connectors = list(items)
        self.import_form.set_choices([c for c in items if "import" in (c.scopes or [])])
        self.export_form.set_choices([c for c in items if "export" in (c.scopes or [])])

    def set_prompts(self, prompts: list[Any]) -> None:
        self.import_form.set_choices(
            [c for c in self._connectors if "import" in (c.scopes or [])], prompts)

    # actions ----------------------------------------------------------------------
    def save(self) -> bool:
        """Check every field, then PUT each changed (or never saved but edited) form."""
        if self.index is None:
            return False
        ok = True
        kinds: tuple[tuple[AutomationKind, AutomationForm], ...] = (
            ("import", self.import_form), ("export", self.export_form))
        for kind, form in kinds:
            if not form.is_dirty():
                continue
            problems = automation_problems(kind, form.values())
            form.show_errors(problems)
            if problems:
                ok = False
                continue
            self.save_requested.emit(self.index.index_id, kind, form.values())
        if ok:
            self.dirty_label.setText("Saving…")
        return ok

    def revert(self) -> None:
        for form in self.forms.values():
            form.show_saved(form.saved)
        self._update_dirty()

    def _pause(self, kind: str, paused: bool) -> None:
        if self.index is not None:
            self.pause_requested.emit(self.index.index_id, kind, paused)

    def _browse(self, kind: str) -> None:
        form = self.forms[kind]
        values = form.values()
        connector_id = values.get("connector_id") or values.get("destination_connector_id")
        if not connector_id:
            form.show_errors({next(iter(form.errors)): "Choose a connector first."})
            return
        start = values.get("source_prefix") or values.get("destination_subpath") or ""
        self.browse_requested.emit(kind, connector_id, start)

    def set_folder(self, kind: str, folder: str) -> None:
        """The folder picked by browsing the connector goes into the form's field."""
        target = self.import_form.prefix if kind == "import" else self.export_form.subpath
        target.setText(folder)

    def _update_dirty(self) -> None:
        dirty = self.is_dirty()
        self.dirty_label.setText("● Unsaved changes" if dirty else "")
        self.save_btn.setEnabled(dirty)
        self.revert_btn.setEnabled(dirty)

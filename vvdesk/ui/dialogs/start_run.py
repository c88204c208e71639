"""Start a prompt run: prompt, target (index or selected media), segmentation options.

The §3.2 rules are checked here: a `fixed` segmentation needs a duration of 1–300 s.
The answer is a request dict for the run service; the estimate is shown before starting.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vvdesk.ui.dialogs.ask import CheckedDialog
from vvdesk.ui.keyboard import describe
from vvdesk.ui.theme import Tone, set_tone
from vvdesk.vocab import words

VIDEO_TYPES = ("smart", "fixed", "content_aware")
AUDIO_TYPES = ("content_aware", "fixed")
FIXED = "fixed"  # the one segmentation that needs a duration



class StartRunDialog(QDialog):
    """Asks what to run on what. The media selected in the Media tab are the default
    target when there are any; `preset` (a request this dialog made before) fills the form
    again, so declining the estimate returns to what the user had chosen."""

    def __init__(self, parent: QWidget | None, prompts: list[Any], index: Any | None,
                 video_ids: list[str], preset: dict[str, Any] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Start a prompt run")
        self._index, self._videos = index, list(video_ids)
        self.prompt = QComboBox()
        describe(self.prompt, "Prompt", "The prompt to run")
        for p in prompts:
            self.prompt.addItem(p.name, p.prompt_id)
        self.whole = QRadioButton(f"Whole index “{index.name}”" if index else "Whole index")
        self.selected = QRadioButton(f"Selected media ({len(video_ids)})")
        self.whole.setEnabled(index is not None)
        self.selected.setEnabled(bool(video_ids))
        self.whole.setToolTip("Run the prompt on every media of the index")
        self.selected.setToolTip("Run the prompt on the media selected in the Media tab")
        (self.selected if video_ids or index is None else self.whole).setChecked(True)
        self.video_type = QComboBox()
        describe(self.video_type, "Video segments", "How videos are cut into segments")
        for value in VIDEO_TYPES:  # shown as the API names them; the data is what is sent
            self.video_type.addItem(words(value), value)
        self.video_len = QSpinBox(minimum=0, maximum=1000, value=0, suffix=" s")
        describe(self.video_len, "Video segment length",
                 "Seconds per segment (fixed length only: 1-300)")
        self.audio_type = QComboBox()
        describe(self.audio_type, "Audio segments", "How audio is cut into segments")
        for value in AUDIO_TYPES:
            self.audio_type.addItem(words(value), value)
        self.audio_len = QSpinBox(minimum=0, maximum=1000, value=0, suffix=" s")
        describe(self.audio_len, "Audio segment length",
                 "Seconds per segment (fixed length only: 1-300)")
        self.hint = QLabel()
        self.hint.setObjectName("hint")
        set_tone(self.hint, Tone.ERROR)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Estimate…")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Prompt", self.prompt)
        form.addRow("Target", self.whole)
        form.addRow("", self.selected)
        form.addRow("Video segments", self.video_type)
        form.addRow("Video segment length", self.video_len)
        form.addRow("Audio segments", self.audio_type)
        form.addRow("Audio segment length", self.audio_len)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.hint)
        lay.addWidget(self.buttons)
        for w in (self.video_type, self.audio_type):
            w.currentTextChanged.connect(self._check)
        for s in (self.video_len, self.audio_len):
            s.valueChanged.connect(self._check)
        if preset:
            self._apply(preset)
        self._check()

    def _apply(self, req: dict[str, Any]) -> None:
        """Fill the form from a request it produced earlier."""
        for combo, value in ((self.prompt, req.get("prompt_id")),
                             (self.video_type, req.get("video_segmentation_type")),
                             (self.audio_type, req.get("audio_segmentation_type"))):
            if (i := combo.findData(value)) >= 0:
                combo.setCurrentIndex(i)
        self.video_len.setValue(int(req.get("video_segment_duration") or 0))
        self.audio_len.setValue(int(req.get("audio_segment_duration") or 0))
        target = req.get("target") or {}
        if target.get("type") == "index" and self.whole.isEnabled():
            self.whole.setChecked(True)
        elif target.get("type") == "videos" and self.selected.isEnabled():
            self.selected.setChecked(True)

    def problem(self) -> str | None:
        if self.prompt.count() == 0:
            return "There is no prompt yet: create one with New prompt…."
        for kind, combo, spin in (("video", self.video_type, self.video_len),
                                  ("audio", self.audio_type, self.audio_len)):
            if combo.currentData() == FIXED and not 1 <= spin.value() <= 300:
                return f"A fixed {kind} segmentation needs a length of 1–300 seconds."
        return None

    def _check(self) -> None:
        self.video_len.setEnabled(self.video_type.currentData() == FIXED)
        self.audio_len.setEnabled(self.audio_type.currentData() == FIXED)
        why = self.problem()
        self.hint.setText(why or "")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(why is None)

    def request(self) -> dict[str, Any]:
        if self.whole.isChecked() and self._index is not None:
            target: dict[str, Any] = {"type": "index", "index_id": self._index.index_id}
        else:
            target = {"type": "videos", "video_ids": self._videos}
        req: dict[str, Any] = {
            "prompt_id": self.prompt.currentData(), "target": target,
            "video_segmentation_type": self.video_type.currentData(),
            "audio_segmentation_type": self.audio_type.currentData(),
        }
        if req["video_segmentation_type"] == "fixed":
            req["video_segment_duration"] = self.video_len.value()
        if req["audio_segmentation_type"] == "fixed":
            req["audio_segment_duration"] = self.audio_len.value()
        return req

    @classmethod
    def ask(cls, parent: QWidget | None, prompts: list[Any], index: Any | None,
            video_ids: list[str], preset: dict[str, Any] | None = None
            ) -> dict[str, Any] | None:
        dlg = cls(parent, prompts, index, video_ids, preset)
        return dlg.request() if dlg.exec() == QDialog.DialogCode.Accepted else None


class NewPromptDialog(CheckedDialog):
    """A simple prompt: a name and instructions (a one-field summary schema)."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent, "New prompt")
        self.name = QLineEdit()
        describe(self.name, "Prompt name", "A name for the prompt (3-100 characters)")
        self.text = QPlainTextEdit()
        describe(self.text, "Instructions",
                 "What the prompt asks about each segment (10-5000 characters)")
        form = QFormLayout(self)
        form.addRow("Name", self.name)
        form.addRow("Instructions", self.text)
        form.addRow(self.hint)
        form.addRow(self.buttons)
        self.watch(self.name.textChanged, self.text.textChanged)

    def problem(self) -> str | None:
        if not 3 <= len(self.name.text().strip()) <= 100:
            return "The name needs 3–100 characters."
        if not 10 <= len(self.text.toPlainText().strip()) <= 5000:
            return "The instructions need 10–5000 characters."
        return None

    def answer(self) -> tuple[str, str]:
        return self.name.text().strip(), self.text.toPlainText().strip()

"""Form dialogs keep OK disabled, with the reason shown, until the input is valid."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox

from vvdesk.ui.dialogs.ask import NameDialog
from vvdesk.ui.dialogs.register_uri import RegisterUriDialog
from vvdesk.ui.dialogs.start_run import NewPromptDialog


def ok_enabled(dlg) -> bool:
    return dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()


def test_name_dialog(qtbot):
    dlg = NameDialog(None, "New index", "Name:", max_len=5)
    qtbot.addWidget(dlg)
    assert not ok_enabled(dlg) and dlg.hint.text() == "A name is required."
    dlg.edit.setText("toolong")  # the edit keeps max+1 characters: one too many
    assert not ok_enabled(dlg) and "At most 5" in dlg.hint.text()
    dlg.edit.setText(" ok ")
    assert ok_enabled(dlg) and dlg.hint.text() == "" and dlg.answer() == "ok"


def test_register_uri_dialog(qtbot):
    dlg = RegisterUriDialog(None)
    qtbot.addWidget(dlg)
    dlg.uri.setText("ftp://x/clip.mp4")
    assert not ok_enabled(dlg) and "gs://, s3:// or https://" in dlg.hint.text()
    dlg.uri.setText("gs://bucket/notes.txt")
    assert "supported media file" in dlg.hint.text()
    dlg.uri.setText("gs://bucket/clip.mp4")
    assert "title" in dlg.hint.text()
    dlg.title_edit.setText("Clip")
    assert ok_enabled(dlg) and dlg.answer() == ("Clip", "gs://bucket/clip.mp4")


def test_new_prompt_dialog(qtbot):
    dlg = NewPromptDialog(None)
    qtbot.addWidget(dlg)
    dlg.name.setText("ab")
    assert not ok_enabled(dlg) and "3–100" in dlg.hint.text()
    dlg.name.setText("Scenes")
    dlg.text.setPlainText("short")
    assert "10–5000" in dlg.hint.text()
    dlg.text.setPlainText("Describe the scene in one sentence.")
    assert ok_enabled(dlg)
    assert dlg.answer() == ("Scenes", "Describe the scene in one sentence.")


def test_start_run_offers_segmentations_in_words(qtbot):
    from vvdesk.ui.dialogs.start_run import StartRunDialog

    dlg = StartRunDialog(None, [], None, ["vid_1"])
    qtbot.addWidget(dlg)
    video = [dlg.video_type.itemText(i) for i in range(dlg.video_type.count())]
    audio = [dlg.audio_type.itemText(i) for i in range(dlg.audio_type.count())]
    assert video == ["Smart", "Fixed length", "Content-aware"]
    assert audio == ["Content-aware", "Fixed length"]
    assert dlg.video_type.itemData(2) == "content_aware"  # the API's value stays the data

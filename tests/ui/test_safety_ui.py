"""Safe defaults (issue 13): a run starts on what the user selected and says so before it
costs anything; a shared (read-only) index cannot be changed from anywhere in the window."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel

from tests.sdk_calls import new_index
from tests.ui.helpers import add_profile, running_app, select_index
from tests.ui.test_flows_ui import server_counts
from vvdesk.app import Options
from vvdesk.ui.dialogs import ask, pick_index
from vvdesk.ui.dialogs.start_run import StartRunDialog

pytestmark = [pytest.mark.usefixtures("secret_service"), pytest.mark.timeout(120)]
DEMO_INDEX = "idx_demo_archive"
SHARED_INDEX = "idx_demo_shared"  # "Sample library", is_default


def select_rows(media: Any, count: int) -> list[str]:
    """Select the first `count` media rows the way Ctrl+click does."""
    sm = media.table.selectionModel()
    flags = (QItemSelectionModel.SelectionFlag.Select
             | QItemSelectionModel.SelectionFlag.Rows)
    for row in range(count):
        sm.select(media.proxy.index(row, 0), flags)
    return media.selected_ids()


def test_start_run_defaults_to_the_selection_and_no_at_the_estimate_returns_to_the_form(
        qtbot, arun, until, settings, sandbox, monkeypatch):
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    seen: list[dict[str, Any]] = []

    def fake_ask(cls: Any, parent: Any, prompts: Any, index: Any, video_ids: list[str],
                 preset: dict[str, Any] | None = None) -> dict[str, Any] | None:
        dlg = cls(parent, prompts, index, video_ids, preset)  # the real form, not shown
        qtbot.addWidget(dlg)
        seen.append({"selected": dlg.selected.isChecked(), "request": dlg.request()})
        if len(seen) == 1:  # the user picks fixed 30 s segments, then asks for the estimate
            dlg.video_type.setCurrentIndex(dlg.video_type.findData("fixed"))
            dlg.video_len.setValue(30)
            return dlg.request()
        return None  # second time: the user closes the form

    monkeypatch.setattr(StartRunDialog, "ask", classmethod(fake_ask))
    asked: list[str] = []
    monkeypatch.setattr(ask, "confirm", lambda _p, _t, text, _o: asked.append(text) and False)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        select_index(w, until, DEMO_INDEX, "the demo index")
        media, runs = w.tab_panes["Media"], w.tab_panes["Runs"]
        until(lambda: media.proxy.rowCount() >= 3, "the demo media")
        ids = select_rows(media, 3)
        assert len(ids) == 3
        until(lambda: list(runs.video_ids) == ids, "the runs tab to follow the selection")
        before = server_counts(sandbox, arun)
        runs.act_start.trigger()
        until(lambda: bool(asked), "the estimate question")
        assert seen[0]["selected"], "the selected media are the default target"
        assert seen[0]["request"]["target"] == {"type": "videos", "video_ids": ids}
        text = asked[0]
        assert "3 selected media in “Demo archive”" in text, text
        assert "MT are the credits" in text and "Estimated cost" in text
        until(lambda: len(seen) == 2, "the form shown again after “no”")
        again = seen[1]["request"]
        assert seen[1]["selected"] and again["video_segmentation_type"] == "fixed"
        assert again["video_segment_duration"] == 30 and again["target"]["video_ids"] == ids
        until(lambda: not app.session.jobs.is_running("runs.start"), "the flow to end")
        assert len(asked) == 1 and server_counts(sandbox, arun) == before


def test_a_shared_index_is_read_only_everywhere(qtbot, arun, until, settings, sandbox,
                                                monkeypatch, tmp_path):
    own = new_index(sandbox, arun, "Own index for read-only check")
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    picked: list[int] = []
    monkeypatch.setattr(pick_index.PickIndexDialog, "ask",
                        classmethod(lambda _c, _p, _ix, n: picked.append(n)))
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        until(lambda: w.index_model.row_of(SHARED_INDEX) >= 0, "the shared index")
        media, autos = w.tab_panes["Media"], w.tab_panes["Automations"]
        w.indexes.select(SHARED_INDEX)
        assert not media.act_upload.isEnabled() and not media.act_register.isEnabled()
        assert "read-only" in media.act_upload.toolTip()
        until(lambda: "Loading" not in autos.dirty_label.text(), "the automations")
        note = autos.read_only_note
        assert note.isVisibleTo(autos) and "read-only" in note.text()
        assert not any(f.isEnabled() for f in autos.forms.values())
        assert not autos.save_btn.isEnabled()
        # A drop on the media of a shared index asks for another index instead of uploading.
        clip = tmp_path / "clip.mp4"
        clip.write_bytes(b"\0" * 1000)
        media.table.files_dropped.emit([str(clip)])
        assert picked == [1]
        assert app.controllers.transfers.model.rowCount() == 0

        w.indexes.select(own)
        until(lambda: media.act_upload.isEnabled(), "upload on an own index")
        assert media.act_register.isEnabled()
        until(lambda: all(f.isEnabled() for f in autos.forms.values()), "editable forms")
        assert not autos.read_only_note.isVisibleTo(autos)

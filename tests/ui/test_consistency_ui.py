"""What the window shows, what it acts on and what it says always agree (issue 10's bugs).

Each test is a bug a new user met: the highlighted index, the panes and the actions
disagreeing; one index's (or connection's) state staying on screen for another; a
notice outliving what it was about; a wrong key leaving "Loading…" for good; a restart
coming back to another connection than the last; a finished run not reaching Media.
"""

from __future__ import annotations

import io
import os
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.sdk_calls import new_index
from tests.ui.helpers import add_profile, names, running_app, select_index
from vvdesk.api.client import make_client
from vvdesk.app import Options
from vvdesk.ui.dialogs import ask
from vvdesk.ui.dialogs.create_export import CreateExportDialog
from vvdesk.ui.dialogs.download import DownloadDialog
from vvdesk.ui.dialogs.profiles import ProfileDialog
from vvdesk.ui.dialogs.start_run import StartRunDialog

pytestmark = [pytest.mark.usefixtures("secret_service"), pytest.mark.timeout(180)]
DEMO_INDEX = "idx_demo_archive"
WRONG_KEY = "sk_test_" + "0f" * 24


def answer(monkeypatch: Any, cls: Any, value: Any) -> None:
    monkeypatch.setattr(cls, "ask", classmethod(lambda _cls, *a, **k: value))


def click_row(qtbot: Any, pane: Any, index_id: str) -> None:
    """Click an index in the list the way a user does (mouse press + release)."""
    row = pane.proxy.mapFromSource(pane.model.index(pane.model.row_of(index_id), 0))
    rect = pane.view.visualRect(row)
    qtbot.mouseClick(pane.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def highlighted(pane: Any) -> list[str]:
    return [r.data(Qt.ItemDataRole.UserRole + 1)
            for r in pane.view.selectionModel().selectedRows()]


def upload_media(sandbox: Any, arun: Any, index_id: str, title: str) -> str:
    async def upload() -> str:
        vv = make_client(sandbox.base_url, sandbox.api_key)
        try:
            media = io.BytesIO(os.urandom(100_000))
            media.name = f"{title}.mp4"
            job = await vv.videos.upload(file=media, title=title, index_id=index_id)
            while job.status not in ("completed", "failed"):
                import asyncio

                await asyncio.sleep(0.1)
                job = await vv.import_jobs.retrieve(job.job_id)
            page = await vv.indexes.list_videos(index_id, limit=10)
            return next(v.video_id for v in page.data if v.title == title)
        finally:
            await vv.close()

    return arun(upload())


def test_cancel_in_unsaved_changes_keeps_highlight_panes_and_delete_on_the_edited_index(
        qtbot, arun, until, settings, sandbox, monkeypatch):
    """Bug 1: edit an automation, click another index, Cancel: the list highlighted the
    other index while every pane showed the first, and Delete offered the first."""
    first = new_index(sandbox, arun, "Edited automations")
    other = new_index(sandbox, arun, "Clicked by mistake")
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        until(lambda: w.index_model.row_of(other) >= 0, "the index list")
        w.indexes.select(first)
        auto = w.tab_panes["Automations"]
        until(lambda: auto.forms["import"].isEnabled(), "the automations of the index")
        auto.forms["import"].pattern.setText("*.mov")
        assert auto.is_dirty()

        monkeypatch.setattr(ask, "unsaved_changes", lambda *a: "cancel")
        click_row(qtbot, w.indexes, other)
        until(lambda: highlighted(w.indexes) == [first], "the highlight back on the edited "
              "index", 3)
        for title in ("Automations", "Runs", "Media", "Exports"):
            assert w.tab_panes[title].index.index_id == first, title
        assert auto.forms["import"].pattern.text() == "*.mov"  # the edits are kept

        offered: list[str] = []
        monkeypatch.setattr(ask, "confirm", lambda _p, _t, text, _o: offered.append(text)
                            and False)
        w.indexes.act_delete.trigger()
        assert len(offered) == 1 and "Edited automations" in offered[0]


def test_an_index_without_runs_shows_no_run_details(qtbot, arun, until, settings, sandbox):
    """Bug 2: the previous index's run details stayed under an empty run list."""
    empty = new_index(sandbox, arun, "No runs here")
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        until(lambda: w.index_model.row_of(empty) >= 0, "the index list")
        w.indexes.select(DEMO_INDEX)
        runs = w.tab_panes["Runs"]
        until(lambda: runs.model.rowCount() > 0, "the demo index's runs")
        runs.view.setCurrentIndex(runs.proxy.index(0, 0))
        until(lambda: "Prompt:" in runs.details.toPlainText(), "the run's details")

        w.indexes.select(empty)
        until(lambda: runs.title.text().find("No runs here") >= 0, "the Runs tab on the index")
        until(lambda: runs.model.rowCount() == 0, "the empty run list")
        assert runs.details.toPlainText() == ""
        assert runs.current_run() is None and not runs.act_cancel.isEnabled()


def test_key_refused_banner_goes_once_connected_with_the_right_key(qtbot, arun, until,
                                                                   settings, sandbox):
    """Bug 3a: the refused-key banner stayed after a successful reconnect."""
    add_profile(arun, settings, "typo", sandbox.base_url, WRONG_KEY)
    add_profile(arun, settings, "good", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="typo")) as app:
        w = app.window
        until(lambda: w.banner.isVisible() and "Open Profiles" in w.banner.action.text(),
              "the refused-key banner")
        app.switch_to("good")
        until(lambda: "good" in w.conn_label.text() and "connected" in w.conn_label.text(),
              "the reconnect")
        until(lambda: "Demo archive" in names(w), "the indexes of the good key")
        assert not w.banner.isVisible(), w.banner.label.text()


def test_download_banner_goes_once_downloaded_or_expired(qtbot, arun, until, settings,
                                                         sandbox, monkeypatch, isolated):
    """Bug 3b: "Export ready… Download" stayed after the download, and after the export's
    file expired."""
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    answer(monkeypatch, CreateExportDialog,
           {"prompt_run_ids": None, "connector_id": None, "subpath": None})
    answer(monkeypatch, DownloadDialog, (str(isolated / "out"), "export.json"))
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        select_index(w, until, DEMO_INDEX, "the demo index")
        exports = w.tab_panes["Exports"]

        def export_ready() -> Any:
            exports.act_create.trigger()
            until(lambda: w.banner.isVisible() and w.banner.action.text() == "Download…",
                  "the Export ready banner", 40)
            return exports.current_export()

        export_ready()
        w.banner.action.click()
        until(lambda: (isolated / "out" / "export.json").exists(), "the downloaded file")
        until(lambda: not (w.banner.isVisible() and "ready" in w.banner.label.text()),
              "the Export ready banner to go", 5)

        expired = export_ready()
        sandbox.expire_export(expired.export_id)
        answer(monkeypatch, DownloadDialog, (str(isolated / "out"), "expired.json"))
        w.banner.action.click()
        until(lambda: not (w.banner.isVisible() and "ready" in w.banner.label.text()),
              "the banner of the expired export to go", 10)
        assert not (isolated / "out" / "expired.json").exists()


def test_save_and_connect_with_a_wrong_key_says_the_key_was_refused(qtbot, arun, until,
                                                                    settings, sandbox):
    """Bug 4: "Loading indexes…" stayed forever and the first banner blamed "Checking
    exports"; it must say the key was refused and offer Open Profiles."""
    add_profile(arun, settings, "good", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="good")) as app:
        w = app.window
        w.act_profiles.trigger()
        dlg = w.findChild(ProfileDialog)
        assert dlg is not None
        dlg.add_btn.click()
        dlg.name.setText("Mistyped")
        dlg.url.setText(sandbox.base_url)
        dlg.key.setText(WRONG_KEY)
        dlg.connect_btn.click()
        until(lambda: "Mistyped" in w.conn_label.text() and "rejected" in w.conn_label.text(),
              "the connection state")
        until(lambda: "Loading" not in w.indexes.placeholder.text(), "the list's message", 10)
        assert "API key" in w.indexes.placeholder.text()
        assert w.banner.isVisible() and "not accepted" in w.banner.label.text()
        assert "Checking exports" not in w.banner.label.text()
        assert w.banner.action.isVisible() and w.banner.action.text() == "Open Profiles…"


def test_a_plain_restart_comes_back_to_the_last_connection_even_the_sandbox(
        qtbot, arun, until, settings, sandbox):
    """Bug 5: after switching back to the local sandbox, a restart went to the profile."""
    add_profile(arun, settings, "remote", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="remote")) as app:
        w = app.window
        until(lambda: "remote" in w.conn_label.text() and "connected" in w.conn_label.text(),
              "the profile connected")
        app.switch_to(None)
        until(lambda: "Sandbox (local)" in w.conn_label.text()
              and "connected" in w.conn_label.text(), "the local sandbox", 60)
    with running_app(qtbot, arun, settings, Options()) as app:
        w = app.window
        until(lambda: "connected" in w.conn_label.text(), "the restart's connection", 60)
        assert "Sandbox (local)" in w.conn_label.text()


def test_media_tab_shows_a_finished_runs_results_without_f5(qtbot, arun, until, settings,
                                                           sandbox, monkeypatch):
    """Bug 6: after a run finished, Media still said not_processed with no segments."""
    index = new_index(sandbox, arun, "Fresh media")
    video = upload_media(sandbox, arun, index, "clip")
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        select_index(w, until, index, "the index list")
        media = w.tab_panes["Media"]
        until(lambda: media.model.row_of(video) >= 0, "the media row")
        assert media.model.row_for(video).status == "not_processed"
        media.select(video)
        until(lambda: media.details.video is not None, "the media details")

        answer(monkeypatch, StartRunDialog,
               {"prompt_id": "prm_demo_scenes", "target": {"type": "index", "index_id": index},
                "video_segmentation_type": "fixed", "video_segment_duration": 30,
                "audio_segmentation_type": "content_aware"})
        monkeypatch.setattr(ask, "confirm", lambda *a: True)
        runs = w.tab_panes["Runs"]
        runs.act_start.trigger()
        until(lambda: any(r.status in ("completed", "completed_with_failures")
                          for r in runs.model.rows()), "the run to finish", 60)
        until(lambda: media.model.row_for(video).status != "not_processed",
              "the media status after the run", 10)
        until(lambda: media.details.segment_model.rowCount() > 0,
              "the segments of the run in the details", 10)


def test_after_a_profile_switch_nothing_of_the_old_session_hears_the_window(
        qtbot, arun, until, settings, sandbox, tmp_path, monkeypatch):
    """The window outlives sessions: after a switch, its signals (index chosen, refresh,
    a notice's button) reach only the new session's controllers, whose panes are shown;
    the old ones (their panes and services deleted) hear nothing."""
    from tests.sandbox_proc import SandboxProcess

    add_profile(arun, settings, "first", sandbox.base_url, sandbox.api_key)
    with SandboxProcess(tmp_path / "other", api_key="sk_test_" + "a7" * 24,
                        seed_demo=True) as other:
        add_profile(arun, settings, "second", other.base_url, other.api_key)
        with running_app(qtbot, arun, settings, Options(profile="first")) as app:
            w = app.window
            until(lambda: "Demo archive" in names(w), "the first profile's indexes")
            w.indexes.select(DEMO_INDEX)
            old = app.controllers
            assert old is not None
            app.switch_to("second")
            until(lambda: "second" in w.conn_label.text() and "connected" in w.conn_label.text(),
                  "the switch")
            until(lambda: app.controllers is not old and "Demo archive" in names(w),
                  "the second profile's indexes")
            new = app.controllers
            assert new is not None and w.tab_panes["Runs"] is new.runs.pane
            w.indexes.select(DEMO_INDEX)  # the old controllers would touch deleted panes
            until(lambda: new.runs.model.rowCount() > 0, "the second profile's runs")
            w.indexes.act_refresh.trigger()
            app.notify_view.acted.emit("download", "exp_unknown")
            w.connectors_requested.emit()
            until(lambda: new.connectors.dialog is not None, "the new session's dialog")
            assert old.connectors.dialog is None
            for part in ("connection", "indexes", "media", "runs", "exports", "connectors",
                         "automations"):
                assert len(getattr(old, part)._links) == 0, part


def test_a_short_rate_limit_is_said_at_once_while_the_sdk_waits_it_out(qtbot, arun, until,
                                                                         settings, sandbox):
    """A 429 the SDK retries by itself (a few seconds) is said in the status bar at once,
    with how long and until when, and the list then loads."""
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        until(lambda: "Demo archive" in names(w), "the index list")
        sandbox.add_fault(path=r"/indexes$", method="GET", status=429, retry_after="4",
                          times=1)
        try:
            w.indexes.refresh_requested.emit()
            until(lambda: "rate limiting" in w.statusBar().currentMessage(),
                  "the rate-limit note", 3)
            said = w.statusBar().currentMessage()
            assert "4 s" in said and "until" in said and "tries again by itself" in said, said
            assert not w.banner.isVisible() or "rate" not in w.banner.label.text()
        finally:
            sandbox.clear_faults()
        until(lambda: not app.session.jobs.is_running("indexes.refresh"), "the retried list",
              15)
        assert "Demo archive" in names(w)

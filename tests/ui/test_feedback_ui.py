"""Feedback (issue 13): a run this window watched says when it has finished, and a prompt
created this session is offered at once in the automations form."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.sdk_calls import new_index
from tests.ui.helpers import add_profile, running_app, select_index, shoot
from vvdesk.app import Options
from vvdesk.ui.dialogs import ask
from vvdesk.ui.dialogs.start_run import StartRunDialog

pytestmark = [pytest.mark.usefixtures("secret_service"), pytest.mark.timeout(120)]
DEMO_INDEX = "idx_demo_archive"


def test_a_watched_run_says_when_it_finishes(qtbot, arun, until, settings, sandbox,
                                            monkeypatch):
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    monkeypatch.setattr(StartRunDialog, "ask", classmethod(lambda *_a: {
        "prompt_id": "prm_demo_scenes", "target": {"type": "index", "index_id": DEMO_INDEX},
        "video_segmentation_type": "smart", "audio_segmentation_type": "content_aware"}))
    monkeypatch.setattr(ask, "confirm", lambda *_a: True)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        said: list[tuple[str, str]] = []
        app.notifier.message.connect(lambda title, text, *_r: said.append((title, text)))
        w = app.window
        select_index(w, until, DEMO_INDEX, "the demo index")
        runs = w.tab_panes["Runs"]
        with sandbox.paused():
            runs.act_start.trigger()
            until(lambda: runs.current_run() is not None
                  and runs.current_run().status not in ("completed", "failed",
                                                          "completed_with_failures"),
                  "the new run, running")
            run_id = runs.current_run().run_id
        until(lambda: any(t == "Run finished" for t, _ in said), "the run-finished notice", 60)
        text = dict(said)["Run finished"]
        assert "“General description”" in text or "“Scene summary”" in text, text
        assert run_id not in text


def test_a_prompt_created_this_session_is_offered_in_the_automations_form(
        qtbot, arun, until, settings, sandbox):
    own = new_index(sandbox, arun, "Prompt offer index")
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        select_index(w, until, own, "the index")
        form: Any = w.tab_panes["Automations"].forms["import"]
        until(lambda: form.prompt.count() > 0, "the prompts offered")
        app.controllers.runs.service.create_prompt("Fresh prompt of this session",
                                                   "Describe what is seen in each segment.")
        until(lambda: form.prompt.findText("Fresh prompt of this session") >= 0,
              "the new prompt offered in the form")


def test_open_and_show_in_folder_say_when_the_desktop_opened_nothing(qtbot, tmp_path,
                                                                    monkeypatch):
    from PySide6.QtGui import QDesktopServices

    from vvdesk.ui.dialogs.download import DownloadProgress

    saved = tmp_path / "Demo archive 2026-12-01.json"
    saved.write_text("{}")
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        lambda url: opened.append(url.toLocalFile()) and False)
    dlg = DownloadProgress(None, "exp_1", str(saved), "The export of “Demo archive”")
    qtbot.addWidget(dlg)
    dlg.set_done(str(saved))
    dlg.open_btn.click()
    assert opened == [str(saved)]
    assert "could not open the file" in dlg.state.text() and str(saved) in dlg.state.text()
    dlg.folder_btn.click()
    assert opened[-1] == str(tmp_path)
    assert "could not open its folder" in dlg.state.text()


def test_a_storm_of_server_errors_shows_in_the_status_bar_until_answers_are_good(
        qtbot, arun, until, settings, sandbox):
    """Issue 13: while the server keeps failing the status bar said "connected"."""
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    try:
        with running_app(qtbot, arun, settings, Options(profile="local")) as app:
            w = app.window
            until(lambda: w.conn_label.text().endswith("connected"), "connected")
            assert not w.conn_trouble.isVisibleTo(w)
            sandbox.add_fault(path=r"^/api/v2/", status=503, times=10_000)
            w.indexes.act_refresh.trigger()  # the SDK tries 4 times: 503 each time
            until(lambda: w.conn_trouble.text(), "the trouble in the status bar", 30)
            assert w.conn_trouble.text().startswith(
                "The server is having problems (errors for less than a minute).")
            assert "retrying" in w.conn_trouble.text()
            assert not w.conn_label.text().endswith("connected")
            assert w.conn_label.text() == "local — server errors"
            w.statusBar().clearMessage()  # the failed refresh said so for 10 s: it has gone
            assert w.conn_trouble.isVisibleTo(w)
            w.statusBar().showMessage("Something else happened.")  # passes over it
            assert not w.conn_trouble.isVisibleTo(w)
            w.statusBar().clearMessage()
            assert w.conn_trouble.isVisibleTo(w)
            w.resize(1024, 640)
            arun(asyncio.sleep(0.2))
            shoot(w, "server-errors-1024x640.png")
            sandbox.clear_faults()
            w.indexes.act_refresh.trigger()
            until(lambda: w.conn_label.text().endswith("connected"), "connected again", 20)
            assert not w.conn_trouble.isVisibleTo(w)
    finally:
        sandbox.clear_faults()


def test_the_busy_sign_stops_once_the_window_has_loaded(qtbot, arun, until, settings, sandbox,
                                                        monkeypatch):
    """The status bar's moving bar means work is under way; when the lists, pictures and
    facts are in, it stops (a watch for the first answer kept it moving for 15 s)."""
    import vvdesk.app as app_module

    monkeypatch.setattr(app_module, "NO_ANSWER_WARN_S", 300.0)
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        select_index(w, until, DEMO_INDEX, "the demo index")
        until(lambda: w.tab_panes["Media"].model.rowCount() >= 4, "the demo media")
        until(lambda: not w.busy.isVisible(), "the busy sign to stop", 60)
        assert app.session.jobs.busy is False

"""Flows that need a server answer and a user answer, each one coroutine in a controller:
what the user is offered when the server's part fails, and that "no" changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ui.helpers import add_profile, running_app, select_index
from vvdesk.api.client import make_client
from vvdesk.app import Options
from vvdesk.ui.dialogs import ask
from vvdesk.ui.dialogs.create_export import CreateExportDialog
from vvdesk.ui.dialogs.start_run import StartRunDialog

pytestmark = [pytest.mark.usefixtures("secret_service"), pytest.mark.timeout(120)]
DEMO_INDEX = "idx_demo_archive"


def server_counts(sandbox: Any, arun: Any) -> tuple[int, int]:
    """Exports of the account and runs of the demo index, as the server has them."""
    async def count() -> tuple[int, int]:
        vv = make_client(sandbox.base_url, sandbox.api_key)
        try:
            exports = await vv.exports.list(limit=100)
            runs = await vv.indexes.list_prompt_runs(DEMO_INDEX, limit=100)
            return len(list(exports)), len(runs.data)
        finally:
            await vv.close()

    return arun(count())


def test_export_dialog_is_offered_when_connectors_fail_and_cancel_creates_nothing(
        qtbot, arun, until, settings, sandbox, monkeypatch):
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    offered: list[tuple[list[Any], str]] = []

    def cancel(_cls: Any, _parent: Any, _title: str, _runs: Any, connectors: list[Any],
               note: str = "", **_kw: Any) -> None:
        offered.append((connectors, note))
        return None

    monkeypatch.setattr(CreateExportDialog, "ask", classmethod(cancel))
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        select_index(w, until, DEMO_INDEX, "the demo index")
        before = server_counts(sandbox, arun)
        sandbox.add_fault(method="GET", path=r"/connectors$", status=503, times=20)
        try:
            w.tab_panes["Exports"].act_create.trigger()
            until(lambda: bool(offered), "the export dialog")
        finally:
            sandbox.clear_faults()
        connectors, note = offered[0]
        assert connectors == [] and note.startswith("The connectors could not be listed (")
        until(lambda: not app.session.jobs.is_running(f"exports.flow:index:{DEMO_INDEX}"),
              "the flow to end")
        assert server_counts(sandbox, arun) == before
        assert not w.banner.isVisible()  # a cancelled dialog is not a failure


def test_start_run_flow_declined_at_the_estimate_starts_nothing(qtbot, arun, until, settings,
                                                                sandbox, monkeypatch):
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    forms: list[Any] = []  # the preset each time the form is shown
    request = {
        "prompt_id": "prm_demo_scenes", "target": {"type": "index", "index_id": DEMO_INDEX},
        "video_segmentation_type": "smart", "audio_segmentation_type": "content_aware"}
    monkeypatch.setattr(StartRunDialog, "ask", classmethod(
        lambda _c, *a: None if forms.append(a[-1]) or len(forms) > 1 else request))
    asked: list[str] = []
    monkeypatch.setattr(ask, "confirm", lambda _p, _t, text, _o: asked.append(text) and False)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        select_index(w, until, DEMO_INDEX, "the demo index")
        runs = w.tab_panes["Runs"]
        until(lambda: runs.model.rowCount() > 0, "the demo runs")
        shown, before = runs.model.rowCount(), server_counts(sandbox, arun)
        runs.act_start.trigger()
        until(lambda: bool(asked), "the estimate question")
        assert "Estimated cost" in asked[0]
        until(lambda: not app.session.jobs.is_running("runs.start"), "the flow to end")
        assert forms == [None, request]  # "no" shows the filled-in form again; closed there
        assert server_counts(sandbox, arun) == before and runs.model.rowCount() == shown

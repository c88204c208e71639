"""Cancel a running run from the Runs tab (a slow sandbox keeps the run in progress)."""

from __future__ import annotations

import pytest

from tests.sandbox_proc import SandboxProcess
from tests.ui.helpers import add_profile, running_app
from vvdesk.app import Options
from vvdesk.ui.dialogs import ask

pytestmark = [pytest.mark.usefixtures("secret_service"), pytest.mark.timeout(120)]
KEY = "sk_test_" + "d4" * 24


def test_cancel_a_running_run(qtbot, arun, until, settings, tmp_path, monkeypatch):
    from videovector import AsyncVideoVector

    with SandboxProcess(tmp_path / "slow", api_key=KEY, seed_demo=True, time_scale=0.5) as sb:
        async def start() -> str:
            async with AsyncVideoVector(api_key=KEY, base_url=sb.base_url, max_retries=0) as vv:
                run = await vv.prompt_runs.execute(
                    prompt_id="prm_demo_scenes",
                    target={"type": "index", "index_id": "idx_demo_archive"})
                return run.run_id

        run_id = arun(start())
        add_profile(arun, settings, "slow", sb.base_url, sb.api_key)
        monkeypatch.setattr(ask, "confirm", lambda *a: True)
        with running_app(qtbot, arun, settings, Options(profile="slow")) as app:
            w = app.window
            until(lambda: w.index_model.row_of("idx_demo_archive") >= 0, "the index list")
            w.indexes.select("idx_demo_archive")
            runs = w.tab_panes["Runs"]
            until(lambda: runs.model.row_of(run_id) >= 0, "the new run listed")
            runs.select(run_id)
            assert runs.current_run().status in ("pending", "processing")
            assert runs.act_cancel.isEnabled()
            runs.act_cancel.trigger()
            until(lambda: runs.model.row_for(run_id).status == "cancelled",
                  "the run shown as cancelled", 30)
            until(lambda: not runs.act_cancel.isEnabled(), "Cancel to turn off", 2)

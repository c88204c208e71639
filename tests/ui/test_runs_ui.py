"""Cancel a running run from the Runs tab (a slow sandbox keeps the run in progress)."""

from __future__ import annotations

import pytest

from tests.sandbox_proc import SandboxProcess
from tests.ui.helpers import add_profile, running_app, select_index
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
            select_index(w, until, "idx_demo_archive", "the index list")
            runs = w.tab_panes["Runs"]
            until(lambda: runs.model.row_of(run_id) >= 0, "the new run listed")
            runs.select(run_id)
            assert runs.current_run().status in ("pending", "processing")
            assert runs.act_cancel.isEnabled()
            runs.act_cancel.trigger()
            until(lambda: runs.model.row_for(run_id).status == "cancelled",
                  "the run shown as cancelled", 30)
            until(lambda: not runs.act_cancel.isEnabled(), "Cancel to turn off", 20)


def test_run_details_say_what_it_ran_on_and_when_in_words():
    from datetime import UTC, datetime
    from types import SimpleNamespace

    from vvdesk.ui.panes.runs import run_details

    run = SimpleNamespace(
        run_id="run_1", status="completed", prompt_name="Scene summary", prompt_id="prm_1",
        run_context={"type": "index", "index_id": "idx_demo_archive"},
        executed_at="2026-11-24T03:17:33.001307Z", executed_by="user_1", total_segments=8,
        completed_segments=8, field_extraction_failures=0, total_videos=4, total_audios=0,
        total_images=0, completed_videos=4, completed_audios=0, completed_images=0,
        failed_videos=0, failed_audios=0, failed_images=0,
        video_segmentation_type="fixed", video_segment_duration=30,
        audio_segmentation_type="content_aware", audio_segment_duration=None,
        error_message=None)
    text = run_details(run)
    assert "Ran on: index idx_demo_archive" in text
    assert "Executed: 2026-11-24 03:17:33 by user_1" in text
    many = {"type": "videos", "video_ids": ["vid_a", "vid_b", "vid_c", "vid_d"]}
    text = run_details(SimpleNamespace(**{**vars(run), "run_context": many,
                                          "executed_at": datetime(2026, 1, 2, 3, 4, 5,
                                                                  tzinfo=UTC)}))
    assert "Ran on: 4 media: vid_a, vid_b, vid_c, …" in text
    assert "Executed: 2026-01-02 03:04:05 by user_1" in text
    odd = SimpleNamespace(**{**vars(run), "run_context": {"type": "folder", "path": "x/y"}})
    assert 'Ran on: {"type": "folder", "path": "x/y"}' in run_details(odd)

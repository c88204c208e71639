"""Restart keeps data, receipts and seed; unfinished processing completes afterwards."""

from __future__ import annotations

import asyncio
import signal
import uuid
from pathlib import Path

import pytest
from videovector import AsyncVideoVector

from tests.sandbox_proc import SandboxProcess

from .helpers import make_file, poll, raw, upload_and_wait, wait_run

pytestmark = pytest.mark.timeout(60)


def _client(proc: SandboxProcess) -> AsyncVideoVector:
    return AsyncVideoVector(api_key=proc.api_key, base_url=proc.base_url, max_retries=1)


def test_restart_keeps_everything(tmp_path: Path) -> None:
    data = tmp_path / "data"
    media = tmp_path / "persist.mp4"
    make_file(media, 3_000_000)  # 30 s
    key = f"index-create:{uuid.uuid4().hex}"
    proc = SandboxProcess(data, time_scale=20.0)
    proc.start()
    try:
        first = raw(proc, "POST", "/indexes", json={"name": "Durable"},
                    headers={"Idempotency-Key": key}).json()

        async def before() -> str:
            vv = _client(proc)
            try:
                _, outs = await upload_and_wait(vv, media, "Persisted", first["index_id"])
                started = await vv.prompt_runs.execute(
                    prompt_id="prm_demo_scenes",
                    target={"type": "videos", "video_ids": [outs[0].video_id]},
                    video_segmentation_type="fixed", video_segment_duration=1)
                await poll(lambda: vv.prompt_runs.retrieve(started.run_id),
                           lambda r: r.completed_segments >= 2)
                return started.run_id
            finally:
                await vv.close()

        run_id = asyncio.run(before())
        indexes_before = raw(proc, "GET", "/indexes").json()
    finally:
        proc.stop()

    proc = SandboxProcess(data, time_scale=20.0)
    proc.start()
    try:
        assert raw(proc, "GET", "/indexes").json() == indexes_before  # seed not duplicated
        replay = raw(proc, "POST", "/indexes", json={"name": "Durable"},
                     headers={"Idempotency-Key": key})
        assert replay.json() == first

        async def after() -> None:
            vv = _client(proc)
            try:
                mid = await vv.prompt_runs.retrieve(run_id)
                assert mid.completed_segments < 30
                done = await wait_run(vv, run_id)
                assert done.status == "completed" and done.completed_segments == 30
                videos = (await vv.indexes.list_videos(first["index_id"])).data
                assert [v.title for v in videos] == ["Persisted"]
                assert videos[0].status == "processed"
            finally:
                await vv.close()

        asyncio.run(after())
    finally:
        proc.stop()


def test_sigint_stops_cleanly(tmp_path: Path) -> None:
    proc = SandboxProcess(tmp_path / "data", seed_demo=False)
    proc.start()
    assert raw(proc, "GET", "/indexes").json() == []
    child = proc._proc
    assert child is not None
    child.send_signal(signal.SIGINT)
    assert child.wait(timeout=10) == 0
    proc.stop()

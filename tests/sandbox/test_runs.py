"""Prompt runs: validation, lifecycle, deterministic metadata, failures, cancel, results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from videovector import AsyncVideoVector
from videovector._types import (
    PromptRun,
    PromptRunCostEstimate,
    PromptRunFailedSegmentsManifest,
    Segment,
    SegmentRunResult,
)

from .helpers import expected_metadata, make_file, poll, raw, upload_and_wait, wait_run

pytestmark = pytest.mark.timeout(60)


def test_execute_validation_rules(sandbox: Any) -> None:
    base = {"prompt_id": "prm_demo_scenes", "enable_transcription": True,
            "enable_image_embedding": True}
    cases = [
        ({**base, "target": {"type": "videos", "video_ids": []}}, "target.video_ids"),
        ({**base, "target": {"type": "index", "index_id": "idx_demo_archive"},
          "video_segmentation_type": "fixed"}, "video_segment_duration"),
        ({**base, "target": {"type": "index", "index_id": "idx_demo_archive"},
          "video_segmentation_type": "fixed", "video_segment_duration": 301},
         "video_segment_duration"),
        ({**base, "target": {"type": "index", "index_id": "idx_demo_archive"},
          "audio_segmentation_type": "fixed"}, "audio_segment_duration"),
        ({**base, "target": {"type": "index", "index_id": "idx_demo_archive"},
          "video_segmentation_type": "weird"}, "video_segmentation_type"),
        ({**base, "target": {"type": "nope"}}, "target.type"),
        ({"target": {"type": "playground"}}, "prompt_id"),
    ]
    for body, field in cases:
        for path in ("/prompt-runs/execute", "/prompt-runs/estimate"):
            resp = raw(sandbox, "POST", path, json=body)
            assert resp.status_code == 422, (body, resp.text)
            assert resp.json()["error"]["details"]["field"] == field
    missing = raw(sandbox, "POST", "/prompt-runs/execute",
                  json={**base, "prompt_id": "prm_nope", "target": {"type": "playground"}})
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "resource_prompt_not_found"


def test_run_produces_deterministic_segments(tmp_path: Path, run: Any) -> None:
    path = tmp_path / "scene.mp4"
    sha = make_file(path, 1_000_000)  # 10 s of video

    async def scenario(vv: AsyncVideoVector) -> None:
        index = await vv.indexes.create(name="Runs")
        _, outs = await upload_and_wait(vv, path, "Scene", index.index_id)
        vid = outs[0].video_id
        estimate = await vv.prompt_runs.estimate(
            prompt_id="prm_demo_scenes", target={"type": "index", "index_id": index.index_id})
        assert isinstance(estimate, PromptRunCostEstimate) and estimate.estimated_mt > 0
        started = await vv.prompt_runs.execute(
            prompt_id="prm_demo_scenes", target={"type": "index", "index_id": index.index_id},
            video_segmentation_type="fixed", video_segment_duration=1)
        assert isinstance(started, PromptRun) and started.status == "pending"
        assert started.run_context == {"type": "index", "index_id": index.index_id}
        mid = await poll(lambda: vv.videos.retrieve(vid), lambda v: v.status == "processing")
        assert mid.processing_status and mid.processing_status[0].total_segments == 10
        done = await wait_run(vv, started.run_id)
        assert done.status == "completed"
        assert (done.total_videos, done.completed_videos, done.failed_videos) == (1, 1, 0)
        assert (done.total_segments, done.completed_segments) == (10, 10)
        assert done.total_video_seconds == pytest.approx(10.0)
        video = await vv.videos.retrieve(vid)
        assert video.status == "processed"
        assert video.processing_status[0].successful_segments == 10
        # > 3 pages of segments, each exactly once, in time order
        page = await vv.videos.list_segments(vid, run_id=started.run_id, limit=3)
        segments: list[Segment] = []
        pages = 0
        while True:
            segments += page.data
            pages += 1
            if not page.has_more:
                break
            nxt = await page.next_page()
            assert nxt is not None
            page = nxt
        assert pages == 4 and len({s.segment_id for s in segments}) == 10
        for i, seg in enumerate(segments):
            meta, text = expected_metadata(sha, 0, i)
            assert (seg.start_time, seg.end_time) == (float(i), float(i + 1))
            assert seg.metadata == meta and seg.metadata_text == text
            assert seg.processed and not seg.processing_failed
            assert seg.segment_status == "completed" and seg.from_run_id == started.run_id
        latest = await vv.videos.list_segments(vid, limit=100)
        assert [s.segment_id for s in latest.data] == [s.segment_id for s in segments]
        results = [r async for r in (await vv.prompt_runs.list_results(
            started.run_id, video_id=vid, limit=4)).auto_paging_iter()]
        assert all(isinstance(r, SegmentRunResult) for r in results)
        assert [r.metadata for r in results] == [s.metadata for s in segments]
        runs_page = await vv.indexes.list_prompt_runs(index.index_id)
        assert [r.run_id for r in runs_page.data] == [started.run_id]
        assert started.run_id in [r.run_id for r in await vv.prompt_runs.list(limit=5)]
        by_video = await vv.videos.list_prompt_runs(vid, limit=1)
        assert [r.run_id for r in by_video] == [started.run_id]
        batch = await vv.videos.batch_segments([vid])
        assert batch[0].run_id == started.run_id and len(batch[0].segments) == 10
        manifest = await vv.prompt_runs.get_failed_segments(started.run_id)
        assert manifest.failed_segments == 0 and manifest.videos == []

    run(scenario)


def test_failing_media_reports_failed_segments(tmp_path: Path, run: Any) -> None:
    path = tmp_path / "fail_case.mp4"
    make_file(path, 600_000)  # 6 s; fixed 1 s -> segments 1 and 4 fail

    async def scenario(vv: AsyncVideoVector) -> None:
        _, outs = await upload_and_wait(vv, path, "Broken", None)
        vid = outs[0].video_id
        started = await vv.prompt_runs.execute(
            prompt_id="prm_demo_scenes", target={"type": "videos", "video_ids": [vid]},
            video_segmentation_type="fixed", video_segment_duration=1)
        done = await wait_run(vv, started.run_id)
        assert done.status == "completed_with_failures"
        assert (done.total_segments, done.completed_segments) == (6, 4)
        assert done.field_extraction_failures == 2 and done.partial_videos == 1
        manifest = await vv.prompt_runs.get_failed_segments(started.run_id)
        assert isinstance(manifest, PromptRunFailedSegmentsManifest)
        assert manifest.failed_segments == 2 and manifest.videos_with_failures == 1
        failed = manifest.videos[0].segments
        assert [s.start_time for s in failed] == [1.0, 4.0]
        assert all(s.failure_stage == "field_extraction" and s.failure_message for s in failed)
        segs = (await vv.videos.list_segments(vid, run_id=started.run_id)).data
        assert [s.processing_failed for s in segs] == [False, True, False, False, True, False]
        bad = segs[1]
        assert bad.segment_status == "failed" and bad.failure_message and bad.metadata is None
        results = (await vv.prompt_runs.list_results(started.run_id, video_id=vid)).data
        assert len(results) == 4

    run(scenario)


def test_cancel_run(tmp_path: Path, run: Any) -> None:
    path = tmp_path / "long_audio.mp3"
    make_file(path, 16_000 * 600)  # 10 min audio -> 600 one-second segments

    async def scenario(vv: AsyncVideoVector) -> None:
        _, outs = await upload_and_wait(vv, path, "Long audio", None)
        vid = outs[0].video_id
        started = await vv.prompt_runs.execute(
            prompt_id="prm_demo_scenes", target={"type": "videos", "video_ids": [vid]},
            audio_segmentation_type="fixed", audio_segment_duration=1)
        await poll(lambda: vv.prompt_runs.retrieve(started.run_id),
                   lambda r: r.status == "processing")
        cancelled = await vv.prompt_runs.cancel(started.run_id)
        assert cancelled.status == "cancelled" and cancelled.stop_state.requested_at
        assert cancelled.cancelled_audios == 1
        again = await vv.prompt_runs.retrieve(started.run_id)
        assert again.status == "cancelled"
        assert again.completed_segments < 600

    run(scenario)


def test_seeded_runs(run: Any) -> None:
    async def scenario(vv: AsyncVideoVector) -> None:
        demo = await vv.prompt_runs.retrieve("run_demo_archive")
        assert demo.status == "completed_with_failures"
        assert (demo.total_videos, demo.total_audios, demo.total_images) == (2, 1, 1)
        manifest = await vv.prompt_runs.get_failed_segments("run_demo_archive")
        assert [v.video_id for v in manifest.videos] == ["vid_demo_drone"]

    run(scenario)

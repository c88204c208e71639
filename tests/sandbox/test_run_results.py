"""Prompt-run answers the SDK reads: the run while processing, the video-level result,
and retrying the failed segments ``failed-segments`` calls retryable."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from videovector import AsyncVideoVector
from videovector._exceptions import ConflictError, NotFoundError
from videovector._types import (
    PromptRunSegmentRetry,
    PromptRunSegmentRetryStatus,
    PromptRunVideoResult,
)

from .helpers import expected_metadata, make_file, poll, raw, upload_and_wait, wait_run

pytestmark = pytest.mark.timeout(90)

SCHEMA = {"type": "object", "properties": {"label": {"type": "string"}}}
LEVEL = {"instructions_text": "Summarise the whole media.", "json_schema": SCHEMA}


def test_run_has_every_field_while_processing(sandbox: Any) -> None:
    with sandbox.paused():
        # 1 s segments: 90 of them keep the run processing for ~3.6 s at time scale 50, a
        # window a poll on a busy machine cannot miss (3 smart segments lasted 0.12 s).
        made = raw(sandbox, "POST", "/prompt-runs/execute", json={
            "prompt_id": "prm_demo_scenes", "target": {"type": "videos",
                                                       "video_ids": ["vid_demo_harbor"]},
            "video_segmentation_type": "fixed", "video_segment_duration": 1})
        run_id = made.json()["run_id"]
    body = poll_raw(sandbox, f"/prompt-runs/{run_id}", lambda b: b["status"] == "processing")
    for key in ("field_extraction_succeeded", "transcription_succeeded",
                "image_embedding_succeeded", "error_message", "billing_error"):
        assert key in body and body[key] is None, key
    assert body["video_level_enabled"] is False
    assert all(body[f"video_level_{k}_items"] == 0
               for k in ("total", "completed", "failed", "partial"))
    assert body["marker"] == {"marker_id": None, "color": None, "note": None,
                              "updated_at": None}
    done = poll_raw(sandbox, f"/prompt-runs/{run_id}", lambda b: b["status"] == "completed",
                    timeout=40)
    assert (done["field_extraction_succeeded"], done["transcription_succeeded"],
            done["image_embedding_succeeded"]) == (True, True, True)


def poll_raw(sandbox: Any, path: str, done: Any, timeout: float = 20.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        body = raw(sandbox, "GET", path).json()
        if done(body):
            return body
        assert time.monotonic() < deadline, f"still {body.get('status')}"
        time.sleep(0.03)


def test_video_level_result_summarises_the_segments(tmp_path: Path, run: Any) -> None:
    path = tmp_path / "walk.mp4"
    sha = make_file(path, 650_000)  # 6.5 s -> content-aware 20 s: one segment

    async def scenario(vv: AsyncVideoVector) -> None:
        _, outs = await upload_and_wait(vv, path, "Walk")
        vid = outs[0].video_id
        prompt = await vv.prompts.create(name="Whole walk", prompt_text="Label the scenes "
                                         "and the whole media.", json_schema=SCHEMA,
                                         video_level=LEVEL)
        started = await vv.prompt_runs.execute(
            prompt_id=prompt.prompt_id, target={"type": "videos", "video_ids": [vid]},
            video_segmentation_type="fixed", video_segment_duration=2)
        assert started.video_level_enabled is False  # fixed mode is segment-only
        fixed_done = await wait_run(vv, started.run_id)
        with pytest.raises(NotFoundError) as info:
            await vv.prompt_runs.get_video_result(fixed_done.run_id, vid)
        assert info.value.error_code == "resource_video_result_not_found"

        level = await vv.prompt_runs.execute(
            prompt_id=prompt.prompt_id, target={"type": "videos", "video_ids": [vid]},
            video_segmentation_type="content_aware")
        assert level.video_level_enabled is True
        done = await wait_run(vv, level.run_id)
        assert (done.video_level_total_items, done.video_level_completed_items) == (1, 1)
        result = await vv.prompt_runs.get_video_result(level.run_id, vid)
        assert isinstance(result, PromptRunVideoResult)
        label = expected_metadata(sha, 0, 0)[0]["label"]
        assert result.status == "completed" and result.video_name == "Walk"
        assert result.metadata == {"dominant_label": label, "labels": [label],
                                   "segment_count": 1}
        assert result.metadata_text == f"{label} media: 1 segments labelled {label}"
        assert (result.successful_segment_count, result.failed_segment_count) == (1, 0)
        segments = (await vv.videos.list_segments(vid, run_id=level.run_id)).data
        assert result.preview_segment_id == segments[0].segment_id
        video = await vv.videos.retrieve(vid)
        status = next(p for p in video.processing_status or [] if p.run_id == level.run_id)
        assert status.video_level is not None and status.video_level.result_available

    run(scenario)


def test_retrying_failed_segments_completes_the_run(tmp_path: Path, run: Any) -> None:
    path = tmp_path / "fail rehearsal.mp4"
    sha = make_file(path, 500_000)  # 5 s, fixed 1 s: segments 1 and 4 fail

    async def scenario(vv: AsyncVideoVector) -> None:
        _, outs = await upload_and_wait(vv, path, "Rehearsal")
        vid = outs[0].video_id
        started = await vv.prompt_runs.execute(
            prompt_id="prm_demo_scenes", target={"type": "videos", "video_ids": [vid]},
            video_segmentation_type="fixed", video_segment_duration=1)
        done = await wait_run(vv, started.run_id)
        assert done.status == "completed_with_failures" and done.field_extraction_failures == 2
        manifest = await vv.prompt_runs.get_failed_segments(done.run_id)
        failed = manifest.videos[0].segments
        assert [s.retryable for s in failed] == [True, True]

        ok_segment = next(s for s in (await vv.videos.list_segments(vid)).data
                          if s.segment_status == "completed")
        with pytest.raises(ConflictError) as refused:
            await vv.prompt_runs.retry_segment(done.run_id, vid, ok_segment.segment_id)
        assert refused.value.error_code == "resource_segment_not_retryable"
        with pytest.raises(NotFoundError):
            await vv.prompt_runs.retry_segment(done.run_id, "vid_demo_city",
                                               failed[0].segment_id)

        first = await vv.prompt_runs.retry_segment(done.run_id, vid, failed[0].segment_id,
                                                   idempotency_key="retry-once")
        assert isinstance(first, PromptRunSegmentRetry) and first.status == "pending"
        assert first.idempotency_key == "retry-once"
        replay = await vv.prompt_runs.retry_segment(done.run_id, vid, failed[0].segment_id,
                                                    idempotency_key="retry-once")
        assert replay.retry_id == first.retry_id
        status = await poll(lambda: vv.prompt_runs.get_segment_retry_status(
            done.run_id, vid, failed[0].segment_id, first.retry_id),
            lambda r: r.status == "completed")
        assert isinstance(status, PromptRunSegmentRetryStatus)
        assert status.field_extraction_succeeded is True and status.completed_at
        assert status.billing_actual_mt == status.billing_estimated_mt > 0
        half = await vv.prompt_runs.retrieve(done.run_id)
        assert half.status == "completed_with_failures" and half.field_extraction_failures == 1

        second = await vv.prompt_runs.retry_segment(done.run_id, vid, failed[1].segment_id)
        await poll(lambda: vv.prompt_runs.get_segment_retry_status(
            done.run_id, vid, failed[1].segment_id, second.retry_id),
            lambda r: r.status == "completed")
        whole = await vv.prompt_runs.retrieve(done.run_id)
        assert whole.status == "completed" and whole.field_extraction_succeeded is True
        assert (whole.completed_videos, whole.partial_videos) == (1, 0)
        assert whole.completed_segments == whole.total_segments == 5
        assert (await vv.prompt_runs.get_failed_segments(done.run_id)).failed_segments == 0
        retried = next(s for s in (await vv.videos.list_segments(vid)).data
                       if s.segment_id == failed[0].segment_id)
        index = round(retried.start_time)
        assert retried.segment_status == "completed" and retried.failure_stage is None
        assert retried.metadata == expected_metadata(sha, 0, index)[0]
        results = await vv.prompt_runs.list_results(done.run_id, video_id=vid)
        assert Counter(r.segment_id for r in results.data)[failed[0].segment_id] == 1
        with pytest.raises(NotFoundError):
            await vv.prompt_runs.get_segment_retry_status(done.run_id, vid,
                                                          failed[0].segment_id, "rty_none")

    run(scenario)

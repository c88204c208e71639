"""Import jobs through the SDK: cancel, retry, workflow upload, skipped bucket files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from videovector import AsyncVideoVector
from videovector._exceptions import ConflictError
from videovector._types import ImportJob

from .helpers import make_file, poll, raw

pytestmark = pytest.mark.timeout(60)


def test_cancel_then_retry_an_upload(tmp_path: Path, sandbox: Any, run: Any) -> None:
    path = tmp_path / "held.mp4"
    make_file(path, 200_000)

    async def scenario(vv: AsyncVideoVector) -> None:
        with sandbox.paused():
            job = await vv.videos.upload(file=path, title="Held")
            cancelled = await vv.import_jobs.cancel(job.job_id)
        assert isinstance(cancelled, ImportJob) and cancelled.status == "cancelled"
        assert cancelled.completed_at and cancelled.video_ids == []
        page = await vv.import_jobs.outputs(job.job_id)
        assert [o.status for o in page.items] == ["cancelled"]
        assert (await vv.import_jobs.cancel(job.job_id)).status == "cancelled"
        retried = await vv.import_jobs.retry(job.job_id)
        assert retried.status == "pending" and retried.completed_at is None
        with pytest.raises(ConflictError) as info:  # it is running again
            await vv.import_jobs.retry(job.job_id)
        assert info.value.error_code == "resource_import_job_not_retryable"
        done = await poll(lambda: vv.import_jobs.retrieve(job.job_id),
                          lambda j: j.status == "completed")
        outs = [o async for o in vv.import_jobs.iter_outputs(job.job_id)]
        assert [o.status for o in outs] == ["completed"]
        assert done.video_ids == [outs[0].video_id]
        assert (await vv.videos.retrieve(outs[0].video_id)).title == "Held"
        with pytest.raises(ConflictError) as finished:
            await vv.import_jobs.cancel(job.job_id)
        assert finished.value.error_code == "resource_import_job_not_cancellable"

    run(scenario)


def test_workflow_upload_names_or_makes_the_index(tmp_path: Path, run: Any) -> None:
    first, second = tmp_path / "dock one.mp4", tmp_path / "dock two.mp4"
    make_file(first, 100_000)
    make_file(second, 120_000)

    async def scenario(vv: AsyncVideoVector) -> None:
        job = await vv.workflow.upload(first, index_name="Field review clips")
        assert isinstance(job, ImportJob) and job.source_kind == "upload"
        made = job.target_index_id
        assert made and (await vv.indexes.retrieve(made)).name == "Field review clips"
        again = await vv.workflow.upload(second, title="Second dock",
                                         index_name="Field review clips")
        assert again.target_index_id == made
        done = await poll(lambda: vv.import_jobs.retrieve(job.job_id),
                          lambda j: j.status == "completed")
        video = await vv.videos.retrieve(done.video_ids[0])
        assert video.title == "dock one.mp4"
        playground = await vv.workflow.upload(second)
        assert playground.target_index_id is None

    run(scenario)


def test_unsupported_bucket_files_are_listed_as_skipped(sandbox: Any, run: Any) -> None:
    root = sandbox.data_dir / "buckets" / "sbx-skips" / "drop"
    root.mkdir(parents=True)
    (root / "clip.mp4").write_bytes(b"v" * 4000)
    (root / "notes.txt").write_bytes(b"not media")

    async def scenario(vv: AsyncVideoVector) -> None:
        conn = await vv.connectors.create_s3(
            name="Skips", bucket="sbx-skips", region="eu-west-1",
            aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="s" * 32)
        index = await vv.indexes.create(name="Skips")
        job = await vv.import_jobs.create(connector_id=conn.connector_id,
                                          index_id=index.index_id, source_prefix="drop/")
        assert job.progress.total_files == 2 and job.progress.skipped == 1
        files = await vv.import_jobs.files(job.job_id)
        skipped = [f for f in files.items if f.status == "skipped"]
        assert [(f.file_name, f.skip_reason) for f in skipped] == [
            ("drop/notes.txt", "unsupported_file_type")]
        return job.job_id

    job_id = run(scenario)
    body = raw(sandbox, "GET", f"/import-jobs/{job_id}").json()
    assert body["skipped_files"] == [{"path": "drop/notes.txt", "reason": "unsupported_file_type"}]
    listed = raw(sandbox, "GET", "/import-jobs").json()
    assert all(isinstance(j["skipped_files"], list) for j in listed)


def test_connector_import_per_file_outcomes_retry_and_process(sandbox: Any, run: Any) -> None:
    """Good files import, an empty one fails with a reason, a .txt is skipped; a retry
    re-reads only the failed file; /workflow/process runs a prompt on what came in."""
    root = sandbox.data_dir / "buckets" / "sbx-outcomes" / "drop"
    (root / "sub").mkdir(parents=True)
    make_file(root / "a.mp4", 30_000)
    (root / "broken.mp4").write_bytes(b"")
    make_file(root / "sub" / "c.mp4", 20_000)
    (root / "readme.txt").write_bytes(b"notes")

    async def scenario(vv: AsyncVideoVector) -> None:
        conn = await vv.connectors.create_s3(
            name="Outcomes", bucket="sbx-outcomes", region="eu-west-1",
            aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="s" * 32)
        index = await vv.indexes.create(name="Outcomes")
        job = await vv.import_jobs.create(connector_id=conn.connector_id,
                                          index_id=index.index_id, source_prefix="drop/")
        assert job.progress.total_files == 4 and job.progress.skipped == 1
        with pytest.raises(ConflictError) as early:  # nothing to process before it ends
            await vv.workflow.process(prompt_id="prm_default_scenes", import_job_id=job.job_id)
        assert early.value.error_code in ("resource_import_job_not_finished",
                                          "resource_import_job_nothing_imported")
        ended = await poll(lambda: vv.import_jobs.retrieve(job.job_id),
                           lambda j: j.status in ("completed", "failed", "cancelled"))
        assert ended.status == "failed" and ended.phase == "completed_with_failures"
        p = ended.progress
        assert (p.imported, p.failed, p.skipped) == (2, 1, 1)
        assert ended.error_message == "1 of 3 files could not be imported"
        assert ended.failed_files == [{"path": "drop/broken.mp4",
                                       "error": "The file is empty (0 bytes)."}]
        files = {f.file_name: f async for f in vv.import_jobs.iter_files(job.job_id)}
        assert files["drop/a.mp4"].status == "completed"
        assert files["drop/broken.mp4"].status == "failed"
        assert files["drop/broken.mp4"].failure == {"code": "empty_file",
                                                     "message": "The file is empty (0 bytes)."}
        assert files["drop/readme.txt"].skip_reason == "unsupported_file_type"
        only = await vv.import_jobs.files(job.job_id, failed_only=True)
        assert [f.file_name for f in only.items] == ["drop/broken.mp4"] and only.total == 1
        outs = [o async for o in vv.import_jobs.iter_outputs(job.job_id)]
        assert [o.status for o in outs] == ["completed", "failed", "completed"]
        kept = {o.video_id for o in outs if o.status == "completed"}

        make_file(root / "broken.mp4", 10_000)  # fixed in the bucket, then retried
        retried = await vv.import_jobs.retry(job.job_id)
        assert retried.status == "pending" and retried.progress.failed == 0
        done = await poll(lambda: vv.import_jobs.retrieve(job.job_id),
                          lambda j: j.status in ("completed", "failed"))
        assert done.status == "completed" and done.progress.imported == 3
        outs = [o async for o in vv.import_jobs.iter_outputs(job.job_id)]
        assert [o.status for o in outs] == ["completed"] * 3
        assert kept < {o.video_id for o in outs}  # the first two were not made again
        assert len((await vv.indexes.list_videos(index.index_id)).data) == 3

        prompts = await vv.prompts.list()
        prompt = prompts.prompts[0]
        started = await vv.workflow.process(prompt_id=prompt.prompt_id,
                                            import_job_id=job.job_id)
        assert started.run.prompt_id == prompt.prompt_id
        assert sorted(started.run.run_context["video_ids"]) == sorted(o.video_id for o in outs)
        assert started.prompt_created_inline is False
        after = await vv.import_jobs.retrieve(job.job_id)
        assert after.execution.status == "submitted"
        assert after.execution.run_id == started.run.run_id

    run(scenario)


def test_retrying_a_file_deleted_from_the_bucket_fails_it_again(sandbox: Any, run: Any) -> None:
    root = sandbox.data_dir / "buckets" / "sbx-gone" / "in"
    root.mkdir(parents=True)
    make_file(root / "ok.mp4", 10_000)
    (root / "empty.mp4").write_bytes(b"")

    async def scenario(vv: AsyncVideoVector) -> None:
        conn = await vv.connectors.create_s3(
            name="Gone", bucket="sbx-gone", region="eu-west-1",
            aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="s" * 32)
        index = await vv.indexes.create(name="Gone")
        job = await vv.import_jobs.create(connector_id=conn.connector_id,
                                          index_id=index.index_id, source_prefix="in/")
        await poll(lambda: vv.import_jobs.retrieve(job.job_id), lambda j: j.status == "failed")
        (root / "empty.mp4").unlink()
        again = await vv.import_jobs.retry(job.job_id)
        assert again.status == "failed" and again.progress.imported == 1
        page = await vv.import_jobs.files(job.job_id, failed_only=True)
        assert page.items[0].failure == {
            "code": "source_not_found",
            "message": "The file is no longer in the storage bucket."}

    run(scenario)

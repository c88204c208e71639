"""Uploads, import jobs, long-file splitting, URI registration, media reads and paging."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from videovector import AsyncVideoVector
from videovector._exceptions import NotFoundError, ValidationError
from videovector._types import ImportOutputsPage, Video, VideoDeletionResponse, VideoStatus

from .helpers import make_file, poll, raw, upload_and_wait

pytestmark = pytest.mark.timeout(60)


def test_upload_job_outputs_video(tmp_path: Path, run: Any) -> None:
    path = tmp_path / "clip.mp4"
    make_file(path, 450_000)  # 4.5 s of simulated video

    async def scenario(vv: AsyncVideoVector) -> None:
        index = await vv.indexes.create(name="Uploads")
        job = await vv.videos.upload(file=path, title="Clip", index_id=index.index_id)
        assert job.status == "pending" and job.source_kind == "upload"
        assert job.target_index_id == index.index_id and job.video_ids == []
        done = await poll(lambda: vv.import_jobs.retrieve(job.job_id),
                          lambda j: j.status == "completed")
        assert done.progress.parts_total == 1 and done.progress.parts_completed == 1
        assert done.progress.bytes_transferred == 450_000 and done.completed_at
        page = await vv.import_jobs.outputs(job.job_id)
        assert isinstance(page, ImportOutputsPage) and page.total == 1
        out = page.items[0]
        assert (out.part_index, out.part_count, out.status) == (0, 1, "completed")
        assert out.source_start_seconds == 0.0 and out.source_end_seconds == pytest.approx(4.5)
        assert done.video_ids == [out.video_id]
        video = await vv.videos.retrieve(out.video_id)
        assert isinstance(video, Video) and video.title == "Clip"
        assert video.status == "not_processed" and video.media_type == "video"
        listed = await vv.indexes.list_videos(index.index_id)
        assert [v.video_id for v in listed.data] == [out.video_id]
        jobs = await vv.import_jobs.list()
        assert job.job_id in [j.job_id for j in jobs]
        files = await vv.import_jobs.files(job.job_id)
        assert files.items[0].status == "completed"

    run(scenario)


def test_long_video_is_split_into_parts(tmp_path: Path, run: Any) -> None:
    path = tmp_path / "long.mkv"
    path.write_bytes(b"")
    with path.open("r+b") as handle:  # sparse 250 MB file: 2500 s > 40 min
        handle.truncate(250_000_000)

    async def scenario(vv: AsyncVideoVector) -> None:
        job, outputs = await upload_and_wait(vv, path, "Long take", "idx_demo_archive")
        assert job.status == "completed"
        assert [o.part_index for o in outputs] == [0, 1]
        assert all(o.part_count == 2 for o in outputs)
        assert outputs[0].source_start_seconds == 0.0
        assert outputs[0].source_end_seconds == pytest.approx(1250.0)
        assert outputs[1].source_start_seconds == pytest.approx(1250.0)
        assert outputs[1].source_end_seconds == pytest.approx(2500.0)
        assert len({o.video_id for o in outputs}) == 2
        for o in outputs:
            assert (o.source_end_seconds - o.source_start_seconds) <= 40 * 60
            assert (await vv.videos.retrieve(o.video_id)).title == o.title

    run(scenario)


def test_rejects_unknown_extension_and_missing_index(tmp_path: Path, sandbox: Any,
                                                     run: Any) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_bytes(b"hello")
    with pytest.raises(ValidationError) as info:
        run(lambda vv: vv.videos.upload(file=bad, title="Notes"))
    assert "txt" in str(info.value) or "txt" in str(info.value.details)
    good = tmp_path / "a.mp3"
    good.write_bytes(b"x" * 1000)
    with pytest.raises(NotFoundError):
        run(lambda vv: vv.videos.upload(file=good, title="A", index_id="idx_missing"))
    resp = raw(sandbox, "POST", "/videos/upload", files={"file": ("a.mp4", b"123")})
    assert resp.status_code == 422 and resp.json()["error"]["details"]["field"] == "title"
    assert not list((sandbox.data_dir / "tmp").glob("*.part"))


def test_register_from_uri_and_playground(tmp_path: Path, sandbox: Any, run: Any) -> None:
    image = tmp_path / "still.png"
    image.write_bytes(b"\x89PNG fake")

    async def scenario(vv: AsyncVideoVector) -> None:
        job = await vv.videos.create(title="Remote", video_uri="gs://bucket/path/remote.mp4",
                                     index_id="idx_demo_archive")
        assert job.status == "pending"
        done = await poll(lambda: vv.import_jobs.retrieve(job.job_id),
                          lambda j: j.status == "completed")
        video = await vv.videos.retrieve(done.video_ids[0])
        assert video.video_uri == "gs://bucket/path/remote.mp4"
        pjob, outs = await upload_and_wait(vv, image, "Still")
        assert pjob.target_index_id is None
        play = await vv.videos.list_playground(limit=100)
        ids = [v.video_id for v in play.data]
        assert outs[0].video_id in ids and "vid_demo_playground" in ids
        image_video = await vv.videos.retrieve(outs[0].video_id)
        assert image_video.media_type == "image"

    run(scenario)
    for uri in ("ftp://x/y.mp4", "gs://bucket/file.exe"):
        resp = raw(sandbox, "POST", "/videos", json={"title": "t", "video_uri": uri,
                                                     "index_id": "idx_demo_archive"})
        assert resp.status_code == 422


def test_paging_more_than_three_pages_is_complete_and_stable(tmp_path: Path, sandbox: Any,
                                                             run: Any) -> None:
    async def scenario(vv: AsyncVideoVector) -> None:
        index = await vv.indexes.create(name="Paging")
        uploaded = []
        for i in range(9):
            path = tmp_path / f"p{i}.wav"
            path.write_bytes(bytes([i]) * 2000)
            _, outs = await upload_and_wait(vv, path, f"P{i}", index.index_id)
            uploaded.append(outs[0].video_id)
        page = await vv.indexes.list_videos(index.index_id, limit=2)
        seen = [v.video_id for v in page.data]
        pages = 1
        added = False
        while page.has_more:
            if not added:  # insert while paging: must not disturb the remaining pages
                extra = tmp_path / "late.wav"
                extra.write_bytes(b"z" * 2000)
                await upload_and_wait(vv, extra, "Late", index.index_id)
                added = True
            page = await page.next_page()
            assert page is not None
            seen += [v.video_id for v in page.data]
            pages += 1
        assert pages >= 4
        assert len(seen) == len(set(seen)) == 9
        assert seen == list(reversed(uploaded))  # newest first
        everything = [v.video_id async for v in
                      (await vv.indexes.list_videos(index.index_id, limit=3)).auto_paging_iter()]
        assert len(everything) == 10 and len(set(everything)) == 10

    run(scenario)
    bad = raw(sandbox, "GET", "/indexes/idx_demo_archive/videos?cursor=garbage")
    assert bad.status_code == 422
    assert raw(sandbox, "GET", "/indexes/idx_demo_archive/videos?limit=101").status_code == 422


def test_batch_and_delete(run: Any) -> None:
    async def scenario(vv: AsyncVideoVector) -> None:
        details = await vv.videos.batch_retrieve(["vid_demo_harbor", "vid_missing"])
        assert [d.video_id for d in details] == ["vid_demo_harbor"]
        statuses = await vv.videos.batch_status(["vid_demo_harbor", "vid_demo_poster"])
        assert all(isinstance(s, VideoStatus) and s.status == "processed" for s in statuses)
        assert statuses[0].processing_status[0].run_id == "run_demo_archive"
        job = await vv.videos.create(title="Doomed", video_uri="https://example.com/doomed.mp3",
                                     index_id="idx_demo_archive")
        done = await poll(lambda: vv.import_jobs.retrieve(job.job_id),
                          lambda j: j.status == "completed")
        vid = done.video_ids[0]
        deletion = await vv.videos.delete(vid)
        assert isinstance(deletion, VideoDeletionResponse) and deletion.status == "draining"
        await poll(lambda: vv.videos.get_deletion(vid), lambda d: d.status == "deleted")
        with pytest.raises(NotFoundError):
            await vv.videos.retrieve(vid)

    run(scenario)

"""Exports: lifecycle, byte-exact download vs. run data, refusals, download-url, failures."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import pytest
from videovector import AsyncVideoVector
from videovector._exceptions import (
    ConflictError,
    NotFoundError,
    ProcessingError,
    ValidationError,
)
from videovector._types import Export, ExportDownloadUrlResult

from .helpers import make_file, raw, upload_and_wait, wait_run

pytestmark = pytest.mark.timeout(60)

EXPORT_KEYS = {
    "export_id", "user_id", "export_type", "target_id", "status", "created_at", "gcs_uri",
    "download_url", "file_size_bytes", "error_message", "export_params", "queue_status",
    "attempts", "max_attempts", "available_at", "started_at", "completed_at", "updated_at",
    "last_error", "destination_type", "destination_connector_id", "destination_base_path",
    "destination_subpath", "destination_uri",
}


async def expected_runs(vv: AsyncVideoVector, run_ids: list[str]) -> list[dict[str, Any]]:
    """Rebuild the artifact's ``prompt_runs`` section from SDK reads."""
    out = []
    for run_id in run_ids:
        run = await vv.prompt_runs.retrieve(run_id)
        media = []
        vids = run.run_context.get("video_ids") or [
            v.video_id for v in reversed([x async for x in (await vv.indexes.list_videos(
                run.run_context["index_id"], limit=100)).auto_paging_iter()])]
        for vid in vids:
            video = await vv.videos.retrieve(vid)
            segs = [s async for s in (await vv.videos.list_segments(
                vid, run_id=run_id, limit=100)).auto_paging_iter()]
            media.append({"video_id": vid, "title": video.title, "media_type": video.media_type,
                          "segments": [{
                              "segment_id": s.segment_id, "start_time": s.start_time,
                              "end_time": s.end_time, "segment_status": s.segment_status,
                              "processing_failed": s.processing_failed, "metadata": s.metadata,
                              "metadata_text": s.metadata_text} for s in segs]})
        out.append({"run_id": run.run_id, "prompt_id": run.prompt_id,
                    "prompt_name": run.prompt_name, "status": run.status,
                    "executed_at": run.executed_at, "run_context": run.run_context,
                    "media": media})
    return out


def test_index_export_lifecycle_and_download(tmp_path: Path, sandbox: Any, run: Any) -> None:
    a, b = tmp_path / "a.mp4", tmp_path / "fail_b.mov"
    make_file(a, 300_000)
    make_file(b, 400_000)

    async def scenario(vv: AsyncVideoVector) -> str:
        index = await vv.indexes.create(name="Exportable")
        for path in (a, b):
            await upload_and_wait(vv, path, path.stem, index.index_id)
        run_ids = []
        for _ in range(2):
            started = await vv.prompt_runs.execute(
                prompt_id="prm_demo_scenes", target={"type": "index", "index_id": index.index_id},
                video_segmentation_type="fixed", video_segment_duration=2)
            run_ids.append((await wait_run(vv, started.run_id)).run_id)
        with sandbox.paused():  # held pending: a busy machine must not finish it meanwhile
            created = await vv.exports.create_index_export(index.index_id)  # no body at all
            assert created.status == "pending"
            await asyncio.sleep(0.3)  # longer than queue + processing at this time scale
            first = raw(sandbox, "GET", f"/exports/{created.export_id}").json()
            assert set(first) == EXPORT_KEYS
            assert first["status"] == "pending"
            assert first["download_url"] is None and first["destination_type"] == "download"
            with pytest.raises(ConflictError) as info:
                await vv.exports.download(created.export_id, tmp_path / "early.json")
            assert info.value.error_code == "resource_export_not_ready"
            assert not (tmp_path / "early.json").exists()
            pending_mint = await vv.exports.download_url(created.export_id)
            assert pending_mint is None
        done = await vv.exports.wait_for_completion(created.export_id, poll_interval=0.05,
                                                    timeout=20)
        assert isinstance(done, Export) and done.status == "completed"
        assert done.queue_status == "succeeded" and done.attempts == 1 and done.max_attempts >= 1
        assert done.download_url == f"/api/v2/exports/{done.export_id}/download"
        assert done.gcs_uri == f"gs://vv-sandbox/exports/{done.user_id}/{done.export_id}.json"
        assert done.started_at and done.completed_at and done.export_type == "index"
        target = tmp_path / "out" / "export.json"
        target.parent.mkdir()
        written = await vv.exports.download(done.export_id, target)
        data = target.read_bytes()
        assert written == len(data) == done.file_size_bytes
        assert [p.name for p in target.parent.iterdir()] == ["export.json"]
        chunks = b"".join([c async for c in vv.exports.iter_download(done.export_id)])
        assert chunks == data
        doc = json.loads(data)
        assert data == json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False).encode()
        assert doc["export_id"] == done.export_id and doc["target_id"] == index.index_id
        assert doc["prompt_runs"] == await expected_runs(vv, run_ids)
        statuses = [s["segment_status"] for r in doc["prompt_runs"] for m in r["media"]
                    for s in m["segments"]]
        assert "failed" in statuses and "completed" in statuses
        assert await vv.exports.download_url(done.export_id) is None
        listed = await vv.exports.list(limit=100)
        assert listed[0].export_id == done.export_id
        return done.export_id

    export_id = run(scenario)
    resp = raw(sandbox, "GET", f"/exports/{export_id}/download",
               headers={"Accept-Encoding": "identity"})
    assert resp.status_code == 200
    assert resp.headers["content-type"].split(";")[0] == "application/json"
    assert int(resp.headers["content-length"]) == len(resp.content)
    assert "content-encoding" not in resp.headers
    assert resp.headers["content-disposition"] == f'attachment; filename="{export_id}.json"'
    mint = raw(sandbox, "POST", f"/exports/{export_id}/download-url")
    assert mint.status_code == 200
    assert mint.json() == {"export_id": export_id, "status": "completed",
                           "destination_type": "download", "destination_connector_id": None,
                           "download_url": None}
    ExportDownloadUrlResult.model_validate(mint.json())


def test_run_export_expired_and_unknown(tmp_path: Path, sandbox: Any, run: Any) -> None:
    async def scenario(vv: AsyncVideoVector) -> str:
        created = await vv.exports.create_prompt_run_export("run_demo_shared")
        done = await vv.exports.wait_for_completion(created.export_id, poll_interval=0.05,
                                                    timeout=20)
        assert done.export_type == "prompt_run" and done.target_id == "run_demo_shared"
        body = json.loads(b"".join([c async for c in vv.exports.iter_download(done.export_id)]))
        assert [r["run_id"] for r in body["prompt_runs"]] == ["run_demo_shared"]
        assert body["prompt_runs"] == await expected_runs(vv, ["run_demo_shared"])
        return done.export_id

    export_id = run(scenario)
    sandbox.expire_export(export_id)

    async def refused(vv: AsyncVideoVector) -> None:
        with pytest.raises(ValidationError) as info:
            await vv.exports.download(export_id, tmp_path / "gone.json")
        assert info.value.status_code == 410
        assert info.value.error_code == "resource_export_expired"
        with pytest.raises(NotFoundError):
            await vv.exports.download("exp_missing", tmp_path / "missing.json")
        with pytest.raises(NotFoundError):
            await vv.exports.retrieve("exp_missing")
        with pytest.raises(NotFoundError):
            await vv.exports.create_index_export("idx_missing")
        with pytest.raises(NotFoundError):
            await vv.exports.create_prompt_run_export("run_missing")

    run(refused)
    assert not list(tmp_path.glob("*.json")) and not list(tmp_path.glob(".*.part"))


def test_destination_validation(sandbox: Any) -> None:
    resp = raw(sandbox, "POST", "/exports/index/idx_demo_archive",
               json={"destination_connector_id": "con_missing"})
    assert resp.status_code == 404
    assert resp.json()["error"]["code"] == "resource_connector_not_found"
    for sub in ("/abs", "a/../b", "a\\b", "a//b", ".."):
        resp = raw(sandbox, "POST", "/exports/index/idx_demo_archive",
                   json={"destination_connector_id": "con_x", "destination_subpath": sub})
        assert resp.status_code == 422, sub
        assert resp.json()["error"]["details"]["field"] == "destination_subpath"
    resp = raw(sandbox, "POST", "/exports/prompt-run/run_demo_archive",
               json={"prompt_run_ids": ["run_demo_archive"]})
    assert resp.status_code == 422
    resp = raw(sandbox, "POST", "/exports/index/idx_demo_archive",
               json={"prompt_run_ids": ["run_demo_shared"]})
    assert resp.status_code == 422


def test_failed_export(sandbox: Any, run: Any) -> None:
    sandbox.fail_next_export("Disk on fire")

    async def scenario(vv: AsyncVideoVector) -> None:
        created = await vv.exports.create_index_export(
            "idx_demo_archive", prompt_run_ids=["run_demo_archive"])
        with pytest.raises(ProcessingError) as info:
            await vv.exports.wait_for_completion(created.export_id, poll_interval=0.05,
                                                 timeout=20)
        assert "Disk on fire" in str(info.value)
        failed = await vv.exports.retrieve(created.export_id)
        assert failed.status == "failed" and failed.error_message == "Disk on fire"
        assert failed.download_url is None and failed.queue_status == "failed"
        assert failed.export_params["prompt_run_ids"] == ["run_demo_archive"]
        with pytest.raises(ConflictError):
            await vv.exports.download(created.export_id, "/tmp/never-written.json")
        nxt = await vv.exports.create_index_export("idx_demo_archive")
        ok = await vv.exports.wait_for_completion(nxt.export_id, poll_interval=0.05, timeout=20)
        assert ok.status == "completed"

    run(scenario)


def test_export_idempotency(sandbox: Any) -> None:
    headers = {"Idempotency-Key": "export-create:fixed-key-1"}
    first = raw(sandbox, "POST", "/exports/index/idx_demo_archive", headers=headers)
    again = raw(sandbox, "POST", "/exports/index/idx_demo_archive", headers=headers)
    assert first.status_code == again.status_code == 202
    assert first.json()["export_id"] == again.json()["export_id"]
    other = raw(sandbox, "POST", "/exports/index/idx_demo_archive", headers=headers,
                json={"prompt_run_ids": ["run_demo_archive"]})
    assert other.status_code == 409
    done = poll_sync(sandbox, first.json()["export_id"])
    assert done["status"] == "completed"


def poll_sync(sandbox: Any, export_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        body = raw(sandbox, "GET", f"/exports/{export_id}").json()
        if body["status"] in ("completed", "failed"):
            return body
        time.sleep(0.05)
    raise TimeoutError(export_id)


"""Fault injection: 5xx then success, 429 + Retry-After, latency, dropped connections."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from videovector import AsyncVideoVector
from videovector._exceptions import ExternalServiceError, RateLimitError, VideoVectorError

from .helpers import make_file, poll, raw, upload_and_wait

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(autouse=True)
def _clean_faults(sandbox: Any) -> Iterator[None]:
    sandbox.clear_faults()
    yield
    sandbox.clear_faults()


def test_503_then_success_with_sdk_retry(sandbox: Any, run: Any) -> None:
    sandbox.add_fault(method="GET", path=r"/indexes/idx_demo_archive$", status=503, times=1)
    started = time.monotonic()
    index = run(lambda vv: vv.indexes.retrieve("idx_demo_archive"), max_retries=2)
    assert index.index_id == "idx_demo_archive"
    assert time.monotonic() - started >= 1.9  # SDK backoff 2 s before the retry
    sandbox.add_fault(method="GET", path=r"/indexes/idx_demo_archive$", status=503, times=5)
    with pytest.raises(ExternalServiceError):
        run(lambda vv: vv.indexes.retrieve("idx_demo_archive"), max_retries=0)
    resp = raw(sandbox, "GET", "/indexes/idx_demo_archive")
    assert resp.status_code == 503 and resp.json()["error"]["request_id"]
    # control endpoints are never faulted
    sandbox.add_fault(path=r".*", status=500, times=100)
    assert raw(sandbox, "GET", "/_sandbox/info").status_code == 200


def test_429_with_retry_after(sandbox: Any, run: Any) -> None:
    sandbox.add_fault(method="GET", path=r"^/api/v2/exports$", status=429, retry_after="1",
                      times=1)
    started = time.monotonic()
    assert isinstance(run(lambda vv: vv.exports.list(), max_retries=1), list)
    assert time.monotonic() - started >= 0.9
    sandbox.add_fault(method="GET", path=r"^/api/v2/exports$", status=429, retry_after="7",
                      times=1)
    with pytest.raises(RateLimitError) as info:
        run(lambda vv: vv.exports.list(), max_retries=0)
    assert info.value.retry_after == 7
    resp = raw(sandbox, "GET", "/exports")
    assert resp.status_code == 200  # fault exhausted


def test_nth_request_and_latency(sandbox: Any) -> None:
    sandbox.add_fault(method="GET", path=r"/prompts$", status=503, nth=2, times=2)
    codes = [raw(sandbox, "GET", "/prompts").status_code for _ in range(5)]
    assert codes == [200, 503, 503, 200, 200]
    sandbox.add_fault(method="GET", path=r"/auth/validate$", latency=0.4)
    started = time.monotonic()
    assert raw(sandbox, "GET", "/auth/validate").status_code == 204
    assert time.monotonic() - started >= 0.4


def test_dropped_download_leaves_nothing(tmp_path: Path, sandbox: Any, run: Any) -> None:
    async def make_export(vv: AsyncVideoVector) -> str:
        created = await vv.exports.create_index_export("idx_demo_archive")
        done = await vv.exports.wait_for_completion(created.export_id, poll_interval=0.05,
                                                    timeout=20)
        assert done.file_size_bytes and done.file_size_bytes > 200
        return done.export_id

    export_id = run(make_export)
    sandbox.add_fault(method="GET", path=rf"/exports/{export_id}/download$",
                      drop_response_after=100)
    target = tmp_path / "dl" / "export.json"
    target.parent.mkdir()
    with pytest.raises(VideoVectorError):
        run(lambda vv: vv.exports.download(export_id, target))
    assert list(target.parent.iterdir()) == []
    written = run(lambda vv: vv.exports.download(export_id, target))
    assert written == target.stat().st_size


def test_dropped_upload_is_retried_once_with_same_key(tmp_path: Path, sandbox: Any,
                                                      run: Any) -> None:
    path = tmp_path / "retry.mp4"
    make_file(path, 400_000)
    sandbox.add_fault(method="POST", path=r"/videos/upload$", drop_request_after=50_000)
    key = f"import-job-upload:{uuid.uuid4().hex}"

    async def scenario(vv: AsyncVideoVector) -> None:
        index = await vv.indexes.create(name="Dropped uploads")
        job = await vv.videos.upload(file=path, title="Retry", index_id=index.index_id,
                                     idempotency_key=key)
        again = await vv.videos.upload(file=path, title="Retry", index_id=index.index_id,
                                       idempotency_key=key)
        assert again.job_id == job.job_id
        await poll(lambda: vv.import_jobs.retrieve(job.job_id),
                   lambda j: j.status == "completed")
        videos = (await vv.indexes.list_videos(index.index_id)).data
        assert len(videos) == 1
        other = tmp_path / "other.mp4"
        make_file(other, 1000)
        _, outs = await upload_and_wait(vv, other, "Other", index.index_id)
        assert outs

    run(scenario, max_retries=2)
    assert not list((sandbox.data_dir / "tmp").glob("*.part"))


def test_hostile_answers_message_body_and_trickle(sandbox: Any) -> None:
    """Answers a real server might give a client: its own error text (echoing a key), any
    JSON instead of the real answer (a bad row, a repeating cursor), a body at 1 byte a tick."""
    sandbox.add_fault(method="GET", path=r"/indexes$", status=500,
                      message=f"Key {sandbox.api_key} was rejected")
    resp = raw(sandbox, "GET", "/indexes")
    assert resp.status_code == 500
    assert resp.json()["error"]["message"] == f"Key {sandbox.api_key} was rejected"

    page = {"data": [], "pagination": {"has_more": True, "next_cursor": "again"}}
    sandbox.add_fault(method="GET", path=r"/indexes/[^/]+/videos$", body=page, times=2)
    for _ in range(2):
        resp = raw(sandbox, "GET", "/indexes/idx_demo_archive/videos")
        assert resp.status_code == 200 and resp.json() == page
    assert raw(sandbox, "GET", "/indexes/idx_demo_archive/videos").json() != page

    sandbox.add_fault(method="GET", path=r"/indexes/idx_demo_archive$", trickle_s=0.05)
    started = time.monotonic()
    resp = raw(sandbox, "GET", "/indexes/idx_demo_archive")
    assert resp.status_code == 200 and resp.json()["index_id"] == "idx_demo_archive"
    assert time.monotonic() - started >= 0.05 * len(resp.content) * 0.9
    bad = raw(sandbox, "POST", "/_sandbox/faults", json={"path": "x", "trickle_s": 99})
    assert bad.status_code == 422


def test_endless_answers_a_list_without_end_until_the_client_leaves(sandbox: Any) -> None:
    import httpx

    row = {"index_id": "idx_again", "name": "Again"}
    sandbox.add_fault(method="GET", path=r"/indexes$", body=[row], endless=True)
    with httpx.stream("GET", f"{sandbox.base_url}/indexes", timeout=30,
                      headers={"X-API-Key": sandbox.api_key}) as resp:
        assert resp.status_code == 200
        got = b""
        for chunk in resp.iter_bytes():
            got += chunk
            if len(got) > 4 * 1024 * 1024:  # far more than one row: it goes on
                break
    assert got.startswith(b'[{"index_id":"idx_again"') and b"]" not in got
    # the client left: the server is free for the next request at once
    assert raw(sandbox, "GET", "/indexes/idx_demo_archive").status_code == 200
    bad = raw(sandbox, "POST", "/_sandbox/faults", json={"path": "x", "endless": True})
    assert bad.status_code == 422  # endless needs rows to repeat

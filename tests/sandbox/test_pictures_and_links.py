"""Real media in the sandbox: probed lengths, thumbnails, GIF previews and signed links."""

from __future__ import annotations

import base64
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from videovector import AsyncVideoVector
from videovector._exceptions import NotFoundError
from videovector._types import Segment

from .helpers import make_file, poll, raw, upload_and_wait, wait_run
from .media_files import closest_colour, decode, write_clip, write_wav

pytestmark = pytest.mark.timeout(90)


async def pictured_segments(vv: AsyncVideoVector, video_id: str) -> list[Segment]:
    """Segments of the latest run once every one has its thumbnail."""
    async def fetch() -> list[Segment]:
        return (await vv.videos.list_segments(video_id, limit=100)).data

    return await poll(fetch, lambda segs: bool(segs) and all(s.thumbnail_available
                                                              for s in segs))


async def run_fixed(vv: AsyncVideoVector, index_id: str, seconds: int) -> str:
    run = await vv.prompt_runs.execute(
        prompt_id="prm_demo_scenes", target={"type": "index", "index_id": index_id},
        video_segmentation_type="fixed", video_segment_duration=seconds)
    done = await wait_run(vv, run.run_id)
    assert done.status == "completed"
    return run.run_id


def test_a_real_clip_gets_its_length_and_a_thumbnail_per_segment(tmp_path: Path,
                                                                 run: Any) -> None:
    clip = tmp_path / "colours.mp4"
    write_clip(clip, seconds=6)  # ~10 KB: the size rule alone would make it 0.1 s long

    async def scenario(vv: AsyncVideoVector) -> None:
        index = await vv.indexes.create(name="Pictures")
        _, outs = await upload_and_wait(vv, clip, "Colours", index.index_id)
        vid = outs[0].video_id
        assert outs[0].source_end_seconds == pytest.approx(6.0)
        details = await poll(lambda: vv.videos.batch_retrieve([vid]),
                             lambda d: bool(d[0].first_thumbnail and d[0].gif_data))
        fmt, first = decode(base64.b64decode(details[0].first_thumbnail or ""))
        assert first.shape == (180, 320, 3)  # 640x360 scaled to a 320 px longer side
        assert closest_colour(first) == 1  # the frame at 1 s
        fmt, preview = decode(base64.b64decode(details[0].gif_data or ""))
        assert fmt == "gif" and preview.shape == (72, 128, 3)

        await run_fixed(vv, index.index_id, 2)
        segs = await pictured_segments(vv, vid)
        assert [(s.start_time, s.end_time) for s in segs] == [(0, 2), (2, 4), (4, 6)]
        for seg in segs:
            fmt, picture = decode(base64.b64decode(seg.thumbnail_data or ""))
            assert picture.shape == (180, 320, 3)
            # The frame in the middle of [start, end]: colour of second start+1.
            assert closest_colour(picture) == int(seg.start_time) + 1
            assert seg.gif_available and seg.gif_data
            assert seg.thumbnail_gcs_uri and seg.gcs_uri == (await vv.videos.retrieve(
                vid)).video_uri

    run(scenario)


def test_audio_gets_a_waveform_and_undecodable_bytes_a_placeholder(tmp_path: Path,
                                                                   run: Any) -> None:
    tone, junk = tmp_path / "tone.wav", tmp_path / "junk.mp4"
    write_wav(tone, seconds=3, rate=16000)  # 96 KB: the size rule alone would say 6 s
    make_file(junk, 300_000)  # not media: keeps the simulated 3 s length

    async def scenario(vv: AsyncVideoVector) -> None:
        index = await vv.indexes.create(name="Odd media")
        _, tone_out = await upload_and_wait(vv, tone, "Tone", index.index_id)
        _, junk_out = await upload_and_wait(vv, junk, "Junk", index.index_id)
        await run_fixed(vv, index.index_id, 1)
        tone_segs = await pictured_segments(vv, tone_out[0].video_id)
        assert [(s.start_time, s.end_time) for s in tone_segs] == [(0, 3)]  # one 60 s window
        _, wave = decode(base64.b64decode(tone_segs[0].thumbnail_data or ""))
        assert wave.shape == (90, 320, 3) and not tone_segs[0].gif_available
        junk_segs = await pictured_segments(vv, junk_out[0].video_id)
        assert len(junk_segs) == 3  # 300,000 B at 100,000 B/s
        _, placeholder = decode(base64.b64decode(junk_segs[0].thumbnail_data or ""))
        assert placeholder.shape == (180, 320, 3)
        assert not junk_segs[0].gif_available and junk_segs[0].gif_data is None

    run(scenario)


def test_a_signed_link_serves_ranges_without_the_key(tmp_path: Path, sandbox: Any,
                                                    run: Any) -> None:
    clip = tmp_path / "ranged.mp4"
    write_clip(clip, seconds=3)
    data = clip.read_bytes()

    async def scenario(vv: AsyncVideoVector) -> tuple[str, str]:
        _, outs = await upload_and_wait(vv, clip, "Ranged", "idx_demo_archive")
        video = await vv.videos.retrieve(outs[0].video_id)
        link = await vv.videos.get_signed_url(video.video_uri)
        again = await vv.videos.get_signed_url(video.video_uri)
        assert again.signed_url == link.signed_url  # still fresh: the same link
        fresh = await vv.videos.get_signed_url(video.video_uri, force_refresh=True)
        assert fresh.signed_url != link.signed_url
        with pytest.raises(NotFoundError):
            await vv.videos.get_signed_url("gs://vv-sandbox/media/someone/else.mp4")
        return link.signed_url, link.expires_at

    url, expires_at = run(scenario)
    assert url.startswith(sandbox.base_url.rsplit("/api/v2", 1)[0])
    assert expires_at.endswith("Z")
    whole = httpx.get(url)  # no X-API-Key
    assert whole.status_code == 200 and whole.content == data
    assert whole.headers["content-type"] == "video/mp4"
    part = httpx.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == data[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(data)}"
    tail = httpx.get(url, headers={"Range": f"bytes={len(data) - 10}-"})
    assert tail.status_code == 206 and tail.content == data[-10:]
    forged = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    assert httpx.get(forged).status_code == 403
    payload = url.rsplit("/", 1)[1].split(".")[0]
    assert httpx.get(url.replace(payload, payload[:-2] + "xx")).status_code == 403


def test_an_expired_link_is_refused(tmp_path: Path, sandbox: Any, run: Any) -> None:
    assert raw(sandbox, "POST", "/_sandbox/links", json={"ttl_seconds": 1}).status_code == 200
    try:
        async def scenario(vv: AsyncVideoVector) -> str:
            link = await vv.videos.get_signed_url(
                (await vv.videos.retrieve("vid_demo_poster")).video_uri, force_refresh=True)
            return link.signed_url

        url = run(scenario)
        assert httpx.get(url).status_code == 200
        assert httpx.get(url).headers["content-type"] == "image/png"
        time.sleep(1.2)
        expired = httpx.get(url)
        assert expired.status_code == 403
        error = expired.json()["error"]
        assert error["code"] == "authorization_invalid_media_token"
        assert error["details"]["reason"] == "expired"
    finally:
        raw(sandbox, "POST", "/_sandbox/links", json={"ttl_seconds": None})


def test_the_api_still_wants_the_key_for_minting(sandbox: Any) -> None:
    resp = httpx.post(f"{sandbox.base_url}/videos/signed-url",
                      json={"gcs_uri": "gs://vv-sandbox/x"})
    assert resp.status_code == 401


def test_the_demo_seed_has_real_pictures(run: Any) -> None:
    async def scenario(vv: AsyncVideoVector) -> None:
        ids = ["vid_demo_harbor", "vid_demo_interview", "vid_demo_poster", "vid_demo_drone"]
        details = await poll(lambda: vv.videos.batch_retrieve(ids),
                             lambda d: all(v.first_thumbnail for v in d))
        shapes = {v.video_id: decode(base64.b64decode(v.first_thumbnail or ""))[1].shape
                  for v in details}
        assert shapes["vid_demo_interview"] == (90, 320, 3)  # a waveform
        assert shapes["vid_demo_harbor"] == (144, 256, 3)  # the clip's own size
        assert shapes["vid_demo_poster"] == (214, 320, 3)  # 480x320 poster, scaled
        segs = await pictured_segments(vv, "vid_demo_harbor")
        assert [(s.start_time, s.end_time) for s in segs] == [(0, 30), (30, 60), (60, 90)]

    run(scenario)

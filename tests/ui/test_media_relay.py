"""The player plays signed links of an https server with its own CA through the app's
loopback media relay: TLS checked against that CA, Range honoured, and the link's token
never printed (FFmpeg prints the URLs it fails on; it only ever sees the relay's)."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from PySide6.QtCore import QUrl
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

from tests.sandbox_proc import SandboxProcess
from vvdesk.api.client import make_client, open_transport
from vvdesk.api.media_relay import MediaRelay


@pytest.fixture(scope="module")
def tls_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    proc = SandboxProcess(tmp_path_factory.mktemp("tls-relay"), extra_args=["--https"])
    proc.start()
    try:
        yield proc
    finally:
        proc.stop()


def test_the_player_plays_an_https_signed_link_through_the_relay(
        qtbot: Any, arun: Any, until: Any, tls_sandbox: SandboxProcess,
        capfd: pytest.CaptureFixture[str]) -> None:
    ca = tls_sandbox.data_dir / "tls" / "ca.pem"
    trust = ssl.create_default_context(cafile=str(ca))

    async def signed() -> tuple[str, str]:
        vv = make_client(tls_sandbox.base_url, tls_sandbox.api_key, ca_file=ca)
        await open_transport(vv)
        try:
            for _ in range(100):
                videos = (await vv.indexes.list_videos("idx_demo_archive", limit=50)).data
                harbor = [v for v in videos if v.title == "Harbor timelapse"]
                if harbor:
                    break
            link = await vv.videos.get_signed_url(harbor[0].video_uri)
            other = await vv.videos.get_signed_url(harbor[0].video_uri)
            return link.signed_url, other.signed_url
        finally:
            await vv.close()

    url, _ = arun(signed())
    token = url.rsplit("/", 1)[1]
    relay = MediaRelay()
    try:
        played = relay.publish(url, trust)
        assert played.startswith("http://127.0.0.1:") and token not in played
        # a Range through the relay is the same bytes as from the link itself
        direct = httpx.get(url, headers={"Range": "bytes=100-1099"}, verify=trust)
        relayed = httpx.get(played, headers={"Range": "bytes=100-1099"})
        assert relayed.status_code == direct.status_code == 206
        assert relayed.content == direct.content and len(relayed.content) == 1000
        assert relayed.headers["content-range"] == direct.headers["content-range"]
        assert httpx.get(played.rsplit("/", 1)[0] + "/unknown").status_code == 404
        # a link whose TLS does not check out (not the server's CA) is not played
        strict = relay.publish(url, ssl.create_default_context())
        assert httpx.get(strict).status_code == 502

        player = QMediaPlayer()
        audio = QAudioOutput()
        audio.setVolume(0)
        player.setAudioOutput(audio)
        player.setSource(QUrl(played))
        player.play()
        until(lambda: player.position() > 500, "playback through the relay", timeout=30)
        assert abs(player.duration() / 1000 - 90) < 1
        player.setSource(QUrl(strict))  # fails: FFmpeg may say so, with the relay's URL
        qtbot.wait(1000)
        player.stop()
        player.deleteLater()
        audio.deleteLater()
    finally:
        relay.close()
    printed = capfd.readouterr()
    assert token not in printed.out and token not in printed.err

"""The preview player against the sandbox's real demo clips (offscreen, real decoding):
it plays from a signed link, seeks to segments within a frame, follows playback in the
segment list and timeline, and plays the local original when this machine uploaded it."""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtMultimedia import QMediaPlayer

from tests.sandbox_proc import DEMO_CACHE
from tests.ui.helpers import add_profile, running_app, shoot
from tests.ui.test_media_ui import new_index, sdk, show_index  # noqa: F401
from tests.ui.test_upload_ui import drop
from vvdesk.app import Options
from vvdesk.models.keyed import OBJECT_ROLE
from vvdesk.models.media import MediaColumn
from vvdesk.settings import ColorSchemeChoice
from vvdesk.ui import theme
from vvdesk.vocab import MediaKind

pytestmark = pytest.mark.usefixtures("secret_service")


def select_title(pane: Any, title: str) -> Any:
    p = pane.proxy
    for r in range(p.rowCount()):
        video = p.index(r, 0).data(OBJECT_ROLE)
        if video.title == title:
            pane.table.selectRow(r)
            return video
    raise AssertionError(f"{title} is not listed")


def demo_clip(name: str) -> Path:
    return next(DEMO_CACHE.glob(f"*/*{name}"))


@pytest.fixture
def restore_theme(qapp: Any) -> Any:
    yield
    theme.apply(ColorSchemeChoice.SYSTEM)


def test_plays_seeks_to_segments_and_follows_playback(
        qtbot, arun, until, settings, sandbox, restore_theme):
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        w.resize(1400, 900)
        pane = show_index(app, until, "idx_demo_archive", 4)
        preview = app.controllers.preview
        player = pane.player
        select_title(pane, "Harbor timelapse")
        until(lambda: preview.source is not None, "the preview's source")
        src = preview.source
        assert src.kind is MediaKind.VIDEO and not src.local
        url = src.url.toString()
        # the media relay's loopback URL: no key, no signed link's token for FFmpeg to print
        assert url.startswith("http://127.0.0.1:") and "/m/" in url
        assert sandbox.base_url not in url and sandbox.api_key not in url
        until(lambda: player.player.duration() > 0, "the clip's duration")
        assert abs(player.player.duration() / 1000 - 90) < 1
        until(lambda: pane.model.facts(src.video_id).duration is not None, "duration column")
        facts = pane.model.facts(src.video_id)
        assert (facts.width, facts.height) == (256, 144)
        assert facts.size is not None and facts.size > 0
        row = pane.proxy.mapToSource(pane.table.currentIndex()).row()
        assert pane.model.index(row, MediaColumn.DURATION).data() == "1:30"
        assert pane.model.index(row, MediaColumn.DIMENSIONS).data() == "256×144"

        # playing from the list with Space: the position advances; Space again pauses
        w.activateWindow()
        pane.table.setFocus()
        qtbot.keyClick(pane.table, Qt.Key.Key_Space)
        until(lambda: player.player.position() > 300, "playback started", 20)
        first = player.player.position()
        until(lambda: player.player.position() > first + 500, "the position advancing", 20)
        assert pane.current_video().title == "Harbor timelapse"  # Space kept the selection
        qtbot.keyClick(pane.table, Qt.Key.Key_Space)
        until(lambda: player.player.playbackState() != QMediaPlayer.PlaybackState.PlayingState,
              "paused")
        # Enter goes to the player, whose own keys then work (L: ten seconds on)
        qtbot.keyClick(pane.table, Qt.Key.Key_Return)
        assert player.hasFocus()
        at = player.player.position()
        qtbot.keyClick(player, Qt.Key.Key_L)
        until(lambda: player.player.position() >= at + 9_000, "L jumped on")

        # the timeline holds every segment; a click on the third seeks to its start
        until(lambda: len(player.timeline.spans) >= 3, "segments on the timeline")
        spans = player.timeline.spans
        target = spans[2]
        x = round(player.timeline._x((target.start + target.end) / 2))
        qtbot.mouseClick(player.timeline, Qt.MouseButton.LeftButton, pos=QPoint(x, 10))
        frame = player.frame_ms()
        assert frame <= 250  # 4 fps clips: one frame is 250 ms
        until(lambda: abs(player.player.position() - target.start * 1000) <= frame,
              "the position at the segment's start")
        # the segment list and the timeline follow
        until(lambda: player.timeline.selected == target.key, "the timeline's selection")
        seg_table = pane.details.segments
        until(lambda: seg_table.currentIndex().isValid() and seg_table.currentIndex().data(
            OBJECT_ROLE).segment_id == target.key, "the segment list's selection")
        # frame step: one frame forward, paused
        before = player.player.position()
        player.step(1)
        until(lambda: abs(player.player.position() - (before + frame)) <= 1, "one frame on")

        # the hook for search: open at a moment of a media item
        preview.open_at(pane.current_video(), spans[-1].start)
        until(lambda: abs(player.player.position() - spans[-1].start * 1000) <= frame,
              "open_at's moment")
        for scheme in ("light", "dark"):
            theme.apply(ColorSchemeChoice.LIGHT if scheme == "light" else ColorSchemeChoice.DARK)
            arun(asyncio.sleep(0.15))  # repainted (with the loop running: not qtbot.wait)
            shoot(w, f"player-timeline-{scheme}.png")
            shoot(pane.player, f"player-{scheme}.png")
            pane.act_grid.trigger()
            arun(asyncio.sleep(0.1))
            shoot(pane, f"media-grid-{scheme}.png")
            pane.act_grid.trigger()

        # an image shows in the zoomable viewer, an audio file plays
        select_title(pane, "Festival poster")
        until(lambda: preview.source is not None and preview.source.kind is MediaKind.IMAGE,
              "the poster")
        assert player.stage.currentWidget() is player.image
        assert not player.image.label.pixmap().isNull()
        before_w = player.image.label.width()
        player.image.zoom_by(2.0)
        assert player.image.label.width() > before_w
        select_title(pane, "Interview audio")
        until(lambda: preview.source is not None and preview.source.kind is MediaKind.AUDIO,
              "the audio")
        until(lambda: abs(player.player.duration() / 1000 - 120) < 1, "the audio's length")


def test_the_local_original_plays_while_unchanged(
        qtbot, arun, until, settings, sandbox, sdk, tmp_path):  # noqa: F811
    clip = tmp_path / "my clip.mp4"
    shutil.copyfile(demo_clip("playground_clip.mp4"), clip)
    index = new_index(arun, sdk, "Local")
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        w.resize(1200, 800)
        pane = show_index(app, until, index.index_id, 0)
        assert drop(pane.table.viewport(), [clip])
        service = app.controllers.transfers.service
        until(lambda: [t.state.value for t in service.transfers()] == ["done"], "upload done",
              40)
        until(lambda: pane.model.rowCount() == 1, "the media listed")
        preview = app.controllers.preview
        select_title(pane, "my clip.mp4")
        until(lambda: preview.source is not None, "the preview's source")
        assert preview.source.local
        assert preview.source.url.toLocalFile() == str(clip)
        until(lambda: pane.model.facts(preview.source.video_id).size == clip.stat().st_size,
              "the size column")
        until(lambda: pane.player.player.mediaStatus() in (
            QMediaPlayer.MediaStatus.LoadedMedia, QMediaPlayer.MediaStatus.BufferedMedia),
            "the local file loaded")
        # the file changes on disk: the preview no longer trusts it and uses the signed link
        pane.table.clearSelection()
        until(lambda: preview.source is None, "the preview cleared")
        later = time.time() + 5
        os.utime(clip, (later, later))
        select_title(pane, "my clip.mp4")
        until(lambda: preview.source is not None, "the preview's source again")
        assert not preview.source.local
        assert preview.source.url.toString().startswith("http://127.0.0.1:")

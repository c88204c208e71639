"""Duration, Size and Dimensions in the media list, read from the media themselves (the
API's media models have none of them), for the rows on screen, without opening a preview."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.ui.helpers import add_profile, running_app
from tests.ui.test_media_ui import show_index
from tests.ui.test_preview_ui import select_title
from vvdesk.app import Options
from vvdesk.format import human_size
from vvdesk.models.media import MediaColumn

pytestmark = pytest.mark.usefixtures("secret_service")


def cells(pane: Any, title: str) -> tuple[str, str, str]:
    p = pane.proxy
    for r in range(p.rowCount()):
        if p.index(r, MediaColumn.TITLE).data() == title:
            return tuple(p.index(r, c).data() for c in (  # type: ignore[return-value]
                MediaColumn.DURATION, MediaColumn.SIZE, MediaColumn.DIMENSIONS))
    return ("", "", "")


def test_the_list_shows_length_size_and_dimensions_without_a_preview(
        qtbot, arun, until, settings, sandbox):
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        app.window.resize(1400, 900)
        pane = show_index(app, until, "idx_demo_archive", 4)
        assert pane.views.currentWidget() is pane.table
        # the demo's generated clips: a 90 s 256x144 video, a 120 s audio, a 480x320 image
        until(lambda: cells(pane, "Harbor timelapse")[2], "the video's dimensions")
        duration, size, dimensions = cells(pane, "Harbor timelapse")
        assert (duration, dimensions) == ("1:30", "256×144")
        until(lambda: cells(pane, "Interview audio")[0], "the audio's length")
        assert cells(pane, "Interview audio")[0] == "2:00"
        assert cells(pane, "Interview audio")[2] == ""  # a sound has no picture size
        until(lambda: cells(pane, "Festival poster")[2], "the image's dimensions")
        assert cells(pane, "Festival poster")[2] == "480×320"
        harbor = next(r.video_id for r in pane.model.rows() if r.title == "Harbor timelapse")
        assert size == human_size(pane.model.facts(harbor).size)
        assert 100_000 < (pane.model.facts(harbor).size or 0) < 10_000_000
        # no preview was opened for any of it, and each item was read once
        assert app.controllers.preview.source is None
        assert pane.selected_ids() == []
        read = app.controllers.media.facts.probed
        reloaded: list[object] = []
        app.controllers.media.service.page_loaded.connect(lambda *a: reloaded.append(a))
        pane.refresh_requested.emit()
        until(lambda: reloaded, "the list reloaded")
        arun(asyncio.sleep(0.5))  # the loop runs on: time for a re-read to begin, if any
        assert not app.session.jobs.is_running("media.facts")
        assert app.controllers.media.facts.probed == read
        # a picture has no length: opening it (its one segment ends at 0) shows none
        select_title(pane, "Festival poster")
        until(lambda: app.controllers.media.segments.rowCount() > 0, "the poster's segment")
        assert cells(pane, "Festival poster")[0] == ""
        assert cells(pane, "Harbor timelapse")[0] == "1:30"

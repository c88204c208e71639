"""Thumbnails in the Media tab: the rows on screen get their pictures, the rest are not
fetched; the grid view is remembered; the pictures stay on disk for the next start."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from PySide6.QtCore import QSize, Qt

from tests.ui.helpers import add_profile, running_app, shoot
from tests.ui.test_media_ui import new_index, sdk, show_index, upload_tiny  # noqa: F401
from vvdesk.app import Options
from vvdesk.models.keyed import OBJECT_ROLE
from vvdesk.models.media import MediaColumn
from vvdesk.services.picture_cache import default_cache_dir

pytestmark = pytest.mark.usefixtures("secret_service")


def picture_of(pane: Any, title: str) -> Any:
    p = pane.proxy
    for r in range(p.rowCount()):
        if p.index(r, MediaColumn.TITLE).data() == title:
            idx = p.index(r, MediaColumn.TITLE)
            if pane.model.has_picture(idx.data(OBJECT_ROLE).video_id):
                return idx.data(Qt.ItemDataRole.DecorationRole)
    return None


def grid_cell(pane: Any, title: str) -> Any:
    """What the grid shows in the cell of this title, as an image."""
    p = pane.proxy
    rows = [r for r in range(p.rowCount()) if p.index(r, MediaColumn.TITLE).data() == title]
    index = p.index(rows[0], MediaColumn.TITLE)
    pane.grid.scrollTo(index)
    rect = pane.grid.visualRect(index)
    assert pane.grid.viewport().rect().contains(rect), "the cell is not wholly on screen"
    return pane.grid.viewport().grab(rect).toImage()


def test_demo_media_show_their_thumbnails_in_the_list_and_the_grid(
        qtbot, arun, until, settings, sandbox):
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        w.resize(1200, 820)
        pane = show_index(app, until, "idx_demo_archive", 4)
        until(lambda: picture_of(pane, "Harbor timelapse") is not None, "the harbor thumbnail")
        until(lambda: picture_of(pane, "Festival poster") is not None, "the poster thumbnail")
        harbor = picture_of(pane, "Harbor timelapse").pixmap(QSize(160, 120))
        image = harbor.toImage()
        # a 256x144 clip: 160x90 centred in the 160x120 box (aspect kept), clear above
        assert (image.width(), image.height()) == (160, 120)
        assert image.pixelColor(80, 10).alpha() == 0 and image.pixelColor(80, 20).alpha() == 255
        # a real frame, not a flat placeholder: the gradient has many colours
        colours = {image.pixel(x, 60) for x in range(0, 160, 8)}
        assert len(colours) > 5
        shoot(w, "media-list-thumbnails.png")
        pane.act_grid.trigger()
        assert pane.views.currentWidget() is pane.grid
        assert settings.value("media/grid") in (True, "true")
        # the cell paints the picture (the clip's gradient) and the title below it, once
        # the grid has laid itself out (Qt does that on a later turn of the loop; qtbot.wait
        # would spin Qt without the asyncio loop, and the app's requests then failed)
        until(lambda: pane.grid.visualRect(pane.proxy.index(0, 0)).isValid(), "the grid")
        cell = grid_cell(pane, "Harbor timelapse")
        assert len({cell.pixel(x, 4 + 60) for x in range(8, 168, 8)}) > 5
        text_row = [cell.pixel(x, y) for x in range(cell.width())
                    for y in range(4 + 120 + 4, cell.height() - 4)]
        assert len(set(text_row)) > 2, "no title drawn under the picture"
        shoot(w, "media-grid.png")
    assert len(list(default_cache_dir().glob("*.jpg"))) >= 4
    # the next start shows the grid again, with pictures from the disk cache
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        app.window.resize(1200, 820)
        pane = show_index(app, until, "idx_demo_archive", 4)
        assert pane.views.currentWidget() is pane.grid
        until(lambda: picture_of(pane, "Harbor timelapse") is not None, "the harbor thumbnail")
        assert app.controllers.media.thumbnails.fetched == 0


@pytest.mark.timeout(240)  # 40 uploads and the server's pictures of them, maybe loaded
def test_only_rows_on_screen_get_thumbnails(qtbot, arun, until, settings, sandbox, sdk):  # noqa: F811
    index = new_index(arun, sdk, "Thumbs")
    upload_tiny(arun, sdk, index.index_id, 40)
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        w.resize(1000, 700)
        pane = show_index(app, until, index.index_id, 40)
        thumbs = app.controllers.media.thumbnails
        # the server makes the pictures after the import: on a loaded machine, ~30 s later
        until(lambda: pane.visible_ids() and all(
            pane.model.has_picture(i) for i in pane.visible_ids()), "pictures for visible rows",
            90)
        on_screen = pane.visible_ids()
        assert 0 < len(on_screen) < 40
        assert thumbs.fetched == len(on_screen)  # undecodable bytes: the sandbox's placeholder
        pane.table.scrollToBottom()
        until(lambda: pane.model.has_picture(pane.visible_ids()[-1]), "pictures after scrolling",
              90)
        assert thumbs.fetched < 40  # the rows scrolled past were never asked for


DEMO_IDS = ["vid_demo_drone", "vid_demo_poster", "vid_demo_interview", "vid_demo_harbor"]


@contextmanager
def demo_without_pictures_at_first(qtbot: Any, arun: Any, until: Any, settings: Any,
                                   sandbox: Any, client: Any, monkeypatch: Any,
                                   recheck_s: float) -> Iterator[tuple[Any, Any]]:
    """The demo index in the window, its first thumbnail request answered without pictures,
    as a server does while the previews are still being made (a fresh upload, the sandbox's
    first start); a missing picture is asked for again after `recheck_s`."""
    from vvdesk.services import thumbnails as thumbnail_service

    monkeypatch.setattr(thumbnail_service, "RECHECK_S", recheck_s)
    rows = arun(client.videos.batch_retrieve(DEMO_IDS))
    body = [{**r.model_dump(mode="json"), "first_thumbnail": None, "gif_data": None}
            for r in rows]
    sandbox.add_fault(path=r"/videos/batch$", method="POST", body=body, times=1)
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        app.window.resize(1200, 820)
        yield app, show_index(app, until, "idx_demo_archive", 4)


def test_a_picture_missing_at_first_comes_by_itself(qtbot, arun, until, settings, sandbox,
                                                    sdk, monkeypatch):  # noqa: F811
    with demo_without_pictures_at_first(qtbot, arun, until, settings, sandbox, sdk,
                                        monkeypatch, recheck_s=0.5) as (app, pane):
        until(lambda: picture_of(pane, "Festival poster") is not None,
              "the poster's picture, asked for again after the first answer had none", 60)
        assert app.controllers.media.thumbnails.fetched >= 4


def test_reload_asks_again_for_missing_pictures_at_once(qtbot, arun, until, settings, sandbox,
                                                         sdk, monkeypatch):  # noqa: F811
    with demo_without_pictures_at_first(qtbot, arun, until, settings, sandbox, sdk,
                                        monkeypatch, recheck_s=120.0) as (app, pane):
        thumbs = app.controllers.media.thumbnails
        until(lambda: not app.session.jobs.is_running("thumbnails") and thumbs._absent,
              "the answer without pictures")
        assert picture_of(pane, "Festival poster") is None
        pane.refresh_requested.emit()  # F5
        until(lambda: picture_of(pane, "Festival poster") is not None,
              "the poster's picture after reloading", 30)  # the timed retry is 2 min away

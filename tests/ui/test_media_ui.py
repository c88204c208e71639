"""The Media tab through the real window against the sandbox: what a user sees."""

from __future__ import annotations

import asyncio
import io
import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.helpers import add_profile, running_app, shoot
from tests.ui.test_upload_ui import drop
from vvdesk.app import Options
from vvdesk.models.keyed import OBJECT_ROLE
from vvdesk.ui.dialogs import ask
from vvdesk.ui.dialogs.register_uri import RegisterUriDialog

pytestmark = pytest.mark.usefixtures("secret_service")

ARCHIVE = {"Harbor timelapse": "video", "Interview audio": "audio",
           "Festival poster": "image", "Drone footage (fail sample)": "video"}
DRONE = "vid_demo_drone"


@pytest.fixture
def sdk(arun: Callable[..., Any], sandbox: Any) -> Iterator[Any]:
    """An SDK client of its own, to set data up the way another client would."""
    from vvdesk.api.client import make_client

    client = make_client(sandbox.base_url, sandbox.api_key)
    yield client
    arun(client.close())


def new_index(arun: Callable[..., Any], sdk: Any, prefix: str) -> Any:
    return arun(sdk.indexes.create(name=f"{prefix} {uuid.uuid4().hex[:6]}"))


def upload_tiny(arun: Callable[..., Any], sdk: Any, index_id: str, n: int) -> list[str]:
    """Upload n tiny .mp4 files and wait for their import jobs; the new video ids."""

    async def one(i: int) -> Any:
        f = io.BytesIO(b"\0" * 2000 + i.to_bytes(4, "big"))
        f.name = f"clip{i:03d}.mp4"
        job = await sdk.videos.upload(file=f, title=f"clip {i:03d}", index_id=index_id)
        while job.status not in ("completed", "failed", "cancelled"):
            await asyncio.sleep(0.05)
            job = await sdk.import_jobs.retrieve(job.job_id)
        assert job.status == "completed", job
        return job

    async def run() -> list[Any]:
        jobs: list[Any] = []
        for start in range(0, n, 10):
            jobs += await asyncio.gather(*(one(i) for i in range(start, min(n, start + 10))))
        return jobs

    jobs = arun(run(), 90)
    return [o.video_id for j in jobs for o in j.outputs.items if o.video_id]


def media_pane(app: Any) -> Any:
    w = app.window
    pane = w.tab_panes["Media"]
    w.tabs.setCurrentWidget(pane)
    return pane


def show_index(app: Any, until: Callable[..., None], index_id: str, n_min: int = 1) -> Any:
    w = app.window
    until(lambda: any(ix.index_id == index_id for ix in w.index_model.rows()),
          "the index listed")
    w.indexes.select(index_id)
    pane = media_pane(app)
    until(lambda: pane.model.rowCount() >= n_min, "the media of the index")
    return pane


def shown(pane: Any) -> dict[str, tuple[str, str]]:
    """Title -> (type, status) as the table (through its filter proxy) shows them."""
    p = pane.proxy
    return {p.index(r, 0).data(): (p.index(r, 1).data(), p.index(r, 2).data())
            for r in range(p.rowCount())}


def count_calls(monkeypatch: pytest.MonkeyPatch, obj: Any, name: str) -> list[Any]:
    """Record the arguments of every call of an async SDK method (the call still happens)."""
    calls: list[Any] = []
    real = getattr(obj, name)

    async def wrapper(*a: Any, **k: Any) -> Any:
        calls.append((a, k))
        return await real(*a, **k)

    monkeypatch.setattr(obj, name, wrapper)
    return calls


def test_unknown_status_is_shown_as_it_comes(qapp):
    from videovector._types import Video, VideoStatus

    from vvdesk.models.media import MediaModel
    from vvdesk.models.segments import SegmentModel
    from vvdesk.ui.widgets.media_details import MediaDetails
    from vvdesk.vocab import media_in_progress as in_progress

    model = MediaModel()
    odd = Video(video_id="vid_x", title="Odd", video_uri="gs://b/x.mp4",
                status="weird_new_state", created_at="2026-01-01T00:00:00Z",
                media_type="hologram")
    model.set_page([odd], None, first=True)
    assert [model.index(0, c).data() for c in range(3)] == ["Odd", "Hologram",
                                                            "Weird new state"]
    assert not in_progress("weird_new_state") and model.in_progress_ids() == []
    model.apply_statuses([VideoStatus(video_id="vid_x", status="another_new_one")])
    assert model.index(0, 2).data() == "Another new one"  # in words, even unknown
    details = MediaDetails(SegmentModel())
    details.show_video(model.row_for("vid_x"), [])
    assert details.labels["Status"].text() == "Another new one"
    assert details.labels["Type"].text() == "Hologram"


def test_archive_media_filter_refresh_details_segments_and_copy(
        qtbot, arun, until, settings, sandbox):
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        w.resize(1200, 820)
        pane = show_index(app, until, "idx_demo_archive", len(ARCHIVE))
        assert pane.title.text() == "Demo archive"
        until(lambda: set(ARCHIVE) <= set(shown(pane)), "the demo media listed")
        rows = shown(pane)
        assert {t: rows[t][0].lower() for t in ARCHIVE} == ARCHIVE
        assert {rows[t][1] for t in ARCHIVE} == {"Processed"}
        # the text filter narrows the loaded rows, clearing it brings them back
        pane.filter.setText("drone")
        assert list(shown(pane)) == ["Drone footage (fail sample)"]
        pane.filter.setText("AUDIO")  # case-insensitive, any column (the type)
        assert list(shown(pane)) == ["Interview audio"]
        pane.filter.clear()
        assert set(ARCHIVE) <= set(shown(pane))
        # F5 reloads from the server (a first page again), without duplicating rows
        service = app.controllers.media.service
        pages: list[Any] = []
        service.page_loaded.connect(lambda *a: pages.append(a))
        n = pane.model.rowCount()
        pane.table.setFocus()
        qtbot.keyClick(pane.table, Qt.Key.Key_F5)
        until(lambda: pages, "the refresh to answer")
        assert pages[0][0] == "idx_demo_archive" and pages[0][3] is True
        assert pane.model.rowCount() == n
        # details of the fail sample: fields, its runs, segments of the latest run
        d = pane.details
        assert d.empty.isVisible() and not d.content.isVisible()  # no stray headings
        pane.select(DRONE)
        until(lambda: d.video is not None and d.video.video_id == DRONE, "the details")
        assert d.labels["Title"].text() == "Drone footage (fail sample)"
        assert d.labels["Id"].text() == DRONE
        assert d.labels["Type"].text() == "Video"
        assert d.labels["Status"].text() == "Processed"
        assert d.labels["URI"].text().endswith("/vid_demo_drone.mov")
        assert d.labels["Created"].text()
        assert not d.empty.isVisible() and d.segments.isVisible()
        row_h = d.segments.verticalHeader().defaultSectionSize()
        assert d.segments.viewport().height() >= 2.5 * row_h  # room for segments, not 1½ rows
        runs = {d.runs.item(i).data(Qt.ItemDataRole.UserRole): d.runs.item(i).text()
                for i in range(d.runs.count())}
        assert runs["run_demo_archive"] == "Scene summary — Completed with failures"
        assert d.run_selector.itemData(0) == "" and d.run_selector.itemText(0) == "Latest run"
        named = d.run_selector.findData("run_demo_archive")  # by name and date, not by id
        assert d.run_selector.itemText(named).startswith("Scene summary — ")
        assert "run_demo_archive" not in d.run_selector.itemText(named)
        assert d.run_selector.itemData(named, Qt.ItemDataRole.ToolTipRole) == "run_demo_archive"
        seg = d.segment_model

        def seg_rows() -> list[tuple[str, ...]]:
            return [tuple(seg.index(r, c).data() for c in range(4))
                    for r in range(seg.rowCount())]

        until(lambda: seg.rowCount() == 2, "the two segments of the latest run")
        latest = seg_rows()
        assert [r[:2] for r in latest] == [("0:00.00", "0:30.00"), ("0:30.00", "1:00.00")]
        assert sorted(r[2] for r in latest) == ["Completed", "Failed"]  # in words
        ok_row = next(r for r in range(2) if seg.index(r, 2).data() == "Completed")
        failed_row = 1 - ok_row
        assert seg.index(ok_row, 3).data()  # metadata_text shown
        assert seg.index(failed_row, 3).data() == (
            f"Failed: Simulated field extraction failure for segment {failed_row}")
        # pinning the run by id shows the same segments (it is the latest)
        d.pin_run("run_demo_archive")
        assert d.run_selector.currentData() == "run_demo_archive"
        seg.clear()
        until(lambda: seg.rowCount() == 2, "the segments of the pinned run")
        assert seg_rows() == latest
        # copy metadata as JSON: the clipboard holds exactly the segment's metadata
        assert not d.copy_button.isEnabled()
        d.segments.selectRow(failed_row)
        assert not d.copy_button.isEnabled()  # a failed segment has no metadata
        d.segments.selectRow(ok_row)
        assert d.copy_button.isEnabled()
        QApplication.clipboard().clear()
        d.copy_button.click()
        segment = seg.index(ok_row, 0).data(OBJECT_ROLE)
        assert segment.metadata
        assert json.loads(QApplication.clipboard().text()) == segment.metadata
        dock = app.controllers.transfers.dock
        assert 120 <= dock.height() <= 240  # not half the window when empty
        shoot(w, "media-pane.png")


def test_paging_loads_the_rest_once(qtbot, arun, until, settings, sandbox, sdk, monkeypatch):
    index = new_index(arun, sdk, "Paging")
    ids = upload_tiny(arun, sdk, index.index_id, 60)
    assert len(ids) == 60
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        client = app.session.client
        calls = count_calls(monkeypatch, client.indexes, "list_videos")
        pane = show_index(app, until, index.index_id, 50)
        arun(asyncio.sleep(0.3))
        model = pane.model
        assert model.rowCount() == 50 and pane.proxy.rowCount() == 50
        calls[:] = [c for c in calls if c[0][0] == index.index_id]  # not the first index's
        assert [k.get("cursor") for _a, k in calls] == [None]
        assert model.canFetchMore() and pane.proxy.canFetchMore(pane.proxy.index(0, 0).parent())
        pane.proxy.fetchMore(pane.proxy.index(0, 0).parent())
        model.fetchMore()  # a second ask while the first is under way is ignored
        until(lambda: model.rowCount() == 60, "the second page")
        arun(asyncio.sleep(0.3))
        assert len(calls) == 2 and calls[1][1]["cursor"]
        assert not model.canFetchMore()
        keys = [v.video_id for v in model.rows()]
        assert len(keys) == len(set(keys)) == 60 and set(keys) == set(ids)


def test_register_uri_then_delete_with_confirmation(
        qtbot, arun, until, settings, sandbox, sdk, monkeypatch):
    index = new_index(arun, sdk, "Remote")
    monkeypatch.setattr(RegisterUriDialog, "ask", classmethod(
        lambda cls, parent: ("Remote clip", "s3://archive-in/remote/clip.mp4")))
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        pane = show_index(app, until, index.index_id, 0)
        service = app.controllers.media.service
        jobs: list[Any] = []
        service.registered.connect(jobs.append)
        assert pane.act_register.isEnabled()
        pane.act_register.trigger()
        until(lambda: "Remote clip" in shown(pane), "the registered media listed")
        assert jobs and jobs[0].status == "completed"
        assert "Registered media" in w.statusBar().currentMessage()
        video = next(v for v in pane.model.rows() if v.title == "Remote clip")
        assert video.video_uri == "s3://archive-in/remote/clip.mp4"
        # delete: declining keeps the row and sends nothing
        deletes = count_calls(monkeypatch, app.session.client.videos, "delete")
        pane.select(video.video_id)
        assert pane.act_delete.isEnabled()
        monkeypatch.setattr(ask, "confirm", lambda *a, **k: False)
        pane.act_delete.trigger()
        arun(asyncio.sleep(0.3))
        assert deletes == [] and pane.model.row_for(video.video_id) is not None
        # accepting shows the deletion's progress, then the row goes
        progress: list[str] = []
        service.deletion_progress.connect(lambda _vid, status: progress.append(status))
        monkeypatch.setattr(ask, "confirm", lambda *a, **k: True)
        pane.act_delete.trigger()
        until(lambda: shown(pane).get("Remote clip", ("", ""))[1] in ("draining…",
                                                                      "deleting…"),
              "the deletion status in the table")
        until(lambda: pane.model.row_for(video.video_id) is None, "the row to go", 30)
        assert progress[0] in ("draining", "deleting") and progress[-1] == "deleted"
        assert len(deletes) == 1 and "Remote clip" not in shown(pane)


def test_in_progress_media_refresh_by_batch_status(qtbot, arun, until, settings, tmp_path,
                                                  monkeypatch):
    """A run over the archive (slow sandbox): statuses come by batch, not per row."""
    from tests.conftest import TEST_KEY
    from tests.sandbox_proc import SandboxProcess
    from vvdesk.api.client import make_client
    from vvdesk.services import media as media_service

    monkeypatch.setattr(media_service, "STATUS_POLL_S", 0.5)
    with SandboxProcess(tmp_path / "sb", api_key=TEST_KEY, seed_demo=True,
                        time_scale=4.0) as slow:
        client = make_client(slow.base_url, slow.api_key)
        try:
            arun(client.prompt_runs.execute(prompt_id="prm_demo_scenes", target={
                "type": "index", "index_id": "idx_demo_archive"}))
        finally:
            arun(client.close())
        add_profile(arun, settings, "slow", slow.base_url, slow.api_key)
        with running_app(qtbot, arun, settings, Options(profile="slow")) as app:
            videos = app.session.client.videos
            batches = count_calls(monkeypatch, videos, "batch_status")
            singles = count_calls(monkeypatch, videos, "retrieve")
            pane = show_index(app, until, "idx_demo_archive", 4)
            assert "Processing" in {s for _t, s in shown(pane).values()}
            until(lambda: {s for _t, s in shown(pane).values()} <= {"Processed", "Failed"},
                  "every status to settle", 40)
            assert batches and singles == []
            assert max(len(a[0] if a else k["video_ids"]) for a, k in batches) > 1
            assert all(len(a[0] if a else k["video_ids"]) <= 100 for a, k in batches)


def test_playground_lists_its_media(qtbot, arun, until, settings, sandbox):
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        pane = media_pane(app)
        pane.playground.setChecked(True)
        assert pane.scope() == "" and "Playground" in pane.title.text()
        until(lambda: "Playground clip" in shown(pane), "the playground clip shown")
        assert shown(pane)["Playground clip"][0] == "Video"
        assert pane.model.row_of("vid_demo_playground") >= 0
        assert pane.model.row_of("vid_demo_harbor") < 0
        assert not pane.act_register.isEnabled()  # URIs are registered into an index
        # Choosing an index while the playground is shown keeps the list as it is: it was
        # emptied and loaded again (a blink, and the clip gone for a moment).
        emptied: list[int] = []
        pane.model.modelReset.connect(lambda: emptied.append(pane.model.rowCount()))
        pane.model.rowsRemoved.connect(lambda *_: emptied.append(pane.model.rowCount()))
        until(lambda: len(app.window.index_model.rows()) >= 2, "the indexes listed")
        for index_id in ("idx_demo_shared", "idx_demo_archive"):
            app.window.indexes.select(index_id)
            arun(asyncio.sleep(0.3))
            assert "Playground clip" in shown(pane) and emptied == []
        pane.playground.setChecked(False)
        until(lambda: pane.model.row_of("vid_demo_playground") < 0
              and pane.model.rowCount() > 0, "the chosen index's media instead")


def test_drop_on_media_table_queues_for_the_index(qtbot, arun, until, settings, sandbox,
                                                  sdk, tmp_path):
    index = new_index(arun, sdk, "Dropped")
    clip = tmp_path / "dropped.mp4"
    clip.write_bytes(b"\1" * 50_000)
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        pane = show_index(app, until, index.index_id, 0)
        transfers = app.controllers.transfers.service
        assert drop(pane.table.viewport(), [clip])
        until(lambda: transfers.transfers(), "the file queued")
        t = transfers.transfers()[0]
        assert (t.name, t.index_id, t.index_name) == ("dropped.mp4", index.index_id,
                                                     index.name)
        until(lambda: "dropped.mp4" in shown(pane), "the uploaded media listed", 30)


def test_transfers_dock_starts_small_and_keeps_the_users_size(qtbot, arun, settings, sandbox):
    from PySide6.QtCore import Qt as QtC

    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        w.resize(1100, 800)
        dock = app.controllers.transfers.dock
        assert 120 <= dock.height() <= 240
        w.resizeDocks([dock], [400], QtC.Orientation.Vertical)
        arun(asyncio.sleep(0.1))
        chosen = dock.height()
        assert chosen > 300
        w.close()  # saves the window state, as quitting does
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        app.window.resize(1100, 800)
        arun(asyncio.sleep(0.1))
        assert abs(app.controllers.transfers.dock.height() - chosen) <= 20


def test_titles_keep_their_room_beside_the_preview_on_a_small_window(qtbot, arun, until,
                                                                      settings, sandbox):
    """At 1024x640 the list beside the preview was ~380 px and the fixed columns took it
    all: every title was squeezed to nothing. The title keeps >= 200 px (the list scrolls
    sideways), and takes what is left when there is room."""
    from vvdesk.models.media import MediaColumn

    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        app.window.resize(1024, 600)
        pane = show_index(app, until, "idx_demo_archive", 4)
        table = pane.table
        until(lambda: table.isVisible() and table.viewport().width() > 0, "the list shown")
        narrow = table.columnWidth(MediaColumn.TITLE)
        assert narrow >= 200, narrow
        app.window.resize(1600, 800)
        pane.top.setSizes([pane.top.width(), 0])  # the preview folded away: room for titles
        until(lambda: table.columnWidth(MediaColumn.TITLE) > narrow, "the title widening")
        header = table.horizontalHeader()
        used = sum(header.sectionSize(c) for c in range(header.count())
                   if not header.isSectionHidden(c))
        assert used <= table.viewport().width() + 1  # and no sideways scrolling then


def test_a_media_list_that_cannot_be_loaded_says_so_and_f5_brings_it(
        qtbot, arun, until, settings, sandbox):
    """It stayed on "Loading media…" for good after the listing failed."""
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    sandbox.add_fault(path=r"/indexes/idx_demo_archive/videos$", method="GET",
                      status=404, times=1000)
    try:
        with running_app(qtbot, arun, settings, Options(profile="local")) as app:
            w = app.window
            until(lambda: any(ix.index_id == "idx_demo_archive"
                              for ix in w.index_model.rows()), "the index listed")
            w.indexes.select("idx_demo_archive")
            pane = media_pane(app)
            until(lambda: "could not be loaded" in pane.empty.text(), "the failure said", 30)
            assert pane.empty.text().endswith("Press F5 to try again.")
            assert "Loading" not in pane.empty.text()
            sandbox.clear_faults()
            pane.table.setFocus()
            qtbot.keyClick(pane.table, Qt.Key.Key_F5)
            until(lambda: pane.model.rowCount() >= len(ARCHIVE), "the media after F5")
            assert pane.model.loaded and not pane.model.problem and not pane.empty.text()
    finally:
        sandbox.clear_faults()

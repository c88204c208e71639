"""Drag-and-drop upload through the real window against the sandbox (recipe §6)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from tests.sdk_calls import media_titles, new_index
from tests.ui.helpers import add_profile, names, running_app, shoot
from vvdesk.app import Options
from vvdesk.services.scan import ALREADY_QUEUED, EMPTY, UNSUPPORTED
from vvdesk.ui.dialogs import ask, pick_index
from vvdesk.ui.dialogs.skipped import SkippedDialog

pytestmark = pytest.mark.usefixtures("secret_service")


def drop(widget, paths, pos: QPoint | None = None) -> bool:
    pos = pos or QPoint(10, 10)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    a, b, mods = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(pos, a, mime, b, mods)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    QApplication.sendEvent(widget, QDragMoveEvent(pos, a, mime, b, mods))
    QApplication.sendEvent(widget, QDropEvent(QPointF(pos), a, mime, b, mods))
    return True


def states(app) -> dict[str, str]:
    return {t.name: t.state.value for t in app.controllers.transfers.service.transfers()}


def test_drop_folder_on_index_queues_media_and_summarises_skips(
        qtbot, arun, until, settings, sandbox, tmp_path, monkeypatch):
    folder = tmp_path / "shoot"
    (folder / "day2").mkdir(parents=True)
    (folder / "a.mp4").write_bytes(os.urandom(300_000))
    (folder / "day2" / "b.wav").write_bytes(os.urandom(64_000))
    (folder / "notes.txt").write_text("not media")
    (folder / "empty.mov").write_bytes(b"")
    summaries: list[SkippedDialog] = []
    monkeypatch.setattr(SkippedDialog, "present", classmethod(
        lambda cls, *a: summaries.append(cls(*a)) or summaries[-1]))
    monkeypatch.setattr(ask.NameDialog, "ask", classmethod(lambda *a, **k: "Drops"))
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        w.indexes.act_new.trigger()
        until(lambda: getattr(w.indexes.current_index(), "name", "") == "Drops",
              "the new index selected")
        view = w.indexes.view
        row = view.visualRect(view.currentIndex()).center()
        assert drop(view.viewport(), [folder, folder / "a.mp4"], row)
        until(lambda: summaries, "the skip summary")
        reasons = {Path(s.path).name: s.reason for s in summaries[0].skipped}
        assert reasons == {"notes.txt": f"{UNSUPPORTED}: .txt", "empty.mov": EMPTY,
                           "a.mp4": ALREADY_QUEUED}
        assert summaries[0].tree.topLevelItemCount() == 3
        until(lambda: states(app) == {"a.mp4": "done", "b.wav": "done"}, "both uploaded", 30)
        shown = app.notify_view.shown
        until(lambda: ("Uploads finished", "2 files uploaded") in shown, "the notification")
        # double-click a finished upload: its media, selected, in its index's Media tab
        w.tabs.setCurrentWidget(w.tab_panes["Runs"])
        w.indexes.select("idx_demo_archive")
        dock = app.controllers.transfers.dock
        row = next(i for i, t in enumerate(dock.model.rows()) if t.name == "b.wav")
        cell = dock.view.visualRect(dock.model.index(row, 0)).center()
        qtbot.mouseClick(dock.view.viewport(), Qt.MouseButton.LeftButton, pos=cell)
        assert dock.act_show.isEnabled()
        qtbot.mouseDClick(dock.view.viewport(), Qt.MouseButton.LeftButton, pos=cell)
        media = w.tab_panes["Media"]
        assert w.tabs.currentWidget() is media
        until(lambda: getattr(media.current_video(), "title", "") == "b.wav",
              "the uploaded media selected")
        assert w.indexes.current_index().name == "Drops"
        media = w.tab_panes["Media"]
        until(lambda: sorted(v.title for v in media.model.rows()) == ["a.mp4", "b.wav"],
              "the media table of the index to refresh")
        assert all(t.index_name == "Drops" for t in app.controllers.transfers.service.transfers())
        # a plain-text drag is refused
        mime_text = QMimeData()
        mime_text.setText("hello")
        enter = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime_text,
                                Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(view.viewport(), enter)
        assert not enter.isAccepted()


@pytest.mark.timeout(240)
def test_drop_on_queue_asks_for_index_and_shows_progress(
        qtbot, arun, until, settings, sandbox, tmp_path, monkeypatch):
    big = tmp_path / "render.mkv"
    with big.open("wb") as f:
        for _ in range(160):
            f.write(os.urandom(1 << 20))
    asked: list[int] = []
    monkeypatch.setattr(pick_index.PickIndexDialog, "ask", classmethod(
        lambda cls, parent, indexes, n: asked.append(n) or ("idx_demo_archive",
                                                           "Demo archive")))
    big_size = big.stat().st_size
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    # the server starts reading after 2 s: on loopback the upload is otherwise over at once
    sandbox.add_fault(method="POST", path=r"/videos/upload$", latency=2.0)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        w.resize(1100, 700)
        dock = app.controllers.transfers.dock
        assert drop(dock, [big])
        assert asked == [1]
        service = app.controllers.transfers.service
        until(lambda: service.transfers() and 0 < service.transfers()[0].sent < big_size
              and service.transfers()[0].rate > 0, "upload under way", 60)
        text = dock.model.index(0, 2).data()
        assert "/ 167.8 MB" in text
        shoot(dock, "transfers-mid-upload.png")
        # 160 MiB through the server's form parser, then its import: slow on a busy machine
        until(lambda: states(app) == {"render.mkv": "done"}, "upload done", 120)
        t = service.transfers()[0]
        assert t.video_ids and t.index_id == "idx_demo_archive"
        assert "done" in dock.model.index(0, 5).data()
        big.unlink()


async def wait_for_file(path: Path, child: subprocess.Popen) -> None:
    while not path.exists() and child.poll() is None:
        await asyncio.sleep(0.05)


@pytest.mark.timeout(240)  # two app starts and a child process on a loaded machine
def test_killed_app_brings_the_upload_back_as_interrupted_and_resumes_it(
        qtbot, arun, until, settings, sandbox, tmp_path):
    index_id = new_index(sandbox, arun, "After a crash")
    clip = tmp_path / "night-shift.mp4"
    clip.write_bytes(os.urandom(6 << 20))
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    settings._s.sync()
    marker = tmp_path / "uploading"
    sandbox.add_fault(method="POST", path=r"/videos/upload$", latency=30.0)
    state = tmp_path / "state"  # the child's log: state/vvdesk/log/vvdesk.log
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.upload_then_wait", "local", str(clip), index_id,
         "After a crash", str(marker)],
        env=dict(os.environ, VVDESK_CONFIG_DIR=str(tmp_path), XDG_STATE_HOME=str(state)),
        cwd=Path(__file__).parents[2])
    try:
        # a loaded machine takes a while to start a second app: a generous wait
        arun(wait_for_file(marker, child), 90)
        assert child.poll() is None, "the app exited before the upload started"
    except TimeoutError:
        log = state / "vvdesk" / "log" / "vvdesk.log"
        pytest.fail("no upload under way after 90 s; the app's log:\n"
                    + (log.read_text()[-3000:] if log.exists() else "(none)"))
    finally:
        child.kill()  # SIGKILL: no shutdown, no cleanup, mid-upload
        child.wait(10)
    sandbox.clear_faults()

    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        service = app.controllers.transfers.service
        dock = app.controllers.transfers.dock
        until(lambda: states(app) == {"night-shift.mp4": "interrupted"}, "the journal", 30)
        assert "closed before this upload finished" in service.transfers()[0].error
        assert dock.act_retry_all.isEnabled()
        app.window.resize(1100, 700)
        until(lambda: "After a crash" in names(app.window), "the index list")
        shoot(app.window, "transfers-interrupted.png")
        dock.act_retry_all.trigger()  # one click
        until(lambda: states(app) == {"night-shift.mp4": "done"}, "the resumed upload", 60)
        assert service.transfers()[0].video_ids
    assert media_titles(sandbox, arun, index_id) == ["night-shift.mp4"]  # once, not twice


def test_finished_rows_keep_their_real_totals_and_counts_after_a_restart(
        qtbot, arun, until, settings, sandbox, tmp_path, monkeypatch):
    """Issue 13: after a restart a finished upload showed "0 B / 400 KB" on a full bar (the
    journal lost the bytes) and the summary said "idle" over a list of finished rows."""
    from vvdesk.models.transfers import PROGRESS_COLUMN

    done_file = tmp_path / "harbour.mp4"
    done_file.write_bytes(os.urandom(400_000))
    cut = tmp_path / "long-take.mp4"
    cut.write_bytes(os.urandom(64 << 20))  # more than loopback buffers hold
    monkeypatch.setattr(pick_index.PickIndexDialog, "ask", classmethod(
        lambda cls, parent, indexes, n: ("idx_demo_archive", "Demo archive")))
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)

    def progress(dock) -> dict[str, str]:
        return {t.name: dock.model.index(i, PROGRESS_COLUMN).data()
                for i, t in enumerate(dock.model.rows())}

    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        dock = app.controllers.transfers.dock
        assert drop(dock, [done_file])
        until(lambda: states(app) == {"harbour.mp4": "done"}, "the upload done", 30)
        sandbox.add_fault(method="POST", path=r"/videos/upload$", latency=30.0)
        assert drop(dock, [cut])
        service = app.controllers.transfers.service
        until(lambda: any(t.name == "long-take.mp4" and t.sent > 0
                          for t in service.transfers()), "the second upload under way", 20)
        service.cancel(next(t.transfer_id for t in service.transfers()
                            if t.name == "long-take.mp4"))
        until(lambda: states(app)["long-take.mp4"] == "cancelled", "cancelled", 20)
        before = progress(dock)
        assert before["harbour.mp4"] == "400.0 KB / 400.0 KB"
        assert not before["long-take.mp4"].startswith("0 B")
        until(lambda: dock.summary.text() == "idle · 1 done · 1 cancelled", "the summary", 20)
    sandbox.clear_faults()

    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        dock = app.controllers.transfers.dock
        until(lambda: dock.model.rowCount() == 2, "the queue back from the journal", 10)
        assert progress(dock) == before
        until(lambda: dock.summary.text() == "idle · 1 done · 1 cancelled", "the summary", 20)


def test_the_queue_scrolls_to_newly_queued_files(
        qtbot, arun, until, settings, sandbox, tmp_path, monkeypatch):
    folder = small_clips(tmp_path / "batch", 30)
    late = tmp_path / "late-addition.mp4"
    late.write_bytes(os.urandom(2000))
    monkeypatch.setattr(pick_index.PickIndexDialog, "ask", classmethod(
        lambda cls, parent, indexes, n: ("idx_demo_archive", "Demo archive")))
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        dock, view = app.controllers.transfers.dock, app.controllers.transfers.dock.view
        assert drop(dock, [folder])
        until(lambda: dock.model.rowCount() == 30, "the batch queued", 10)
        view.scrollToTop()

        def shown(row: int) -> bool:
            rect = view.visualRect(dock.model.index(row, 0))
            return view.viewport().rect().contains(rect)  # all of it, not a sliver

        assert shown(0) and not shown(29)  # a long list: the panel shows a few rows
        arun(asyncio.sleep(0.05))  # settled: nothing scrolls by itself
        assert drop(dock, [late])
        until(lambda: dock.model.rowCount() == 31, "the late file queued", 10)
        until(lambda: shown(30), "the new row scrolled into view", 20)
        assert not shown(0)


def small_clips(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"clip-{i:02d}.mp4").write_bytes(i.to_bytes(4, "little") * 100)
    return folder


def test_progress_bar_fills_from_the_left_in_proportion(qtbot):
    from PySide6.QtGui import QPalette

    from vvdesk.models.transfers import PROGRESS_COLUMN, TransferModel
    from vvdesk.transfer_queue import Transfer, TransferQueue
    from vvdesk.ui.widgets.transfers_dock import TransfersDock

    queue = TransferQueue()
    dock = TransfersDock(TransferModel(queue), 2)
    qtbot.addWidget(dock)
    t = Transfer.new("p", "/media/rushes.mov", 2_000_000_000, "idx", "Archive")
    queue.add([t])
    queue.start_next()
    dock.model.upsert(queue.progress(t.transfer_id, 800_000_000, 0.0, None,
                                     stalled=False))  # 40 %
    dock.resize(1100, 180)
    dock.show()
    qtbot.waitExposed(dock)
    view = dock.view
    cell = view.visualRect(dock.model.index(0, PROGRESS_COLUMN))
    img = view.viewport().grab().toImage()
    fill = view.palette().color(QPalette.ColorRole.Highlight)

    def near_fill(fx: float) -> bool:
        c = img.pixelColor(cell.left() + int(cell.width() * fx), cell.center().y())
        return abs(c.red() - fill.red()) + abs(c.green() - fill.green()) + abs(
            c.blue() - fill.blue()) < 90

    assert near_fill(0.05) and near_fill(0.2)  # the sent part, from the left
    assert not near_fill(0.6) and not near_fill(0.92)  # the rest is empty


def test_queue_summary_adds_up_what_is_left_and_when_it_will_be_done(qtbot, until):
    from vvdesk.models.transfers import TransferModel
    from vvdesk.transfer_queue import Transfer, TransferQueue, TState
    from vvdesk.ui.widgets.transfers_dock import TransfersDock

    queue = TransferQueue(limit=1)
    dock = TransfersDock(TransferModel(queue), 2)
    qtbot.addWidget(dock)
    assert dock.summary.text() == "idle"
    going = Transfer.new("p", "/media/a.mov", 2_000_000_000, "idx", "Archive")
    waiting = Transfer.new("p", "/media/b.mov", 1_000_000_000, "idx", "Archive")
    queue.add([going, waiting])
    queue.start_next()
    dock.model.append([queue.progress(going.transfer_id, 800_000_000, 100e6, None,
                                      stalled=False), queue.get(waiting.transfer_id)])
    until(lambda: dock.summary.text() != "idle", "the summary", 20)
    assert dock.summary.text() == "1 uploading · 1 queued · 800.0 MB of 3.0 GB · about 22 s left"
    # the journal said the waiting one was uploading when the app died: interrupted
    cut_off = queue.get(waiting.transfer_id).with_(state=TState.UPLOADING)
    (again,) = queue.restore([cut_off]).rows
    dock.model.upsert(again)
    until(lambda: "interrupted" in dock.summary.text(), "the summary", 20)
    assert dock.summary.text() == ("1 uploading · 800.0 MB of 2.0 GB · about 12 s left"
                                   " · 1 interrupted — Retry/resume all to continue")


def test_queue_cancel_del_retry_ctrl_r_clear_and_the_limit_is_remembered(
        qtbot, arun, until, settings, sandbox, tmp_path, monkeypatch):
    reel = tmp_path / "reel-07.mp4"
    reel.write_bytes(os.urandom(64 << 20))  # more than loopback buffers hold
    monkeypatch.setattr(pick_index.PickIndexDialog, "ask", classmethod(
        lambda cls, parent, indexes, n: ("idx_demo_archive", "Demo archive")))
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    sandbox.add_fault(method="POST", path=r"/videos/upload$", latency=30.0)
    try:
        with running_app(qtbot, arun, settings, Options(profile="local")) as app:
            dock = app.controllers.transfers.dock
            service = app.controllers.transfers.service
            assert dock.limit.value() == 2 == service.limit
            dock.limit.setValue(3)
            assert service.limit == 3
            assert drop(dock, [reel])
            until(lambda: states(app) == {"reel-07.mp4": "uploading"}, "uploading", 20)
            assert not dock.act_cancel.isEnabled()  # acts on the selected rows
            app.window.activateWindow()
            dock.view.setFocus()
            dock.view.selectRow(0)
            assert dock.act_cancel.isEnabled() and not dock.act_retry.isEnabled()
            qtbot.keyClick(dock.view, Qt.Key.Key_Delete)  # Del in the queue cancels
            until(lambda: states(app) == {"reel-07.mp4": "cancelled"}, "cancelled", 20)
            sandbox.clear_faults()
            assert dock.act_retry.isEnabled()
            assert dock.view.actions()[:3] == [dock.act_show, dock.act_cancel,
                                               dock.act_retry]  # the right-click menu
            qtbot.keyClick(dock.view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
            until(lambda: states(app) == {"reel-07.mp4": "done"}, "the retried upload", 30)
            assert dock.act_clear.isEnabled()
            dock.act_clear.trigger()
            assert dock.model.rowCount() == 0
            until(lambda: dock.summary.text() == "idle", "the summary", 20)
    finally:
        sandbox.clear_faults()
    assert media_titles(sandbox, arun, "idx_demo_archive").count("reel-07.mp4") == 1
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        assert app.controllers.transfers.dock.limit.value() == 3
        assert app.controllers.transfers.service.limit == 3


def test_a_dropped_file_whose_name_is_not_utf8_keeps_its_exact_name(qtbot, tmp_path):
    from vvdesk.ui.widgets.drops import local_paths

    raw = os.path.join(os.fsencode(tmp_path), b"caf\xe9.mp4")
    with open(raw, "wb") as f:
        f.write(b"\0" * 16)
    mime = QMimeData()  # as a file manager sends it: the raw bytes percent-escaped
    mime.setData("text/uri-list", b"file://" + raw.replace(b"\xe9", b"%E9") + b"\r\n")
    (path,) = local_paths(mime)
    assert os.fsencode(path) == raw and os.path.exists(path)

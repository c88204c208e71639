"""The transfer queue against a real sandbox: progress, cancel, stall, retry without duplicates,
and a restart with unfinished work (interrupted → resume; a running import polled to done)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.sdk_calls import media_titles, new_index
from vvdesk.api.client import make_client
from vvdesk.api.upload import make_pump
from vvdesk.services.journal import Journal
from vvdesk.services.session import ApiSession
from vvdesk.services.transfer_store import TransferStore
from vvdesk.services.transfers import TransferService
from vvdesk.transfer_queue import TState

MiB = 1024 * 1024


def write_file(path: Path, size: int) -> Path:
    """Random 1 MiB blocks (fast to make, incompressible)."""
    with path.open("wb") as f:
        left = size
        block = os.urandom(MiB)
        n = 0
        while left > 0:
            # vary each block a little so the content is not one repeated MiB
            chunk = block[: min(left, MiB)]
            f.write(n.to_bytes(8, "little") + chunk[8:])
            left -= len(chunk)
            n += 1
    return path


def small_files(folder: Path, n: int, words: int) -> Path:
    """A folder of n tiny, distinct .jpg files (many rows, next to no bytes)."""
    folder.mkdir()
    for i in range(n):
        (folder / f"f{i:04d}.jpg").write_bytes(i.to_bytes(4, "little") * words)
    return folder


class Harness:
    """A TransferService on its own session and journal (like one app run)."""

    def __init__(self, sandbox: Any, journal_path: Path, *, max_retries: int = 3,
                 stall_after: float = 15.0, limit: int = 2) -> None:
        client = make_client(sandbox.base_url, sandbox.api_key, max_retries=max_retries)
        self.session = ApiSession("test", sandbox.base_url, client, is_sandbox=True)
        self.journal = Journal(journal_path)
        self.service = TransferService(self.session, TransferStore(self.journal, "test"),
                                       make_pump(client), limit=limit,
                                       stall_after=stall_after, parent=self.session)
        self.events: list[Any] = []
        self.service.changed.connect(self.events.append)
        self.finished: list[Any] = []
        self.service.finished.connect(self.finished.append)

    def only(self) -> Any:
        (t,) = self.service.transfers()
        return t

    async def close(self) -> None:
        await self.service.aclose()
        await self.session.close()
        self.journal.close()


@pytest.fixture
def make(sandbox, tmp_path, arun) -> Iterator[Any]:
    made: list[Harness] = []

    def build(**kw: Any) -> Harness:
        h = Harness(kw.pop("server", sandbox), tmp_path / "journal.sqlite3", **kw)
        made.append(h)
        return h

    yield build
    sandbox.clear_faults()
    for h in made:
        if h.session.state.value != "closed":
            arun(h.close(), 30)
    made.clear()
    gc.collect()  # free Qt objects here, on the GUI thread, not in some worker thread's GC


def test_large_upload_streams_with_monotonic_progress_to_the_right_video(
        make, sandbox, arun, until, tmp_path):
    index_id = new_index(sandbox, arun, "Big uploads")
    big = write_file(tmp_path / "big.mp4", 200 * MiB)
    h = make()
    h.service.add_paths([str(big)], index_id, "Big uploads")
    until(lambda: h.service.transfers() and h.only().state is TState.DONE, "upload done", 60)
    big.unlink()
    t = h.only()
    progress = [e.sent for e in h.events if e.state is TState.UPLOADING]
    assert len(progress) >= 3, progress  # throttled, but several updates
    assert progress == sorted(progress), "progress went backwards"
    assert t.sent == t.size == 200 * MiB
    assert len(t.video_ids) == 1 and t.job_id
    assert media_titles(sandbox, arun, index_id) == ["big.mp4"]
    assert h.finished and h.finished[0].index_id == index_id
    assert any(e.rate > 0 for e in h.events)


def test_stall_then_cancel_within_a_second(make, sandbox, arun, until, tmp_path):
    index_id = new_index(sandbox, arun, "Stalls")
    f = write_file(tmp_path / "slow.mov", 64 * MiB)  # more than loopback buffers hold
    sandbox.add_fault(method="POST", path=r"/videos/upload$", latency=30.0)
    h = make(stall_after=1.0)
    h.service.add_paths([str(f)], index_id, "Stalls")
    until(lambda: h.service.transfers() and h.only().state is TState.STALLED,
          "the upload to show as stalled", 10)
    t0 = time.monotonic()
    h.service.cancel(h.only().transfer_id)
    until(lambda: not h.session.jobs.is_running(f"transfer:{h.only().transfer_id}"),
          "the upload task to stop", 1.0)
    assert time.monotonic() - t0 < 1.0
    assert h.only().state is TState.CANCELLED
    sandbox.clear_faults()
    assert media_titles(sandbox, arun, index_id) == []


def test_all_bytes_out_and_no_answer_yet_is_waiting_not_stalled(make, sandbox, arun, until,
                                                                tmp_path):
    from vvdesk.models.transfers import WAITING, TransferModel

    index_id = new_index(sandbox, arun, "Waiting")
    f = write_file(tmp_path / "short.mp4", 2 * MiB)  # fits in the socket buffers
    sandbox.add_fault(method="POST", path=r"/videos/upload$", latency=3.0)
    h = make(stall_after=1.0)
    model = TransferModel(h.service.queue)
    h.service.changed.connect(model.upsert)
    h.service.add_paths([str(f)], index_id, "Waiting")
    until(lambda: h.service.transfers() and h.only().sent == h.only().size, "all sent", 10)
    arun(asyncio.sleep(1.5))  # longer than stall_after without a byte of progress
    t = h.only()
    assert t.state is TState.UPLOADING and t.rate == 0 and t.eta is None
    assert model.index(0, 5).data() == WAITING
    until(lambda: h.only().state is TState.DONE, "the server's answer", 20)
    assert media_titles(sandbox, arun, index_id) == ["short.mp4"]


@pytest.mark.parametrize("fault", [
    {"status": 503},
    {"drop_request_after": 3 * MiB},  # connection dropped mid-upload
    {"drop_response_after": 0},  # server stored it, the answer was lost
])
def test_sdk_retry_after_fault_creates_no_duplicate(fault, make, sandbox, arun, until, tmp_path):
    index_id = new_index(sandbox, arun, f"Retry {fault}")
    f = write_file(tmp_path / "clip.mp4", 8 * MiB)
    sandbox.add_fault(method="POST", path=r"/videos/upload$", times=1, **fault)
    h = make()
    h.service.add_paths([str(f)], index_id, "Retry")
    until(lambda: h.service.transfers() and h.only().state is TState.DONE, "upload done", 30)
    assert media_titles(sandbox, arun, index_id) == ["clip.mp4"]


def test_manual_retry_reuses_the_key_and_creates_no_duplicate(make, sandbox, arun, until,
                                                              tmp_path):
    index_id = new_index(sandbox, arun, "Manual retry")
    f = write_file(tmp_path / "take.mkv", 4 * MiB)
    h = make(max_retries=0)
    sandbox.add_fault(method="POST", path=r"/videos/upload$", times=1, drop_response_after=0)
    h.service.add_paths([str(f)], index_id, "Manual retry")
    until(lambda: h.service.transfers() and h.only().state is TState.FAILED, "failure", 20)
    assert "connection" in h.only().error.lower()
    sandbox.add_fault(method="POST", path=r"/videos/upload$", times=1, status=503)
    h.service.retry(h.only().transfer_id)
    until(lambda: h.only().state is TState.FAILED, "second failure", 20)
    assert "server had a problem (it is unavailable or overloaded)" in h.only().error
    h.service.retry_all()
    until(lambda: h.only().state is TState.DONE, "done after retry", 20)
    assert media_titles(sandbox, arun, index_id) == ["take.mkv"]  # one, not two


def test_concurrency_limit_and_clear_finished(make, sandbox, arun, until, tmp_path):
    index_id = new_index(sandbox, arun, "Many")
    files = [write_file(tmp_path / f"c{i}.webm", MiB) for i in range(4)]
    sandbox.add_fault(method="POST", path=r"/videos/upload$", latency=0.5, times=4)
    h = make(limit=1)
    seen_max = 0

    def watch(_t: Any) -> None:
        nonlocal seen_max
        active = [t for t in h.service.transfers() if t.state is TState.UPLOADING]
        seen_max = max(seen_max, len(active))

    h.service.changed.connect(watch)
    h.service.add_paths([str(p) for p in files], index_id, "Many")
    until(lambda: len(h.service.transfers()) == 4 and all(
        t.state is TState.DONE for t in h.service.transfers()), "all done", 30)
    assert seen_max == 1
    h.service.clear_finished()
    assert h.service.transfers() == []
    assert sorted(media_titles(sandbox, arun, index_id)) == [f"c{i}.webm" for i in range(4)]


def test_restart_interrupted_upload_resumes_and_running_import_is_polled(
        make, sandbox, arun, until, tmp_path):
    from tests.sandbox_proc import SandboxProcess

    index_id = new_index(sandbox, arun, "Restart")
    f = write_file(tmp_path / "resume.mp4", 4 * MiB)
    sandbox.add_fault(method="POST", path=r"/videos/upload$", latency=30.0)
    first = make()
    first.service.add_paths([str(f)], index_id, "Restart")
    until(lambda: first.service.transfers() and first.only().state is TState.UPLOADING,
          "uploading", 10)
    arun(asyncio.sleep(0.3))
    arun(first.close())  # the app quits mid-upload
    sandbox.clear_faults()
    second = make()
    second.service.start()
    until(lambda: second.service.transfers(), "the journal to load", 10)
    assert second.only().state is TState.INTERRUPTED
    second.service.retry_all()
    until(lambda: second.only().state is TState.DONE, "resumed upload done", 20)
    assert media_titles(sandbox, arun, index_id) == ["resume.mp4"]
    arun(second.close())

    # An import still running on the server when the app closes is polled after restart.
    with SandboxProcess(tmp_path / "slow-sandbox", api_key=sandbox.api_key, seed_demo=True,
                        time_scale=0.5) as slow:
        third = make(server=slow)
        third.service.add_paths([str(f)], "idx_demo_archive", "Demo archive")
        until(lambda: any(
            t.state is TState.IMPORTING for t in third.service.transfers()), "importing", 20)
        arun(third.close())
        job_id = next(t.job_id for t in third.service.transfers()
                      if t.state is TState.IMPORTING)

        async def job_status() -> str:
            vv = make_client(slow.base_url, slow.api_key)
            try:
                return (await vv.import_jobs.retrieve(job_id)).status
            finally:
                await vv.close()

        assert arun(job_status()) not in ("completed", "failed", "cancelled")
        fourth = make(server=slow)
        fourth.service.start()
        until(lambda: any(t.job_id == job_id and t.state is TState.DONE
                          for t in fourth.service.transfers()), "import polled to done", 30)
        done = next(t for t in fourth.service.transfers() if t.job_id == job_id)
        assert done.video_ids
        assert "resume.mp4" in media_titles(slow, arun, "idx_demo_archive")
        arun(fourth.close())


def test_a_drop_of_many_files_arrives_as_one_batch_and_clears_as_one(make, sandbox, arun,
                                                                     until, tmp_path):
    from vvdesk.models.transfers import TransferModel

    folder = small_files(tmp_path / "stills", 1500, 16)
    sandbox.add_fault(method="POST", path=r"/videos/upload$", latency=30.0, times=2)
    h = make(limit=2)
    model = TransferModel(h.service.queue)
    batches: list[int] = []
    h.service.changed_many.connect(lambda rows: batches.append(len(rows)))
    h.service.changed_many.connect(model.append)
    h.service.changed.connect(model.upsert)
    h.service.removed.connect(model.remove_many)
    inserts: list[int] = []
    model.rowsInserted.connect(lambda _p, a, b: inserts.append(b - a + 1))
    h.service.add_paths([str(folder)], None, "Playground")
    until(lambda: batches, "the drop to be queued", 10)
    assert batches == [1500] and inserts == [1500]  # one insert, not 1500
    until(lambda: model.counts["uploading"] == 2, "two uploads under way", 10)
    assert model.counts["queued"] == 1498
    h.service.cancel(*(t.transfer_id for t in h.service.transfers()[:700]))  # a selection
    assert model.counts["cancelled"] == 700
    assert model.counts["uploading"] == 2  # the queue moved on to the next two
    removals: list[int] = []
    model.rowsRemoved.connect(lambda _p, a, b: removals.append(b - a + 1))
    h.service.clear_finished()
    assert removals == [700] and model.rowCount() == 800  # one contiguous run, one signal
    h.service.cancel(*(t.transfer_id for t in h.service.transfers()))
    assert model.counts["cancelled"] == 800
    sandbox.clear_faults()


def test_the_queue_says_once_when_it_has_settled_with_what_failed(make, sandbox, arun, until,
                                                                 tmp_path):
    index_id = new_index(sandbox, arun, "Walk away")
    files = [write_file(tmp_path / f"w{i}.mp4", MiB) for i in range(3)]
    h = make(max_retries=0)
    said: list[tuple[int, int]] = []
    h.service.drained.connect(lambda done, failed: said.append((done, failed)))
    sandbox.add_fault(method="POST", path=r"/videos/upload$", status=503, nth=2, times=1)
    h.service.add_paths([str(p) for p in files], index_id, "Walk away")
    until(lambda: said, "the queue to settle", 30)
    arun(asyncio.sleep(0.3))
    assert said == [(2, 1)]  # once, when the last one settled
    failed = next(t for t in h.service.transfers() if t.state is TState.FAILED)
    h.service.retry(failed.transfer_id)
    until(lambda: len(said) == 2, "the retried upload to settle", 30)
    assert said[1] == (1, 0)  # counted from the last time it was idle


def test_a_long_queue_comes_back_after_a_restart_in_one_piece(make, sandbox, arun, until,
                                                              tmp_path, monkeypatch):
    real_save = TransferStore.save

    async def slow_save(self: TransferStore, rows: list[Any]) -> None:
        await asyncio.sleep(0.5)  # a slow disk: the app quits while the journal is written
        await real_save(self, rows)

    monkeypatch.setattr(TransferStore, "save", slow_save)
    folder = small_files(tmp_path / "batch", 600, 8)
    sandbox.add_fault(method="POST", path=r"/videos/upload$", latency=30.0, times=1)
    first = make(limit=1)
    first.service.add_paths([str(folder)], None, "Playground")
    until(lambda: any(t.state is TState.UPLOADING for t in first.service.transfers()),
          "the first upload under way", 10)
    arun(first.close())
    sandbox.clear_faults()
    second = make(limit=1)
    batches: list[int] = []
    singles: list[Any] = []
    second.service.changed_many.connect(lambda rows: batches.append(len(rows)))
    second.service.changed.connect(singles.append)
    second.service.start()
    until(lambda: batches, "the journal to load", 10)
    assert batches == [600] and singles == []  # one update for the whole queue
    assert {t.state for t in second.service.transfers()} == {TState.INTERRUPTED}
    arun(second.close())


def test_a_file_name_that_is_not_utf8_is_journalled_uploaded_and_comes_back_exact(
        make, sandbox, arun, until, tmp_path):
    """Linux file names are bytes: `caf\\xe9.mp4` is one. It used to make every journal
    write fail (UnicodeEncodeError), so a kill lost the whole queue."""
    index_id = new_index(sandbox, arun, "Odd names")
    folder = tmp_path / "odd"
    folder.mkdir()
    raw = os.path.join(os.fsencode(folder), b"caf\xe9.mp4")
    with open(raw, "wb") as f:
        f.write(os.urandom(64 * 1024))
    write_file(folder / "plain.mp4", 64 * 1024)
    first = make()
    problems: list[Any] = []
    first.service.failed.connect(lambda action, p: problems.append((action, str(p))))
    first.service.add_paths([str(folder)], index_id, "Odd names")
    until(lambda: len(first.service.transfers()) == 2 and all(
        t.state in (TState.DONE, TState.FAILED) for t in first.service.transfers()),
        "both uploads to end", 30)
    assert [(t.state, t.error) for t in first.service.transfers()] == [(TState.DONE, "")] * 2
    assert problems == []
    odd = next(t for t in first.service.transfers() if t.name != "plain.mp4")
    assert odd.name == "caf\ufffd.mp4" and os.fsencode(odd.path) == raw
    arun(first.close())
    second = make()  # a restart reads the journal back
    second.service.start()
    until(lambda: len(second.service.transfers()) == 2, "the journal to load", 10)
    back = second.service.get(odd.transfer_id)
    assert back is not None and back.state is TState.DONE and os.fsencode(back.path) == raw
    assert sorted(media_titles(sandbox, arun, index_id)) == ["caf\ufffd.mp4", "plain.mp4"]


def test_a_journal_write_that_fails_is_tried_again_until_the_whole_queue_is_on_disk(
        make, sandbox, arun, until, tmp_path):
    import sqlite3

    from vvdesk.services.transfer_store import DDL

    folder = small_files(tmp_path / "batch", 5, 8)
    sandbox.add_fault(method="POST", path=r"/videos/upload$", latency=30.0)
    h = make(limit=1)  # one upload hangs; the other four stay queued: no later change
    arun(h.journal.ensure(DDL))
    path = str(tmp_path / "journal.sqlite3")

    def on_disk() -> int:
        with contextlib.closing(sqlite3.connect(path)) as db:
            return int(db.execute("SELECT count(*) FROM transfers").fetchone()[0])

    with contextlib.closing(sqlite3.connect(path)) as db:  # the disk refuses every write
        db.execute("CREATE TRIGGER refuse BEFORE INSERT ON transfers "
                   "BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END")
    problems: list[tuple[str, str]] = []
    h.service.failed.connect(lambda action, p: problems.append((action, str(p))))
    h.service.add_paths([str(folder)], None, "Playground")
    until(lambda: problems, "the failed write to be reported", 10)
    arun(asyncio.sleep(1.5))  # it keeps trying, and says so only once
    ((action, text),) = problems
    assert action == "Saving the transfer queue"
    assert "disk I/O error" in text and "tried again" in text and "Unexpected" not in text
    assert on_disk() == 0
    with contextlib.closing(sqlite3.connect(path)) as db:  # the disk is fine again
        db.execute("DROP TRIGGER refuse")
    until(lambda: on_disk() == 5, "every queued row on disk", 15)
    assert len(problems) == 1

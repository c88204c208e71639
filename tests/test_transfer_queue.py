"""The upload queue's state machine on its own: no Qt, no server, no disk (fast).

Every transition, the counts, the order queued uploads start in, retry keeping the
Idempotency-Key, cancel, a restart bringing unfinished uploads back as interrupted, the
journal's bookkeeping (nothing written twice for nothing, nothing dropped after a failure).
"""

from __future__ import annotations

import os
import re

import pytest

from vvdesk.format import human_size
from vvdesk.fsnames import from_journal, is_text, readable, to_journal
from vvdesk.transfer_queue import (
    FINISHED,
    INTERRUPTED_TEXT,
    PENDING,
    RETRY_ALL,
    SENDING,
    SUMMARY_ORDER,
    Transfer,
    TransferQueue,
    TState,
)


def rows(n: int, index_id: str | None = "idx") -> list[Transfer]:
    return [Transfer.new("p", f"/media/{i:03d}.mp4", 100 + i, index_id, "Archive")
            for i in range(n)]


def states(q: TransferQueue) -> dict[str, TState]:
    return {t.name: t.state for t in q.transfers()}


def counts(q: TransferQueue) -> dict[str, int]:
    return {s.value: n for s, n in q.counts.items() if n}


def test_new_rows_are_queued_counted_and_start_oldest_first_up_to_the_limit():
    q = TransferQueue(limit=2)
    added = q.add(rows(5))
    assert [t.state for t in added] == [TState.QUEUED] * 5
    assert counts(q) == {"queued": 5} and q.busy and len(q) == 5
    first = q.queued_ids()
    started = q.start_next()
    assert [t.transfer_id for t in started] == first[:2]
    assert counts(q) == {"queued": 3, "uploading": 2} and q.free_slots == 0
    assert q.start_next() == []  # no slot: nothing moves
    assert q.queued_ids() == first[2:]  # order kept for what waits
    assert q.add(added[:1]) == []  # a row already there is not added twice


def test_a_row_goes_uploading_stalled_importing_done_and_the_slot_frees_on_import():
    q = TransferQueue(limit=1)
    (t,) = q.add(rows(1))
    (t,) = q.start_next()
    assert q.sized(t.transfer_id, 5000).size == 5000
    assert q.progress(t.transfer_id, 1000, 50.0, 80.0, stalled=False).sent == 1000
    assert q.progress(t.transfer_id, 1000, 50.5, 80.0, stalled=False) is None  # no news
    assert q.progress(t.transfer_id, 1000, 0.0, None, stalled=True).state is TState.STALLED
    assert q.progress(t.transfer_id, 2000, 40.0, 75.0, stalled=False).state is TState.UPLOADING
    assert q.free_slots == 0
    imp = q.uploaded(t.transfer_id, "job_1")
    assert (imp.state, imp.job_id, imp.sent, imp.rate) == (TState.IMPORTING, "job_1", 5000, 0.0)
    assert q.free_slots == 1 and q.busy  # importing is the server's turn: the slot is free
    done = q.imported(t.transfer_id, ["vid_1", "vid_2"])
    assert (done.state, done.video_ids) == (TState.DONE, ("vid_1", "vid_2"))
    assert counts(q) == {"done": 1} and not q.busy


def test_transitions_that_do_not_apply_change_nothing():
    q = TransferQueue()
    (t,) = q.add(rows(1))
    tid = t.transfer_id
    assert q.uploaded(tid, "job") is None  # not uploading yet
    assert q.imported(tid, []) is None
    assert q.import_cancelled(tid) is None
    assert q.progress(tid, 10, 1.0, 1.0, stalled=False) is None
    assert q.sized(tid, 1) is None
    assert q.retry([tid]) == []  # queued is not retryable
    assert q.fail("no-such-id", "x") is None and q.cancel(["no-such-id"]) == []
    q.start_next()
    q.uploaded(tid, "job")
    q.imported(tid, ["v"])
    assert q.fail(tid, "late") is None and q.cancel([tid]) == []  # done stays done
    assert q.get(tid).state is TState.DONE


def test_retry_requeues_at_the_back_with_the_same_idempotency_key():
    q = TransferQueue(limit=1)
    a, b, c = q.add(rows(3))
    q.start_next()  # a uploads
    failed = q.fail(a.transfer_id, "The connection broke.")
    assert (failed.state, failed.error) == (TState.FAILED, "The connection broke.")
    assert [t.transfer_id for t in q.start_next()] == [b.transfer_id]
    (again,) = q.retry([a.transfer_id, a.transfer_id])  # twice in one call: once
    assert (again.state, again.idem_key, again.error, again.sent) == (
        TState.QUEUED, a.idem_key, "", 0)
    assert q.queued_ids() == [c.transfer_id, a.transfer_id]  # behind what already waited


def test_a_failed_import_forgets_its_job_so_a_retry_uploads_again():
    q = TransferQueue(limit=2)
    a, b = q.add(rows(2))
    q.start_next()
    q.uploaded(a.transfer_id, "job_a")
    q.uploaded(b.transfer_id, "job_b")
    assert q.fail(a.transfer_id, "Import failed on the server.", import_failed=True).job_id is None
    assert q.fail(b.transfer_id, "The connection broke.").job_id == "job_b"


def test_cancel_takes_every_unfinished_state_and_frees_slots():
    q = TransferQueue(limit=2)
    a, b, _c, d = q.add(rows(4))
    q.start_next()  # a, b upload
    q.uploaded(b.transfer_id, "job_b")  # b imports; c starts
    q.start_next()
    cancelled = q.cancel([a.transfer_id, b.transfer_id, d.transfer_id])
    assert {t.transfer_id for t in cancelled} == {a.transfer_id, b.transfer_id, d.transfer_id}
    assert all(t.state is TState.CANCELLED and t.rate == 0 for t in cancelled)
    assert q.get(b.transfer_id).job_id == "job_b"  # the service cancels the server's job
    assert counts(q) == {"uploading": 1, "cancelled": 3} and q.free_slots == 1
    assert q.queued_ids() == []
    assert [t.transfer_id for t in q.retry([d.transfer_id])] == [d.transfer_id]


def test_an_import_cancelled_on_the_server_ends_cancelled_with_why():
    q = TransferQueue()
    (t,) = q.add(rows(1))
    q.start_next()
    q.uploaded(t.transfer_id, "job")
    t = q.import_cancelled(t.transfer_id)
    assert t.state is TState.CANCELLED and t.error


def test_clear_finished_forgets_done_and_cancelled_only():
    q = TransferQueue(limit=3)
    a, b, c, d = q.add(rows(4))
    q.start_next()
    q.uploaded(a.transfer_id, "j")
    q.imported(a.transfer_id, ["v"])
    q.cancel([b.transfer_id])
    q.fail(c.transfer_id, "broke")
    gone = q.clear_finished()
    assert set(gone) == {a.transfer_id, b.transfer_id}
    assert {t.transfer_id for t in q} == {c.transfer_id, d.transfer_id}
    assert q.count(FINISHED) == 0 and counts(q) == {"queued": 1, "failed": 1}
    assert q.clear_finished() == []


def test_counts_are_one_per_row_through_thousands_of_changes():
    q = TransferQueue(limit=4)
    q.add(rows(2000))
    while q.count(PENDING):
        for t in q.start_next():
            if (t.size - 100) % 7 == 0:  # every 7th file fails
                q.fail(t.transfer_id, "broke")
            else:
                q.uploaded(t.transfer_id, "j")
                q.imported(t.transfer_id, ["v"])
    by_state = {s: sum(1 for t in q if t.state is s) for s in TState}
    assert dict(q.counts) == by_state
    assert q.counts[TState.FAILED] == 286 and q.counts["done"] == 1714  # str keys work too
    assert sum(q.counts.values()) == len(q) == 2000


def test_restart_brings_cut_off_uploads_back_interrupted_and_polls_imports():
    before = TransferQueue(limit=3)
    up, stalled, imp, lost_job, queued, done, failed = before.add(rows(7))
    before.start_next()
    before.progress(stalled.transfer_id, 1, 0.0, None, stalled=True)
    before.uploaded(imp.transfer_id, "job_imp")
    before.start_next()
    before.uploaded(lost_job.transfer_id, "x")
    journal = {t.transfer_id: t for t in before}
    journal[lost_job.transfer_id] = journal[lost_job.transfer_id].with_(job_id=None)
    journal[done.transfer_id] = done.with_(state=TState.DONE, video_ids=("v",))
    journal[failed.transfer_id] = failed.with_(state=TState.FAILED, error="broke")
    after = TransferQueue()
    restored = after.restore(journal.values())
    got = {t.transfer_id: t.state for t in restored.rows}
    assert got == {up.transfer_id: TState.INTERRUPTED, stalled.transfer_id: TState.INTERRUPTED,
                   imp.transfer_id: TState.IMPORTING, lost_job.transfer_id: TState.INTERRUPTED,
                   queued.transfer_id: TState.INTERRUPTED, done.transfer_id: TState.DONE,
                   failed.transfer_id: TState.FAILED}
    assert after.get(up.transfer_id).error == INTERRUPTED_TEXT
    assert restored.to_poll == [imp.transfer_id]
    written, _ = after.take_unwritten()  # only what changed is written back
    assert {t.transfer_id for t in written} == {
        up.transfer_id, stalled.transfer_id, lost_job.transfer_id, queued.transfer_id}
    assert after.settled() is None  # a restart is not "uploads finished"
    resumed = after.retry(after.ids_in(RETRY_ALL))
    assert {t.transfer_id for t in resumed} == {
        up.transfer_id, stalled.transfer_id, lost_job.transfer_id, queued.transfer_id,
        failed.transfer_id}
    assert all(t.idem_key == journal[t.transfer_id].idem_key for t in resumed)


def test_settled_says_once_what_finished_when_the_queue_goes_idle():
    q = TransferQueue(limit=2)
    a, b = q.add(rows(2))
    q.start_next()
    q.uploaded(a.transfer_id, "j")
    q.imported(a.transfer_id, ["v"])
    assert q.settled() is None  # b still uploads
    q.fail(b.transfer_id, "broke")
    assert q.settled() == (1, 1)
    assert q.settled() is None  # said once
    q.retry([b.transfer_id])
    q.cancel([b.transfer_id])
    assert q.settled() is None  # cancelling is not news


def test_totals_add_up_bytes_and_rates_of_the_given_states():
    q = TransferQueue(limit=1)
    a, _b = q.add(rows(2))
    q.start_next()
    q.sized(a.transfer_id, 1000)
    q.progress(a.transfer_id, 400, 100.0, 6.0, stalled=False)
    assert q.totals([TState.UPLOADING, TState.STALLED, TState.QUEUED]) == (400, 1101, 100.0)
    assert q.totals([TState.DONE]) == (0, 0, 0.0)


def test_the_journal_gets_each_changed_row_once_and_a_failed_write_is_not_dropped():
    q = TransferQueue(limit=1)
    a, b = q.add(rows(2))
    written, removed = q.take_unwritten()
    assert [t.transfer_id for t in written] == [a.transfer_id, b.transfer_id] and removed == []
    assert not q.has_unwritten
    q.start_next()
    q.progress(a.transfer_id, 10, 5.0, 1.0, stalled=False)  # byte counts are not journalled
    written, _ = q.take_unwritten()
    assert [(t.transfer_id, t.state) for t in written] == [(a.transfer_id, TState.UPLOADING)]
    q.progress(a.transfer_id, 20, 5.0, 1.0, stalled=False)
    assert not q.has_unwritten
    q.cancel([b.transfer_id])
    q.clear_finished()
    written, removed = q.take_unwritten()
    assert written == [] and removed == [b.transfer_id]
    q.fail(a.transfer_id, "broke")
    failed_rows, failed_removed = q.take_unwritten()
    q.not_written(failed_rows, [*failed_removed, "gone-id"])  # the disk said no
    q.retry([a.transfer_id])
    written, removed = q.take_unwritten()
    assert [(t.transfer_id, t.state) for t in written] == [(a.transfer_id, TState.QUEUED)]
    assert removed == ["gone-id"]


@pytest.mark.parametrize("raw", [b"caf\xe9.mp4", b"\xff\xfe.mov", "café.mp4".encode()])
def test_any_file_name_the_os_gives_round_trips_and_reads_with_a_replacement(raw, tmp_path):
    exact = os.fsdecode(os.fsencode(str(tmp_path)) + b"/" + raw)
    t = Transfer.new("p", exact, 1, None, "Playground")
    stored = to_journal(t.path)
    assert from_journal(stored) == exact and os.fsencode(from_journal(stored)).endswith(raw)
    assert is_text(t.name) and is_text(t.title) and is_text(t.shown_path)
    if raw == b"caf\xe9.mp4":
        assert t.name == t.title == "caf\ufffd.mp4" and isinstance(stored, bytes)
    if raw == "café.mp4".encode():
        assert t.name == "café.mp4" and stored == exact  # valid names stay plain text
    assert readable("plain") == "plain"


def in_state(q: TransferQueue, state: TState, n: int) -> None:
    """Add n rows and drive each through the transitions into `state`."""
    for t in q.add(Transfer.new("p", f"/m/{state.value}-{i}.mp4", 1000, "idx", "Archive")
                   for i in range(n)):
        tid = t.transfer_id
        if state is TState.QUEUED:
            continue
        if state is TState.INTERRUPTED:  # a restart while it was uploading
            q.restore([q.get(tid).with_(state=TState.UPLOADING)])
            continue
        if state is TState.CANCELLED:
            q.cancel([tid])
            continue
        q.limit += 1
        q.start_next()  # only this one waits to start: the others are past it
        q.progress(tid, 400, 100.0, 6.0, stalled=state is TState.STALLED)
        if state is TState.FAILED:
            q.fail(tid, "broke")
        elif state in (TState.IMPORTING, TState.DONE):
            q.uploaded(tid, f"job_{tid}")
            if state is TState.DONE:
                q.imported(tid, ["v"])
        assert q.get(tid).state is state


def test_the_summary_names_every_state_with_its_count_in_every_combination():
    from itertools import combinations

    assert set(SUMMARY_ORDER) == set(TState)  # a new state must get its place in the line
    states_ = list(TState)
    words = {s.value for s in TState}
    for k in range(len(states_) + 1):
        for combo in combinations(states_, k):
            q = TransferQueue(limit=0)
            want = {s: i + 1 for i, s in enumerate(combo)}  # 1, 2, 3…: counts tell apart
            for s, n in sorted(want.items(), key=lambda sn: sn[0] is TState.QUEUED):
                in_state(q, s, n)  # queued last: a start takes the oldest queued row
            assert {s: n for s, n in q.counts.items() if n} == want
            text = q.summary()
            said = {w: int(n) for n, w in re.findall(r"(\d+) ([a-z]+)", text) if w in words}
            assert said == {s.value: n for s, n in want.items()}, (combo, text)
            assert text.startswith("idle") == (not want.keys() & PENDING), text
            assert ("Retry/resume all" in text) == (TState.INTERRUPTED in want)
            # bytes to go, only while some are sending: 400 of 1000 sent per started row
            sending = sum(n for s, n in want.items() if s in SENDING)
            if sending:
                assert f" of {human_size(1000 * sending)}" in text, text
            else:
                assert " of " not in text, text


def test_the_summary_reads_like_a_sentence():
    q = TransferQueue(limit=0)
    for state, n in ((TState.UPLOADING, 1), (TState.DONE, 4), (TState.FAILED, 1),
                     (TState.QUEUED, 2)):
        in_state(q, state, n)
    assert q.summary() == ("1 uploading · 2 queued · 400 B of 3.0 KB · about 26 s left"
                           " · 4 done · 1 failed")
    assert TransferQueue().summary() == "idle"


def test_finished_rows_keep_their_totals_through_a_restart():
    """The journal had no byte counts: a finished upload came back as "0 B / 400 KB"."""
    before = TransferQueue(limit=3)
    for state in (TState.DONE, TState.IMPORTING, TState.CANCELLED, TState.FAILED):
        in_state(before, state, 1)
    journal = [t.with_(sent=0) if t.state is TState.DONE else t for t in before]  # old rows
    after = TransferQueue()
    after.restore(journal)
    sent = {t.state: (t.sent, t.size) for t in after}
    assert sent == {TState.DONE: (1000, 1000), TState.IMPORTING: (1000, 1000),
                    TState.CANCELLED: (0, 1000), TState.FAILED: (400, 1000)}
    assert not after.has_unwritten  # nothing to write back for it


def test_a_connector_import_row_follows_its_job_and_retries_the_same_job() -> None:
    from vvdesk.connector_import import FileCounts, ImportSource, failed_text

    q = TransferQueue(limit=1)
    src = ImportSource("con_1", "Field archive", "drop/", "*.mp4", True, "prm_1", "Scenes")
    row = Transfer.new_import("p", src, "idx", "Archive", "job_1")
    added = q.add_import(row)
    assert added is not None and added.state is TState.IMPORTING
    assert added.name == "Import from Field archive: drop/"
    assert "Files matching *.mp4 in drop/ and its subfolders" in added.shown_path
    assert q.free_slots == 1  # an import holds no upload slot
    assert q.add_import(row) is None  # once
    assert q.pending_paths("idx") == []  # never mistaken for a dropped path
    moved = q.import_progress(row.transfer_id, FileCounts(4, 1, 0, 1, 2048))
    assert moved is not None and moved.sent == moved.size == 2048
    assert q.import_progress(row.transfer_id, FileCounts(4, 1, 0, 1, 2048)) is None
    counts_ = FileCounts(4, 2, 1, 1, 4096)
    q.import_progress(row.transfer_id, counts_)
    failed = q.import_failed(row.transfer_id, failed_text(counts_, None), ["v1", "v2"])
    assert failed is not None and failed.state is TState.FAILED and failed.job_id == "job_1"
    assert failed.error.startswith("1 of 3 files could not be imported.")
    assert failed.video_ids == ("v1", "v2")
    assert q.settled() is None  # "N files uploaded" is for uploads only
    again = q.retry([row.transfer_id])
    assert [t.state for t in again] == [TState.IMPORTING] and again[0].job_id == "job_1"
    assert q.imported(row.transfer_id, ["v1", "v2", "v3"]) is not None
    started = q.prompt_started(row.transfer_id, "run_9")
    assert started is not None and started.run_id == "run_9"
    written, _ = q.take_unwritten()
    assert written[-1].files == counts_ and written[-1].run_id == "run_9"
    # after a restart, a running import is followed again (it never becomes "interrupted")
    back = TransferQueue().restore([row.with_(state=TState.IMPORTING)])
    assert back.to_poll == [row.transfer_id] and back.rows[0].state is TState.IMPORTING

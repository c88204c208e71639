"""The upload queue: concurrency, throttled progress, stall detection, retry, and a journal.

Each logical upload keeps one Idempotency-Key for every retry, so a retry never creates a
duplicate. Progress is read from the uploader's counters by one 250 ms timer (not per
chunk); rate and ETA come from `RateMeter`. State changes go to the journal by one writer.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from vvdesk.services.rate import RateMeter
from vvdesk.services.session import ApiSession
from vvdesk.services.transfer_store import (
    ACTIVE,
    FINISHED,
    PENDING,
    RETRY_ALL,
    RETRYABLE,
    SENDING,
    Transfer,
    TransferStore,
    TState,
)

if TYPE_CHECKING:
    from videovector import ImportJob

    from vvdesk.api.errors import ApiProblem
    from vvdesk.api.upload import LoopPump, ProgressFile, ThreadPump
    from vvdesk.services.scan import ScanResult

TICK_MS = 250
STALL_AFTER_S = 15.0
POLL_FIRST_S, POLL_MAX_S = 0.5, 5.0
TERMINAL_JOB = ("completed", "failed", "cancelled")
JOURNAL_JOB = "transfers.journal"


class LocalFailure(Exception):
    """A failure on this machine (file gone, unreadable), already in plain words."""


class TransferService(QObject):
    changed = Signal(object)  # one Transfer, added or updated
    changed_many = Signal(list)  # Transfers added or updated together (a drop, a selection)
    removed = Signal(list)  # transfer_ids (one signal for a whole clear)
    finished = Signal(object)  # Transfer that reached DONE
    scanned = Signal(str, int, list)  # target name, files queued, list[scan.Skipped]
    failed = Signal(str, object)  # action, ApiProblem
    drained = Signal(int, int)  # the queue went idle: uploads done, failed since it last was

    def __init__(self, session: ApiSession, store: TransferStore,
                 pump: LoopPump | ThreadPump, *,
                 limit: int = 2, stall_after: float = STALL_AFTER_S,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._s, self._store, self._pump = session, store, pump
        self.limit = max(1, limit)
        self.stall_after = stall_after
        self._items: dict[str, Transfer] = {}
        self._files: dict[str, ProgressFile] = {}  # transfer_id → file while uploading
        self._meters: dict[str, RateMeter] = {}
        self._uploading: set[str] = set()
        self._dirty: set[str] = set()
        self._gone: set[str] = set()
        self._counts: Counter[TState] = Counter()  # rows per state, kept by _store_row
        self._queued: dict[str, None] = {}  # QUEUED ids in the order they were queued
        self._since_idle = [0, 0]  # uploads done, failed since the queue was last idle
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    # queries ---------------------------------------------------------------------
    def transfers(self) -> list[Transfer]:
        return sorted(self._items.values(), key=lambda t: t.created_at)

    def get(self, transfer_id: str) -> Transfer | None:
        return self._items.get(transfer_id)

    # lifecycle -------------------------------------------------------------------
    def start(self) -> None:
        """Load the journal: unfinished uploads become interrupted, imports are polled."""

        async def load() -> list[Transfer]:
            return await self._store.load()

        def ok(rows: list[Transfer]) -> None:
            cut_off = [t for t in rows if t.state in SENDING
                       or (t.state is TState.IMPORTING and not t.job_id)]
            for t in rows:
                self._store_row(t, persist=False)  # as they were: no journal write
            self._set_many([t.with_(state=TState.INTERRUPTED,
                                    error="The app was closed before this upload finished.")
                            for t in cut_off])
            cut = {t.transfer_id for t in cut_off}
            self._emit([t for t in rows if t.transfer_id not in cut])
            for t in rows:
                if t.state is TState.IMPORTING and t.transfer_id not in cut:
                    self._run_job(t.transfer_id, partial(self._poll, t.transfer_id))

        self._s.jobs.run("transfers.load", load(), on_ok=ok,
                         on_error=self._fail("Loading the transfer queue"))

    async def aclose(self) -> None:
        """Stop, and write what the journal writer had not written yet: quitting right
        after a drop must not lose the queue."""
        self._timer.stop()
        await self._pump.aclose()
        await self._s.jobs.stop(JOURNAL_JOB)  # what it had not written goes back to pending
        await self._write_pending()

    # user actions ----------------------------------------------------------------
    def add_paths(self, paths: list[str], index_id: str | None, target_name: str) -> None:
        """Expand files/folders off the UI thread, then queue what can be uploaded."""
        from vvdesk.services.scan import scan

        queued = [t.path for t in self._items.values()
                  if t.index_id == index_id and t.state not in FINISHED]

        async def expand() -> ScanResult:
            return await asyncio.to_thread(scan, list(paths), queued)

        def ok(result: ScanResult) -> None:
            self._set_many([Transfer.new(self._s.profile_name, f.path, f.size, index_id,
                                         target_name) for f in result.files])
            self.scanned.emit(target_name, len(result.files), list(result.skipped))
            self._pump_queue()

        self._s.jobs.run(f"transfers.scan:{time.monotonic_ns()}", expand(), on_ok=ok,
                         on_error=self._fail("Reading the dropped files"))

    def cancel(self, *transfer_ids: str) -> None:
        """Cancel these; one update for all of them, then the queue moves on once."""
        self._set_many([t for tid in transfer_ids if (t := self._cancelled(tid)) is not None])
        self._pump_queue()

    def _cancelled(self, transfer_id: str) -> Transfer | None:
        """Stop this transfer's work; its cancelled row (None if nothing to cancel)."""
        t = self._items.get(transfer_id)
        if t is None or t.state in (TState.DONE, TState.CANCELLED):
            return None
        f = self._files.get(transfer_id)
        if f is not None:
            f.cancelled = True
        self._s.jobs.cancel(f"transfer:{transfer_id}")
        self._uploading.discard(transfer_id)
        if t.state is TState.IMPORTING and t.job_id:
            job_id = t.job_id
            self._s.jobs.run(f"transfers.cancel-job:{job_id}",
                             self._s.client.import_jobs.cancel(job_id), on_error=lambda _p: None)
        return t.with_(state=TState.CANCELLED, rate=0.0, eta=None, error="")

    def retry(self, *transfer_ids: str) -> None:
        """Queue these again (same Idempotency-Key each); then start what the limit allows."""
        again = []
        for transfer_id in transfer_ids:
            t = self._items.get(transfer_id)
            if t is None or t.state not in RETRYABLE:
                continue
            if t.job_id and t.state is TState.FAILED and t.error.startswith("Import"):
                t = t.with_(job_id=None)
            again.append(t.with_(state=TState.QUEUED, sent=0, rate=0.0, eta=None, error=""))
        self._set_many(again)
        self._pump_queue()

    def retry_all(self, states: frozenset[TState] = RETRY_ALL) -> None:
        self.retry(*(t.transfer_id for t in self.transfers() if t.state in states))

    def clear_finished(self) -> None:
        gone = [tid for tid, t in self._items.items() if t.state in FINISHED]
        for tid in gone:
            self._counts[self._items.pop(tid).state] -= 1
        self._gone.update(gone)
        if gone:
            self.removed.emit(gone)
        self._flush()

    def set_limit(self, limit: int) -> None:
        self.limit = max(1, limit)
        self._pump_queue()

    # machinery -------------------------------------------------------------------
    def _fail(self, action: str) -> Callable[[ApiProblem], None]:
        return self._s.reporter(self.failed, action)

    def _set(self, t: Transfer, persist: bool = True) -> None:
        if self._store_row(t, persist):
            self._flush()
        self.changed.emit(t)
        self._check_idle()

    def _set_many(self, rows: list[Transfer]) -> None:
        """Like _set for each, with one signal and one journal write for all of them."""
        if not rows:
            return
        if any([self._store_row(t, True) for t in rows]):  # a list: store every row
            self._flush()
        self._emit(rows)

    def _emit(self, rows: list[Transfer]) -> None:
        if len(rows) == 1:
            self.changed.emit(rows[0])
        elif rows:
            self.changed_many.emit(rows)
        self._check_idle()

    def _check_idle(self) -> None:
        """Say once when the last queued or running upload has settled (walk-away users)."""
        if any(self._counts[s] for s in PENDING):
            return
        done, failed = self._since_idle
        if done or failed:
            self._since_idle = [0, 0]
            self.drained.emit(done, failed)

    def _store_row(self, t: Transfer, persist: bool) -> bool:
        """Keep the row; True when the journal must be written for it."""
        old = self._items.get(t.transfer_id)
        self._items[t.transfer_id] = t
        if t.state is TState.QUEUED:
            self._queued.setdefault(t.transfer_id)
        else:
            self._queued.pop(t.transfer_id, None)
        self._counts[t.state] += 1
        if old is not None:
            self._counts[old.state] -= 1
            if old.state != t.state and t.state in (TState.DONE, TState.FAILED):
                self._since_idle[t.state is TState.FAILED] += 1
        if persist and (old is None or old.state != t.state or old.job_id != t.job_id
                        or old.video_ids != t.video_ids):
            self._dirty.add(t.transfer_id)
            return True
        return False

    def _flush(self) -> None:
        """One writer for the journal, so rows are written in order."""
        self._s.jobs.run(JOURNAL_JOB, self._write_pending(), replace=False,
                         on_error=self._fail("Saving the transfer queue"))

    async def _write_pending(self) -> None:
        while self._dirty or self._gone:
            dirty, self._dirty = self._dirty, set()
            gone, self._gone = self._gone, set()
            rows = [self._items[i] for i in dirty if i in self._items]
            try:
                if rows:
                    await self._store.save(rows)
                if gone:
                    await self._store.delete(list(gone))
            except asyncio.CancelledError:
                self._dirty |= dirty  # not written: the next writer takes them
                self._gone |= gone
                raise

    def _run_job(self, transfer_id: str, work: Callable[[], Awaitable[None]]) -> None:
        """Run work() as this transfer's job; made inside it, so a job cancelled before it
        ever ran leaves no coroutine behind unawaited."""

        async def guarded() -> None:
            try:
                await work()
            except LocalFailure as exc:
                t = self._items.get(transfer_id)
                if t is not None:
                    self._set(t.with_(state=TState.FAILED, rate=0.0, eta=None, error=str(exc)))

        self._s.jobs.run(f"transfer:{transfer_id}", guarded(),
                         on_error=lambda p: self._failed(transfer_id, p))

    def _pump_queue(self) -> None:
        """Start queued uploads, oldest first, up to the limit (never walks finished rows)."""
        for tid in list(self._queued):
            if len(self._uploading) >= self.limit:
                break
            t = self._items[tid]
            if t.state is TState.QUEUED:
                self._uploading.add(t.transfer_id)
                self._set(t.with_(state=TState.UPLOADING, sent=0))
                self._run_job(t.transfer_id, partial(self._upload, t.transfer_id))
        if self._uploading and not self._timer.isActive():
            self._timer.start()

    def _release(self, transfer_id: str) -> None:
        self._uploading.discard(transfer_id)
        self._files.pop(transfer_id, None)
        self._meters.pop(transfer_id, None)
        self._pump_queue()

    async def _upload(self, transfer_id: str) -> None:
        from vvdesk.api.upload import open_progress_file

        t = self._items[transfer_id]
        try:
            f = await open_progress_file(t.path)
        except OSError as exc:
            self._release(transfer_id)
            why = "no longer exists" if isinstance(exc, FileNotFoundError) else (
                f"cannot be read ({exc.strerror or exc})")
            raise LocalFailure(f"The file {why}.") from exc
        self._files[transfer_id] = f
        self._meters[transfer_id] = RateMeter()
        try:
            self._set(self._items[transfer_id].with_(size=f.size), persist=False)
            job = await self._pump.upload(f, t.title, t.index_id, t.idem_key)
            t = self._items[transfer_id]
            self._set(t.with_(state=TState.IMPORTING, sent=t.size, rate=0.0, eta=None,
                              job_id=job.job_id))
        finally:
            self._release(transfer_id)  # frees the slot after leaving UPLOADING
            await asyncio.to_thread(f.close)
        await self._poll(transfer_id, job)

    async def _poll(self, transfer_id: str, job: ImportJob | None = None) -> None:
        """Poll the import job to a terminal state, then page its outputs for video ids."""
        jobs_api = self._s.client.import_jobs
        job_id = self._items[transfer_id].job_id
        if job_id is None:
            raise LocalFailure("The server gave no import job for this upload. Retry it.")
        wait = POLL_FIRST_S
        while job is None or (job.status or "").lower() not in TERMINAL_JOB:
            if job is not None:
                await asyncio.sleep(wait)
                wait = min(wait * 1.5, POLL_MAX_S)
            job = await jobs_api.retrieve(job_id)
        status = job.status.lower()
        t = self._items[transfer_id]
        if status == "failed":
            raise LocalFailure(f"Import failed on the server: "
                               f"{job.error_message or 'no reason given'}.")
        if status == "cancelled":
            self._set(t.with_(state=TState.CANCELLED, error="The import was cancelled."))
            return
        ids: list[str] = []
        cursor = None
        while True:
            page = await jobs_api.outputs(job_id, cursor=cursor)
            ids += [o.video_id for o in page.items if o.video_id]
            if not page.next_cursor:
                break
            cursor = page.next_cursor
        done = t.with_(state=TState.DONE, video_ids=tuple(ids or job.video_ids), error="")
        self._set(done)
        self.finished.emit(done)

    def _failed(self, transfer_id: str, problem: ApiProblem) -> None:
        t = self._items.get(transfer_id)
        if t is None:
            return
        text = str(problem)
        if getattr(problem, "kind", None) is not None and problem.kind.value == "unknown" \
                and "request failed" in problem.message.lower():
            text = "The connection broke during the upload. Retry to send it again."
        self._s.note_problem(problem)
        self._set(t.with_(state=TState.FAILED, rate=0.0, eta=None, error=text))

    def _tick(self) -> None:
        now = time.monotonic()
        for tid, f in list(self._files.items()):
            t = self._items.get(tid)
            meter = self._meters.get(tid)
            if t is None or meter is None or t.state not in ACTIVE - {TState.IMPORTING}:
                continue
            sent = min(f.sent, f.size)
            rate = meter.sample(sent, now) if sent < f.size else 0.0
            # all bytes out and no answer yet is the server's turn, not a stall
            stalled = sent < f.size and now - f.last_progress > self.stall_after
            state = TState.STALLED if stalled else TState.UPLOADING
            if (sent, state) != (t.sent, t.state) or abs(rate - t.rate) > 1:
                eta = meter.eta(sent, t.size) if sent < f.size else None
                self._set(t.with_(sent=sent, rate=rate, eta=eta,
                                  state=state), persist=state != t.state)
        if not self._files and not self._uploading:
            self._timer.stop()

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError):
            self._timer.stop()

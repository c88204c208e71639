"""The upload queue's I/O: files, the SDK, import polling, the journal, a progress timer.

What the queue *is* (rows, states, counts, order, slots, what the journal still owes) lives
in `vvdesk.transfer_queue.TransferQueue`; this service performs each transition's work and
says what changed. Each logical upload keeps one Idempotency-Key for every retry, so a retry
never creates a duplicate. Progress is read from the uploader's counters by one 250 ms timer
(not per chunk); rate and ETA come from `RateMeter`. State changes go to the journal by one
writer, which tries again (backing off) when a write fails: nothing is dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from vvdesk.api.errors import ApiProblem, ProblemKind
from vvdesk.connector_import import (
    FileCounts,
    FileOutcome,
    ImportRequest,
    failed_text,
)
from vvdesk.services.rate import RateMeter
from vvdesk.services.session import ApiSession
from vvdesk.services.transfer_store import TransferStore
from vvdesk.transfer_queue import (
    PENDING,
    RETRY_ALL,
    UPLOADING,
    Transfer,
    TransferQueue,
    TState,
)
from vvdesk.vocab import import_job_is_terminal

if TYPE_CHECKING:
    from videovector import ImportJob

    from vvdesk.api.upload import LoopPump, ProgressFile, ThreadPump
    from vvdesk.services.scan import ScanResult

log = logging.getLogger(__name__)

TICK_MS = 250
STALL_AFTER_S = 15.0
POLL_FIRST_S, POLL_MAX_S = 0.5, 5.0
JOURNAL_JOB = "transfers.journal"
JOURNAL_RETRY_FIRST_S, JOURNAL_RETRY_MAX_S = 0.5, 10.0


class LocalFailure(Exception):
    """A failure on this machine (file gone, unreadable), already in plain words."""


class ImportFailed(LocalFailure):
    """The server could not import the uploaded file: a retry uploads it again."""


@dataclass
class _Live:
    """An upload in progress: its open file and its rate meter."""

    file: ProgressFile
    meter: RateMeter = field(default_factory=RateMeter)


def journal_problem(exc: Exception) -> ApiProblem:
    """A failed journal write, in words: the queue is kept and saving goes on."""
    if isinstance(exc, OSError):
        why = exc.strerror or str(exc)
    elif isinstance(exc, sqlite3.Error):
        why = str(exc) or type(exc).__name__
    else:
        why = "the journal refused the write"
    return ApiProblem(ProblemKind.UNKNOWN, f"The upload queue could not be saved to disk "
                      f"({why}). It is kept while vvdesk runs and saving is tried again every "
                      "few seconds; if the disk is full, free some space.")


class TransferService(QObject):
    changed = Signal(object)  # one Transfer, added or updated
    changed_many = Signal(list)  # Transfers added or updated together (a drop, a selection)
    removed = Signal(list)  # transfer_ids (one signal for a whole clear)
    finished = Signal(object)  # Transfer that reached DONE
    scanned = Signal(str, int, list)  # target name, files queued, list[scan.Skipped]
    failed = Signal(str, object)  # action, ApiProblem
    drained = Signal(int, int)  # the queue went idle: uploads done, failed since it last was
    import_ended = Signal(object)  # a connector import's Transfer: DONE, FAILED or CANCELLED

    def __init__(self, session: ApiSession, store: TransferStore,
                 pump: LoopPump | ThreadPump, *, limit: int = 2,
                 stall_after: float = STALL_AFTER_S, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._s, self._store, self._pump = session, store, pump
        self.queue = TransferQueue(limit)
        self.stall_after = stall_after
        self._live: dict[str, _Live] = {}  # transfer_id → its upload, while one runs
        self._journal_trouble = False  # a failed write was reported; say nothing until fixed
        self._timer = QTimer(self)
        self._timer.setObjectName("transfers.progress")
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    # queries ---------------------------------------------------------------------
    @property
    def limit(self) -> int:
        return self.queue.limit

    def transfers(self) -> list[Transfer]:
        return self.queue.transfers()

    def get(self, transfer_id: str) -> Transfer | None:
        return self.queue.get(transfer_id)

    # lifecycle -------------------------------------------------------------------
    def start(self) -> None:
        """Load the journal: unfinished uploads become interrupted, imports are polled."""

        def ok(rows: list[Transfer]) -> None:
            restored = self.queue.restore(rows)
            self._changed(restored.rows)
            for tid in restored.to_poll:
                self._run_job(tid, partial(self._poll, tid))

        self._s.jobs.run("transfers.load", self._store.load(), on_ok=ok,
                         on_error=self._fail("Loading the transfer queue"))

    async def aclose(self) -> None:
        """Stop, and write what the journal writer had not written yet: quitting right
        after a drop must not lose the queue (one more try; no waiting on a bad disk)."""
        self._timer.stop()
        await self._pump.aclose()
        await self._s.jobs.stop(JOURNAL_JOB)  # what it had not written goes back to unwritten
        try:
            await self._write_once()
        except (OSError, sqlite3.Error, ValueError):
            log.warning("the upload queue could not be saved on quit", exc_info=True)

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError):
            self._timer.stop()

    # user actions ----------------------------------------------------------------
    def add_paths(self, paths: list[str], index_id: str | None, target_name: str) -> None:
        """Expand files/folders off the UI thread, then queue what can be uploaded."""
        from vvdesk.services.scan import scan

        queued = self.queue.pending_paths(index_id)

        async def expand() -> ScanResult:
            return await asyncio.to_thread(scan, list(paths), queued)

        def ok(result: ScanResult) -> None:
            profile = self._s.profile_name
            self._changed(self.queue.add(
                Transfer.new(profile, f.path, f.size, index_id, target_name)
                for f in result.files))
            self.scanned.emit(target_name, len(result.files), list(result.skipped))
            self._start_next()

        self._s.jobs.run(f"transfers.scan:{time.monotonic_ns()}", expand(), on_ok=ok,
                         on_error=self._fail("Reading the dropped files"))

    def cancel(self, *transfer_ids: str) -> None:
        """Cancel these; one update for all of them, then the queue moves on once."""
        before = {tid: t for tid in transfer_ids if (t := self.queue.get(tid)) is not None}
        rows = self.queue.cancel(transfer_ids)
        for t in rows:
            self._stop_work(before[t.transfer_id])
        self._changed(rows)
        self._start_next()

    def _stop_work(self, was: Transfer) -> None:
        """Stop what runs for a row that was just cancelled (upload, import job)."""
        live = self._live.get(was.transfer_id)
        if live is not None:
            live.file.cancelled = True
        self._s.jobs.cancel(f"transfer:{was.transfer_id}")
        if was.state is TState.IMPORTING and was.job_id:
            from vvdesk.api.ids import in_path

            self._s.jobs.run(f"transfers.cancel-job:{was.job_id}",
                             self._s.client.import_jobs.cancel(in_path(was.job_id)),
                             on_error=lambda _p: None)

    def retry(self, *transfer_ids: str) -> None:
        """Queue these again (same Idempotency-Key each); then start what the limit allows.
        A connector import asks the server to retry its job (the failed files) and is
        followed again."""
        rows = self.queue.retry(transfer_ids)
        self._changed(rows)
        for t in rows:
            if t.is_import:
                self._run_job(t.transfer_id, partial(self._retry_import, t.transfer_id))
        self._start_next()

    async def import_from_connector(self, request: ImportRequest) -> Transfer:
        """Ask the server for the import job; its row is followed until it ends."""
        from vvdesk.api.ids import in_path

        src = request.source
        job = await self._s.client.import_jobs.create(
            connector_id=in_path(src.connector_id), index_id=request.index_id,
            source_prefix=src.prefix, file_pattern=src.pattern or "*",
            recursive=src.recursive)
        row = Transfer.new_import(self._s.profile_name, src, request.index_id,
                                  request.index_name, job.job_id)
        added = self.queue.add_import(row)
        self._changed(added)
        if added is not None:
            self._run_job(added.transfer_id, partial(self._poll, added.transfer_id, job))
        return added or row

    async def import_files(self, job_id: str) -> list[FileOutcome]:
        """Every source file of an import job and what became of it, in words."""
        from vvdesk.api.ids import in_path
        from vvdesk.api.rows import all_pages

        jobs_api, jid = self._s.client.import_jobs, in_path(job_id)

        async def page(cursor: str | None) -> tuple[list[FileOutcome], str | None]:
            got = await jobs_api.files(jid, cursor=cursor)
            return [FileOutcome.from_record(f.file_name, f.status, f.failure, f.skip_reason)
                    for f in got.items], got.next_cursor

        files, _cut_short = await all_pages(page, "imported file")
        return files

    def retry_all(self, states: frozenset[TState] = RETRY_ALL) -> None:
        self.retry(*self.queue.ids_in(states))

    def clear_finished(self) -> None:
        gone = self.queue.clear_finished()
        if gone:
            self.removed.emit(gone)
        self._flush()

    def set_limit(self, limit: int) -> None:
        self.queue.limit = max(1, limit)
        self._start_next()

    # machinery -------------------------------------------------------------------
    def _fail(self, action: str) -> Callable[[ApiProblem], None]:
        return self._s.reporter(self.failed, action)

    def _changed(self, rows: list[Transfer] | Transfer | None) -> None:
        """Say what changed (one signal), write it to the journal, say when idle."""
        if rows is None:
            return
        if isinstance(rows, Transfer):
            self.changed.emit(rows)
        elif len(rows) == 1:
            self.changed.emit(rows[0])
        elif rows:
            self.changed_many.emit(rows)
        else:
            return
        if self.queue.has_unwritten:
            self._flush()
        if (settled := self.queue.settled()) is not None:
            self.drained.emit(*settled)

    def _flush(self) -> None:
        """One writer for the journal, so rows are written in order."""
        if self.queue.has_unwritten:
            self._s.jobs.run(JOURNAL_JOB, self._write_pending(), replace=False,
                             on_error=self._fail("Saving the transfer queue"))

    async def _write_once(self) -> None:
        rows, removed = self.queue.take_unwritten()
        try:
            if rows:
                await self._store.save(rows)
            if removed:
                await self._store.delete(removed)
        except BaseException:
            self.queue.not_written(rows, removed)  # the next write takes them again
            raise

    async def _write_pending(self) -> None:
        """Write until nothing is left; a failed write is said once and tried again."""
        wait = JOURNAL_RETRY_FIRST_S
        while self.queue.has_unwritten:
            try:
                await self._write_once()
            except (OSError, sqlite3.Error, ValueError) as exc:
                if not self._journal_trouble:
                    self._journal_trouble = True
                    self.failed.emit("Saving the transfer queue", journal_problem(exc))
                await asyncio.sleep(wait)
                wait = min(wait * 2, JOURNAL_RETRY_MAX_S)
                continue
            wait = JOURNAL_RETRY_FIRST_S
            self._journal_trouble = False

    def _run_job(self, transfer_id: str, work: Callable[[], Awaitable[None]]) -> None:
        """Run work() as this transfer's job; made inside it, so a job cancelled before it
        ever ran leaves no coroutine behind unawaited."""

        async def guarded() -> None:
            try:
                await work()
            except LocalFailure as exc:
                self._changed(self.queue.fail(transfer_id, str(exc),
                                              import_failed=isinstance(exc, ImportFailed)))
                self._start_next()

        self._s.jobs.run(f"transfer:{transfer_id}", guarded(),
                         on_error=lambda p: self._failed(transfer_id, p))

    def _start_next(self) -> None:
        """Start queued uploads, oldest first, up to the limit (never walks finished rows)."""
        for t in self.queue.start_next():
            self._changed(t)
            self._run_job(t.transfer_id, partial(self._upload, t.transfer_id))
        if self.queue.count(UPLOADING) and not self._timer.isActive():
            self._timer.start()

    async def _upload(self, transfer_id: str) -> None:
        from vvdesk.api.upload import open_progress_file

        t = self.queue.get(transfer_id)
        if t is None:
            return
        try:
            f = await open_progress_file(t.path)
        except OSError as exc:
            why = "no longer exists" if isinstance(exc, FileNotFoundError) else (
                f"cannot be read ({exc.strerror or exc})")
            raise LocalFailure(f"The file {why}.") from exc
        live = self._live[transfer_id] = _Live(f)
        live.meter.sample(0)  # the start is the first sample: the first tick has a rate
        try:
            self._changed(self.queue.sized(transfer_id, f.size, f.mtime_ns))
            job = await self._pump.upload(f, t.title, t.index_id, t.idem_key)
            self._changed(self.queue.uploaded(transfer_id, job.job_id))
        finally:
            if self._live.get(transfer_id) is live:
                del self._live[transfer_id]
            self._start_next()  # the slot is free once the row has left UPLOADING
            await asyncio.to_thread(f.close)
        await self._poll(transfer_id, job)

    async def _poll(self, transfer_id: str, job: ImportJob | None = None) -> None:
        """Poll the import job to a terminal state, then page its outputs for video ids."""
        from vvdesk.api.ids import in_path

        t = self.queue.get(transfer_id)
        if t is None or t.state is not TState.IMPORTING:
            return
        if t.is_import:
            await self._poll_import(transfer_id, job)
            return
        if not t.job_id:
            raise LocalFailure("The server gave no import job for this upload. Retry it.")
        jobs_api, job_id = self._s.client.import_jobs, in_path(t.job_id)
        wait = POLL_FIRST_S
        while job is None or not import_job_is_terminal(job.status):
            if job is not None:
                await asyncio.sleep(wait)
                wait = min(wait * 1.5, POLL_MAX_S)
            job = await jobs_api.retrieve(job_id)
        status = (job.status or "").lower()
        if status == "failed":
            raise ImportFailed(f"Import failed on the server: "
                               f"{job.error_message or 'no reason given'}.")
        if status == "cancelled":
            self._changed(self.queue.import_cancelled(transfer_id))
            return
        from vvdesk.api.rows import all_pages

        async def outputs(cursor: str | None) -> tuple[list[str], str | None]:
            page = await jobs_api.outputs(job_id, cursor=cursor)
            return [o.video_id for o in page.items if o.video_id], page.next_cursor

        ids, _cut_short = await all_pages(outputs, "import output")  # ids so far are enough
        done = self.queue.imported(transfer_id, ids or job.video_ids)
        self._changed(done)
        if done is not None:
            self.finished.emit(done)

    # connector imports ---------------------------------------------------------------
    async def _video_ids(self, job_id: str) -> list[str]:
        """The media an import job has made so far (its completed outputs)."""
        from vvdesk.api.rows import all_pages

        jobs_api = self._s.client.import_jobs

        async def outputs(cursor: str | None) -> tuple[list[str], str | None]:
            page = await jobs_api.outputs(job_id, cursor=cursor)
            return [o.video_id for o in page.items
                    if o.video_id and (o.status or "").lower() in ("completed", "ready")
                    ], page.next_cursor

        ids, _cut_short = await all_pages(outputs, "import output")
        return ids

    async def _poll_import(self, transfer_id: str, job: ImportJob | None) -> None:
        """Follow a connector import: its per-file counts as they move, then its end."""
        from vvdesk.api.ids import in_path

        t = self.queue.get(transfer_id)
        assert t is not None and t.job_id
        jobs_api, job_id = self._s.client.import_jobs, in_path(t.job_id)
        wait = POLL_FIRST_S
        while True:
            if job is None:
                job = await jobs_api.retrieve(job_id)
            p = job.progress
            self._changed(self.queue.import_progress(transfer_id, FileCounts(
                p.total_files, p.imported, p.failed, p.skipped, p.bytes_transferred)))
            if import_job_is_terminal(job.status):
                break
            await asyncio.sleep(wait)
            wait = min(wait * 1.5, POLL_MAX_S)
            job = None
        status = (job.status or "").lower()
        if status == "cancelled":
            ended = self.queue.import_cancelled(transfer_id)
            self._changed(ended)
        else:
            ids = await self._video_ids(job_id) if job.progress.imported else []
            before = set(t.video_ids)
            if status == "failed" or job.progress.failed:
                p = job.progress
                ended = self.queue.import_failed(transfer_id, failed_text(
                    FileCounts(p.total_files, p.imported, p.failed, p.skipped),
                    job.error_message), ids)
            else:
                ended = self.queue.imported(transfer_id, ids)
            self._changed(ended)
            if ended is not None and ids:
                await self._run_prompt(ended, [i for i in ids if i not in before])
                ended = self.queue.get(transfer_id) or ended
        if ended is not None:
            self.import_ended.emit(ended)

    async def _run_prompt(self, t: Transfer, new_ids: list[str]) -> None:
        """Run the import's prompt on what it brought in (once; after a retry, on the media
        the retry added). A failure is said and leaves the import as it is."""
        from vvdesk.api.errors import describe
        from vvdesk.api.ids import in_path

        src = t.source
        if src is None or not src.prompt_id or not new_ids:
            return
        try:
            if t.run_id is None:
                answer = await self._s.client.workflow.process(
                    prompt_id=src.prompt_id, import_job_id=in_path(t.job_id or ""))
            else:
                answer = await self._s.client.workflow.process(
                    prompt_id=src.prompt_id, video_ids=new_ids)
        except Exception as exc:  # said in words; the import itself went well
            problem = describe(exc)
            self._s.note_problem(problem)
            self.failed.emit(f"Running “{src.prompt_name}” on the imported files", problem)
            return
        self._changed(self.queue.prompt_started(t.transfer_id, answer.run.run_id))

    async def _retry_import(self, transfer_id: str) -> None:
        """The server takes up the failed files (and what a cancel left) of the same job;
        a job that is still running or went well (the row failed on this side, e.g. the
        connection broke while following it) is only followed again."""
        from vvdesk.api.ids import in_path

        t = self.queue.get(transfer_id)
        if t is None or not t.job_id:
            return
        jobs_api, job_id = self._s.client.import_jobs, in_path(t.job_id)
        job = await jobs_api.retrieve(job_id)
        if (job.status or "").lower() in ("failed", "cancelled") or (
                import_job_is_terminal(job.status) and job.progress.failed):
            job = await jobs_api.retry(job_id)
        await self._poll(transfer_id, job)

    def _failed(self, transfer_id: str, problem: ApiProblem) -> None:
        self._s.note_problem(problem)
        self._changed(self.queue.fail(transfer_id, str(problem)))
        self._start_next()

    def _tick(self) -> None:
        now = time.monotonic()
        moved: list[Transfer] = []
        for tid, live in list(self._live.items()):
            f, t = live.file, self.queue.get(tid)
            if t is None or t.state not in UPLOADING:
                continue
            sent = min(f.sent, f.size)
            rate = live.meter.sample(sent, now) if sent < f.size else 0.0
            # all bytes out and no answer yet is the server's turn, not a stall
            stalled = sent < f.size and now - f.last_progress > self.stall_after
            eta = live.meter.eta(sent, t.size) if sent < f.size else None
            if (row := self.queue.progress(tid, sent, rate, eta, stalled=stalled)) is not None:
                moved.append(row)
        for row in moved:  # one row per signal: the view repaints only those cells
            self._changed(row)
        if not self._live and not self.queue.count(UPLOADING):
            self._timer.stop()


__all__ = ["PENDING", "LocalFailure", "TransferService"]

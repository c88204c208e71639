"""The upload queue's state, as one state machine with no Qt and no SDK in it.

Every row, its state, the per-state counts, the order queued uploads start in, how many
upload slots are taken, which rows the journal still has to write and what settled since
the queue was last idle: all of it lives here and changes only through the transitions
below, each of which returns the rows it changed (for one signal) or nothing when the
transition does not apply. `TransferService` does the I/O around it (files, SDK, journal,
timer); models and widgets read the counts from here, so there is one source of them.

    QUEUED ─start─▶ UPLOADING ⇄ STALLED ─uploaded─▶ IMPORTING ─imported─▶ DONE
       ▲                 │            │                 │
       └──── retry ── FAILED ◀── fail ┴─────────────────┘      any unfinished ─cancel─▶ CANCELLED
       └──── retry ── INTERRUPTED ◀── restored after a restart mid-upload

A one-time import from a storage connector is a row too (`Transfer.source` set): it enters
IMPORTING once the server has the job, ends DONE, FAILED (some files could not be imported:
a retry takes up the same job again, IMPORTING) or CANCELLED, and never holds an upload slot.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from itertools import islice
from pathlib import Path
from typing import Any

from vvdesk.connector_import import FileCounts, ImportSource
from vvdesk.format import human_eta, human_size
from vvdesk.fsnames import readable


class TState(StrEnum):
    QUEUED = "queued"
    UPLOADING = "uploading"
    STALLED = "stalled"
    IMPORTING = "importing"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"


ACTIVE = frozenset({TState.UPLOADING, TState.STALLED, TState.IMPORTING})
RETRYABLE = frozenset({TState.FAILED, TState.CANCELLED, TState.INTERRUPTED})
FINISHED = frozenset({TState.DONE, TState.CANCELLED})
PENDING = ACTIVE | {TState.QUEUED}  # not settled yet: the queue is busy while any is
SENDING = PENDING - {TState.IMPORTING}  # bytes still to go
UPLOADING = SENDING - {TState.QUEUED}  # holding an upload slot
RETRY_ALL = RETRYABLE - {TState.CANCELLED}  # what "Retry/resume all" takes up again

ALL_SENT = frozenset({TState.IMPORTING, TState.DONE})  # every byte went out
# The summary line names the states in this order: what is under way, then what settled.
SUMMARY_ORDER = (TState.UPLOADING, TState.STALLED, TState.QUEUED, TState.IMPORTING,
                 TState.DONE, TState.FAILED, TState.CANCELLED, TState.INTERRUPTED)

INTERRUPTED_TEXT = "The app was closed before this upload finished."
IMPORT_CANCELLED_TEXT = "The import was cancelled."


@dataclass(frozen=True)
class Transfer:
    """What the queue shows for one file; immutable so models can hold it safely.

    `path` is exact (it may hold undecodable bytes, see vvdesk.fsnames); `name`, `shown_path`
    and `title` are readable text."""

    transfer_id: str
    profile: str
    path: str
    size: int
    index_id: str | None  # None = playground
    index_name: str
    title: str
    idem_key: str  # one per logical upload, reused on every retry
    state: TState = TState.QUEUED
    sent: int = 0
    rate: float = 0.0  # bytes per second
    eta: float | None = None  # seconds
    job_id: str | None = None
    video_ids: tuple[str, ...] = ()
    error: str = ""
    created_at: float = field(default_factory=time.time)
    mtime_ns: int | None = None  # the file's mtime as uploaded: is it still the same file?
    source: ImportSource | None = None  # set: a one-time import from a connector
    files: FileCounts | None = None  # an import's files so far
    run_id: str | None = None  # the prompt run started on what an import brought in

    @property
    def is_import(self) -> bool:
        return self.source is not None

    @property
    def name(self) -> str:
        if self.source is not None:
            return f"Import from {self.source.connector_name}: {self.source.folder}"
        return readable(Path(self.path).name)

    @property
    def shown_path(self) -> str:
        if self.source is not None:
            return self.source.describe()
        return readable(self.path)

    def with_(self, **changes: Any) -> Transfer:
        return replace(self, **changes)

    @classmethod
    def new(cls, profile: str, path: str, size: int, index_id: str | None,
            index_name: str) -> Transfer:
        tid = uuid.uuid4().hex
        return cls(tid, profile, path, size, index_id, index_name,
                   title=readable(Path(path).name)[:255], idem_key=f"vvdesk-upload:{tid}")

    @classmethod
    def new_import(cls, profile: str, source: ImportSource, index_id: str, index_name: str,
                   job_id: str) -> Transfer:
        """The row of a connector import the server has accepted as job `job_id`."""
        tid = uuid.uuid4().hex
        return cls(tid, profile, source.prefix, 0, index_id, index_name,
                   title=f"Import from {source.connector_name}: {source.folder}"[:255],
                   idem_key=f"vvdesk-import:{tid}", state=TState.IMPORTING, job_id=job_id,
                   source=source, files=FileCounts())


def _journal_fields(t: Transfer) -> tuple[object, ...]:
    """What changes make the journal write a row (progress and rates alone do not; the
    bytes sent are written with the row, as they are when its state changes)."""
    return t.state, t.job_id, t.video_ids, t.error, t.size, t.files, t.run_id


@dataclass(frozen=True)
class Restored:
    """What a restart brings back: every row as it now is, and the imports to poll again."""

    rows: list[Transfer]
    to_poll: list[str]


class TransferQueue:
    """All state of the upload queue for one profile (see the module docstring)."""

    def __init__(self, limit: int = 2) -> None:
        self.limit = max(1, limit)
        self._rows: dict[str, Transfer] = {}
        # state → ids in the order they entered it: counts, queued order, slots taken
        self._ids: dict[TState, dict[str, None]] = {s: {} for s in TState}
        self._unwritten: dict[str, None] = {}  # rows the journal must (re)write
        self._removed: dict[str, None] = {}  # rows the journal must delete
        self._settled = {TState.DONE: 0, TState.FAILED: 0}  # since the queue was last idle

    # queries ---------------------------------------------------------------------
    def get(self, transfer_id: str) -> Transfer | None:
        return self._rows.get(transfer_id)

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[Transfer]:
        return iter(self._rows.values())

    def transfers(self) -> list[Transfer]:
        return sorted(self._rows.values(), key=lambda t: t.created_at)

    @property
    def counts(self) -> Mapping[TState, int]:
        """Rows per state (a live view; never walks the rows)."""
        return _Counts(self._ids)

    def count(self, states: Iterable[TState]) -> int:
        return sum(len(self._ids[s]) for s in states)

    def queued_ids(self) -> list[str]:
        """QUEUED rows in the order they will start (queued first, first out)."""
        return list(self._ids[TState.QUEUED])

    def ids_in(self, states: Iterable[TState]) -> list[str]:
        return [tid for s in states for tid in self._ids[s]]

    @property
    def free_slots(self) -> int:
        return max(0, self.limit - self.count(UPLOADING))

    @property
    def busy(self) -> bool:
        return self.count(PENDING) > 0

    def totals(self, states: Iterable[TState]) -> tuple[int, int, float]:
        """Over the rows in these states: bytes sent, bytes in all, summed rate (B/s)."""
        sent = size = 0
        rate = 0.0
        for s in states:
            for tid in self._ids[s]:
                t = self._rows[tid]
                sent, size, rate = sent + min(t.sent, t.size), size + t.size, rate + t.rate
        return sent, size, rate

    def summary(self) -> str:
        """The queue in one line: how many rows are in each state, the bytes still to go
        and when they will be, e.g. "1 uploading · 2 queued · 800.0 MB of 3.0 GB · about
        22 s left · 4 done · 1 failed". Read from the per-state counts (never the rows,
        except the bytes of the ones still sending)."""
        counts = self.counts
        parts = [f"{counts[s]} {s.value}" for s in SUMMARY_ORDER if s in PENDING and counts[s]]
        if not parts:
            parts.append("idle")
        if self.count(SENDING):
            sent, size, rate = self.totals(SENDING)
            parts.append(f"{human_size(sent)} of {human_size(size)}")
            if rate > 0:
                parts.append(f"about {human_eta((size - sent) / rate)} left")
        parts += [f"{counts[s]} {s.value}" for s in SUMMARY_ORDER
                  if s not in PENDING and counts[s]]
        if counts[TState.INTERRUPTED]:
            parts[-1] += " — Retry/resume all to continue"
        return " · ".join(parts)

    def pending_paths(self, index_id: str | None) -> list[str]:
        """Paths already waiting for this index (a second drop of them is skipped)."""
        return [t.path for t in self._rows.values()
                if t.index_id == index_id and t.state not in FINISHED and t.source is None]

    # the one place rows change -----------------------------------------------------
    def _put(self, new: Transfer, *, write: bool = True) -> Transfer:
        old = self._rows.get(new.transfer_id)
        self._rows[new.transfer_id] = new
        if old is None or old.state is not new.state:
            if old is not None:
                del self._ids[old.state][new.transfer_id]
                if new.state in self._settled and new.source is None:  # uploads only
                    self._settled[new.state] += 1
            self._ids[new.state][new.transfer_id] = None
        if write and (old is None or _journal_fields(old) != _journal_fields(new)):
            self._unwritten[new.transfer_id] = None
        return new

    def _change(self, transfer_id: str, allowed: frozenset[TState] | set[TState],
                **changes: Any) -> Transfer | None:
        t = self._rows.get(transfer_id)
        if t is None or t.state not in allowed:
            return None
        return self._put(t.with_(**changes))

    # transitions -------------------------------------------------------------------
    def restore(self, rows: Iterable[Transfer]) -> Restored:
        """Rows read back from the journal after a restart: an upload cut off mid-way (or
        an import whose job id never reached the journal) becomes INTERRUPTED; imports
        with a job id are polled again."""
        out: list[Transfer] = []
        to_poll: list[str] = []
        for t in rows:
            if t.state in ALL_SENT and t.sent != t.size:  # its totals, not "0 B / 400 KB"
                t = t.with_(sent=t.size)
            self._put(t, write=False)  # as the journal has it: nothing to write
            if t.state in SENDING or (t.state is TState.IMPORTING and not t.job_id):
                t = self._put(t.with_(state=TState.INTERRUPTED, sent=0, rate=0.0, eta=None,
                                      error=INTERRUPTED_TEXT))
            elif t.state is TState.IMPORTING:
                to_poll.append(t.transfer_id)
            out.append(t)
        self._settled = {TState.DONE: 0, TState.FAILED: 0}
        return Restored(out, to_poll)

    def add(self, transfers: Iterable[Transfer]) -> list[Transfer]:
        """New rows, QUEUED, behind everything queued before them."""
        return [self._put(t if t.state is TState.QUEUED else t.with_(state=TState.QUEUED))
                for t in transfers if t.transfer_id not in self._rows]

    def add_import(self, transfer: Transfer) -> Transfer | None:
        """A connector import the server accepted: IMPORTING from the start."""
        if transfer.transfer_id in self._rows or transfer.source is None:
            return None
        return self._put(transfer.with_(state=TState.IMPORTING))

    def import_progress(self, transfer_id: str, files: FileCounts) -> Transfer | None:
        """An import's per-file counts as the server last said (None: nothing new)."""
        t = self._rows.get(transfer_id)
        if t is None or t.source is None or t.files == files:
            return None
        return self._put(t.with_(files=files, sent=files.bytes, size=files.bytes))

    def prompt_started(self, transfer_id: str, run_id: str) -> Transfer | None:
        """The prompt chosen for an import now runs on what it brought in."""
        return self._change(transfer_id, frozenset(TState), run_id=run_id)

    def start_next(self) -> list[Transfer]:
        """Move the oldest QUEUED rows to UPLOADING, as many as free slots allow."""
        n = self.free_slots
        if n == 0:
            return []
        ids = list(islice(self._ids[TState.QUEUED], n))
        return [self._put(self._rows[tid].with_(state=TState.UPLOADING, sent=0, rate=0.0,
                                                eta=None, error="")) for tid in ids]

    def sized(self, transfer_id: str, size: int, mtime_ns: int | None = None) -> Transfer | None:
        """The file's size (and mtime) as opened (it may have changed since the drop)."""
        return self._change(transfer_id, UPLOADING, size=size, mtime_ns=mtime_ns)

    def progress(self, transfer_id: str, sent: int, rate: float, eta: float | None, *,
                 stalled: bool) -> Transfer | None:
        """A progress reading; None when it changes nothing worth showing."""
        t = self._rows.get(transfer_id)
        if t is None or t.state not in UPLOADING:
            return None
        state = TState.STALLED if stalled else TState.UPLOADING
        if (sent, state) == (t.sent, t.state) and abs(rate - t.rate) <= 1:
            return None
        return self._put(t.with_(sent=sent, rate=rate, eta=eta, state=state))

    def uploaded(self, transfer_id: str, job_id: str) -> Transfer | None:
        """All bytes accepted: the server imports it as job `job_id`."""
        t = self._rows.get(transfer_id)
        if t is None or t.state not in UPLOADING:
            return None
        return self._put(t.with_(state=TState.IMPORTING, sent=t.size, rate=0.0, eta=None,
                                 job_id=job_id))

    def imported(self, transfer_id: str, video_ids: Iterable[str]) -> Transfer | None:
        return self._change(transfer_id, {TState.IMPORTING}, state=TState.DONE,
                            video_ids=tuple(video_ids), error="")

    def import_failed(self, transfer_id: str, error: str, video_ids: Iterable[str]
                      ) -> Transfer | None:
        """A connector import ended with files it could not import: FAILED, keeping its
        job (a retry takes up the failed files) and the media it did make."""
        return self._change(transfer_id, {TState.IMPORTING}, state=TState.FAILED, rate=0.0,
                            eta=None, error=error, video_ids=tuple(video_ids))

    def import_cancelled(self, transfer_id: str) -> Transfer | None:
        return self._change(transfer_id, {TState.IMPORTING}, state=TState.CANCELLED,
                            error=IMPORT_CANCELLED_TEXT)

    def fail(self, transfer_id: str, error: str, *, import_failed: bool = False
             ) -> Transfer | None:
        """An unfinished row failed. After a failed import a retry uploads again (the
        failed job is forgotten); after anything else it keeps what it had."""
        t = self._rows.get(transfer_id)
        if t is None or t.state not in PENDING:
            return None
        return self._put(t.with_(state=TState.FAILED, rate=0.0, eta=None, error=error,
                                 job_id=None if import_failed else t.job_id))

    def cancel(self, transfer_ids: Iterable[str]) -> list[Transfer]:
        """Cancel each of these that is not finished yet; the rows it changed."""
        out = []
        for tid in dict.fromkeys(transfer_ids):
            t = self._change(tid, frozenset(TState) - FINISHED, state=TState.CANCELLED,
                             rate=0.0, eta=None, error="")
            if t is not None:
                out.append(t)
        return out

    def retry(self, transfer_ids: Iterable[str]) -> list[Transfer]:
        """Queue these again, at the back, with the same Idempotency-Key each; a connector
        import with a job goes back to IMPORTING (the server retries that same job)."""
        out = []
        for tid in dict.fromkeys(transfer_ids):
            was = self._rows.get(tid)
            if was is not None and was.source is not None and was.job_id:
                t = self._change(tid, RETRYABLE, state=TState.IMPORTING, error="")
            else:
                t = self._change(tid, RETRYABLE, state=TState.QUEUED, sent=0, rate=0.0,
                                 eta=None, error="")
            if t is not None:
                out.append(t)
        return out

    def clear_finished(self) -> list[str]:
        """Forget DONE and CANCELLED rows; their ids."""
        gone = self.ids_in(FINISHED)
        for tid in gone:
            t = self._rows.pop(tid)
            del self._ids[t.state][tid]
            self._unwritten.pop(tid, None)
            self._removed[tid] = None
        return gone

    def settled(self) -> tuple[int, int] | None:
        """Once the queue has gone idle: (uploads done, failed) since it last was, once."""
        if self.busy:
            return None
        done, failed = self._settled[TState.DONE], self._settled[TState.FAILED]
        if not (done or failed):
            return None
        self._settled = {TState.DONE: 0, TState.FAILED: 0}
        return done, failed

    # the journal -------------------------------------------------------------------
    @property
    def has_unwritten(self) -> bool:
        return bool(self._unwritten or self._removed)

    def take_unwritten(self) -> tuple[list[Transfer], list[str]]:
        """Rows to write and ids to delete, in the order they changed; they count as
        written until `not_written` gives them back."""
        rows = [self._rows[tid] for tid in self._unwritten]
        removed = list(self._removed)
        self._unwritten, self._removed = {}, {}
        return rows, removed

    def not_written(self, rows: Iterable[Transfer], removed: Iterable[str]) -> None:
        """A journal write failed: write these again next time (as they are by then)."""
        for t in rows:
            if t.transfer_id in self._rows:
                self._unwritten[t.transfer_id] = None
        for tid in removed:
            self._removed[tid] = None


class _Counts(Mapping[TState, int]):
    """Read-only rows-per-state view; unknown keys count 0 (like a Counter)."""

    def __init__(self, ids: dict[TState, dict[str, None]]) -> None:
        self._ids = ids

    def __getitem__(self, state: TState) -> int:
        ids = self._ids.get(state)
        return 0 if ids is None else len(ids)

    def __iter__(self) -> Iterator[TState]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

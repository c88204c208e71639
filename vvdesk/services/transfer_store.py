"""One upload in the transfer queue, and its row in the on-disk journal (table `transfers`).

The journal is what makes the queue survive a restart: state changes are written (not
byte counts), so after a crash unfinished uploads come back "interrupted" and import jobs
that were running are polled again.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from vvdesk.services.journal import Journal


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
RETRY_ALL = RETRYABLE - {TState.CANCELLED}  # what "Retry/resume all" takes up again


@dataclass(frozen=True)
class Transfer:
    """What the queue shows for one file; immutable so models can hold it safely."""

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

    @property
    def name(self) -> str:
        return Path(self.path).name

    def with_(self, **changes: Any) -> Transfer:
        return replace(self, **changes)

    @classmethod
    def new(cls, profile: str, path: str, size: int, index_id: str | None,
            index_name: str) -> Transfer:
        tid = uuid.uuid4().hex
        return cls(tid, profile, path, size, index_id, index_name, title=Path(path).name[:255],
                   idem_key=f"vvdesk-upload:{tid}")


DDL = """
CREATE TABLE IF NOT EXISTS transfers (
    transfer_id TEXT PRIMARY KEY,
    profile TEXT NOT NULL,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    index_id TEXT,
    index_name TEXT NOT NULL,
    title TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    state TEXT NOT NULL,
    job_id TEXT,
    video_ids TEXT NOT NULL DEFAULT '[]',
    error TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS transfers_profile ON transfers(profile, created_at);
"""
COLS = ("transfer_id", "profile", "path", "size", "index_id", "index_name", "title",
        "idem_key", "state", "job_id", "video_ids", "error", "created_at")


class TransferStore:
    """The `transfers` table of the shared journal, for one profile."""

    def __init__(self, journal: Journal, profile: str) -> None:
        self._j = journal
        self.profile = profile
        self._ready = False

    async def _ensure(self) -> None:
        if not self._ready:
            await self._j.ensure(DDL)
            self._ready = True

    async def load(self) -> list[Transfer]:
        await self._ensure()
        rows = await self._j.execute(
            "SELECT * FROM transfers WHERE profile = ? ORDER BY created_at", (self.profile,))
        out = []
        for r in rows:
            try:
                state = TState(r["state"])
            except ValueError:
                state = TState.INTERRUPTED
            out.append(Transfer(
                r["transfer_id"], r["profile"], r["path"], r["size"], r["index_id"],
                r["index_name"], r["title"], r["idem_key"], state, job_id=r["job_id"],
                video_ids=tuple(json.loads(r["video_ids"] or "[]")), error=r["error"],
                created_at=r["created_at"]))
        return out

    async def save(self, transfers: list[Transfer]) -> None:
        await self._ensure()
        rows = [(t.transfer_id, t.profile, t.path, t.size, t.index_id, t.index_name, t.title,
                 t.idem_key, t.state.value, t.job_id, json.dumps(list(t.video_ids)), t.error,
                 t.created_at) for t in transfers]
        marks = ",".join("?" * len(COLS))
        await self._j.execute_many(
            f"INSERT OR REPLACE INTO transfers ({','.join(COLS)}) VALUES ({marks})", rows)

    async def delete(self, ids: list[str]) -> None:
        await self._ensure()
        await self._j.execute_many("DELETE FROM transfers WHERE transfer_id = ?",
                                   [(i,) for i in ids])

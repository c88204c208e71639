"""The transfer queue's rows in the on-disk journal (table `transfers`).

The journal is what makes the queue survive a restart: state changes are written (with the
bytes sent at that moment, not every progress tick), so after a crash unfinished uploads
come back "interrupted", import jobs that were running are polled again, and finished rows
keep their totals.
"""

from __future__ import annotations

import json
from typing import Any

from vvdesk.connector_import import FileCounts, ImportSource
from vvdesk.fsnames import from_journal, readable, to_journal
from vvdesk.services.journal import Journal
from vvdesk.transfer_queue import Transfer, TState

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
    created_at REAL NOT NULL,
    sent INTEGER,
    import_source TEXT,
    import_files TEXT,
    run_id TEXT
);
CREATE INDEX IF NOT EXISTS transfers_profile ON transfers(profile, created_at);
CREATE TABLE IF NOT EXISTS local_originals (
    profile TEXT NOT NULL,
    video_id TEXT NOT NULL,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    PRIMARY KEY (profile, video_id)
);
"""
COLS = ("transfer_id", "profile", "path", "size", "index_id", "index_name", "title",
        "idem_key", "state", "job_id", "video_ids", "error", "created_at", "sent",
        "import_source", "import_files", "run_id")
# columns added after journals were first written: (name, type), added when missing
ADDED_COLUMNS = (("sent", "INTEGER"), ("import_source", "TEXT"), ("import_files", "TEXT"),
                 ("run_id", "TEXT"))


def _json_or_none(value: str | None) -> dict[str, Any] | None:
    if not value:
        return None
    try:
        data = json.loads(value)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


class TransferStore:
    """The `transfers` table of the shared journal, for one profile."""

    def __init__(self, journal: Journal, profile: str) -> None:
        self._j = journal
        self.profile = profile
        self._ready = False

    async def _ensure(self) -> None:
        if not self._ready:
            await self._j.ensure(DDL)
            have = {r["name"] for r in await self._j.execute("PRAGMA table_info(transfers)")}
            for name, kind in ADDED_COLUMNS:
                if name not in have:
                    await self._j.execute(f"ALTER TABLE transfers ADD COLUMN {name} {kind}")
            self._ready = True

    async def load(self) -> list[Transfer]:
        await self._ensure()
        rows = await self._j.execute(
            "SELECT * FROM transfers WHERE profile = ? ORDER BY created_at", (self.profile,))
        out = []
        for r in rows:  # path: TEXT, or the OS's exact bytes as a BLOB (see vvdesk.fsnames)
            try:
                state = TState(r["state"])
            except ValueError:
                state = TState.INTERRUPTED
            out.append(Transfer(
                r["transfer_id"], r["profile"], from_journal(r["path"]), r["size"],
                r["index_id"], r["index_name"], r["title"], r["idem_key"], state,
                job_id=r["job_id"],
                video_ids=tuple(json.loads(r["video_ids"] or "[]")), error=r["error"],
                created_at=r["created_at"], sent=r["sent"] or 0,
                source=ImportSource.from_json(src) if (src := _json_or_none(
                    r["import_source"])) else None,
                files=FileCounts.from_json(counts) if (counts := _json_or_none(
                    r["import_files"])) else None,
                run_id=r["run_id"]))
        return out

    async def save(self, transfers: list[Transfer]) -> None:
        await self._ensure()
        rows = [(t.transfer_id, t.profile, to_journal(t.path), t.size, t.index_id,
                 readable(t.index_name), readable(t.title), t.idem_key, t.state.value, t.job_id,
                 json.dumps(list(t.video_ids)), readable(t.error), t.created_at, t.sent,
                 json.dumps(t.source.to_json()) if t.source else None,
                 json.dumps(t.files.to_json()) if t.files else None, t.run_id)
                for t in transfers]
        marks = ",".join("?" * len(COLS))
        await self._j.execute_many(
            f"INSERT OR REPLACE INTO transfers ({','.join(COLS)}) VALUES ({marks})", rows)
        # files this machine uploaded: the preview plays them from disk while unchanged
        # (kept apart from the queue's rows, which "Clear finished" forgets)
        originals = [(t.profile, vid, to_journal(t.path), t.size, t.mtime_ns)
                     for t in transfers if t.state is TState.DONE and t.mtime_ns is not None
                     for vid in t.video_ids]
        if originals:
            await self._j.execute_many(
                "INSERT OR REPLACE INTO local_originals (profile, video_id, path, size, "
                "mtime_ns) VALUES (?, ?, ?, ?, ?)", originals)

    async def local_original(self, video_id: str) -> tuple[str, int, int] | None:
        """(path, size, mtime_ns) of the file this machine uploaded as `video_id`, if any."""
        await self._ensure()
        rows = await self._j.execute(
            "SELECT path, size, mtime_ns FROM local_originals WHERE profile = ? AND video_id = ?",
            (self.profile, video_id))
        if not rows:
            return None
        return from_journal(rows[0]["path"]), rows[0]["size"], rows[0]["mtime_ns"]

    async def delete(self, ids: list[str]) -> None:
        await self._ensure()
        await self._j.execute_many("DELETE FROM transfers WHERE transfer_id = ?",
                                   [(i,) for i in ids])

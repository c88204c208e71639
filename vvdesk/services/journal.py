"""The app's on-disk journal (SQLite in the user data dir): what must survive a restart.

Uploads in flight, tracked exports and similar state live here, one table per feature,
each row tagged with the profile it belongs to. Every call runs in a worker thread
(SQLite calls block), serialised by one lock; WAL keeps a killed app's journal consistent.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any


def default_journal_path() -> Path:
    if root := os.environ.get("VVDESK_DATA_DIR"):
        return Path(root) / "journal.sqlite3"
    import platformdirs

    return Path(platformdirs.user_data_dir("vvdesk", appauthor=False)) / "journal.sqlite3"


class Journal:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._db = db
        return self._db

    def _run(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn().execute(sql, params).fetchall()

    def _run_script(self, script: str) -> None:
        with self._lock:
            self._conn().executescript(script)

    def _run_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self._lock:
            db = self._conn()
            db.execute("BEGIN")
            try:
                db.executemany(sql, rows)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    async def ensure(self, ddl: str) -> None:
        """Create a feature's tables (CREATE TABLE IF NOT EXISTS ...; several statements ok)."""
        await asyncio.to_thread(self._run_script, ddl)

    async def execute(self, sql: str,
                      params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        return await asyncio.to_thread(self._run, sql, params)

    async def execute_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await asyncio.to_thread(self._run_many, sql, list(rows))

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

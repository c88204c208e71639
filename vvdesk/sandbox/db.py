"""SQLite persistence: one generic document table plus receipts and settings.

Every resource is a JSON document keyed by ``(kind, id)``. A few columns are
lifted out of the document so listings (``parent``/``parent2``), keyset paging
(``seq``) and the simulation worker (``next_at``) can query them. Keys starting
with ``_`` inside a document are internal and never sent to clients.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    parent TEXT,
    parent2 TEXT,
    next_at REAL,
    hidden INTEGER NOT NULL DEFAULT 0,
    doc TEXT NOT NULL,
    UNIQUE(kind, id)
);
CREATE INDEX IF NOT EXISTS docs_parent ON docs(kind, parent, seq);
CREATE INDEX IF NOT EXISTS docs_parent2 ON docs(kind, parent2, seq);
CREATE INDEX IF NOT EXISTS docs_due ON docs(next_at);
CREATE TABLE IF NOT EXISTS receipts (
    scope TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

_UNSET: Any = object()


@dataclass
class Row:
    """One stored document and its lifted columns."""

    seq: int
    kind: str
    id: str
    parent: str | None
    parent2: str | None
    next_at: float | None
    hidden: bool
    doc: dict[str, Any]


class Store:
    """Thin synchronous wrapper; the server runs on one event loop, so no locking."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(SCHEMA)

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several writes atomically."""
        self.conn.execute("BEGIN")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @staticmethod
    def _row(raw: sqlite3.Row) -> Row:
        return Row(
            seq=raw["seq"],
            kind=raw["kind"],
            id=raw["id"],
            parent=raw["parent"],
            parent2=raw["parent2"],
            next_at=raw["next_at"],
            hidden=bool(raw["hidden"]),
            doc=json.loads(raw["doc"]),
        )

    def insert(
        self,
        kind: str,
        doc_id: str,
        doc: dict[str, Any],
        *,
        parent: str | None = None,
        parent2: str | None = None,
        next_at: float | None = None,
    ) -> Row:
        cur = self.conn.execute(
            "INSERT INTO docs(kind, id, parent, parent2, next_at, doc) VALUES (?,?,?,?,?,?)",
            (kind, doc_id, parent, parent2, next_at, json.dumps(doc)),
        )
        return Row(cur.lastrowid or 0, kind, doc_id, parent, parent2, next_at, False, doc)

    def get(self, kind: str, doc_id: str, *, include_hidden: bool = False) -> Row | None:
        raw = self.conn.execute(
            "SELECT * FROM docs WHERE kind=? AND id=?", (kind, doc_id)
        ).fetchone()
        if raw is None:
            return None
        row = self._row(raw)
        if row.hidden and not include_hidden:
            return None
        return row

    def save(
        self,
        row: Row,
        *,
        next_at: float | None = _UNSET,
        hidden: bool | None = None,
        parent: str | None = _UNSET,
    ) -> None:
        """Persist ``row.doc`` (and optionally the lifted columns)."""
        if next_at is not _UNSET:
            row.next_at = next_at
        if hidden is not None:
            row.hidden = hidden
        if parent is not _UNSET:
            row.parent = parent
        self.conn.execute(
            "UPDATE docs SET doc=?, next_at=?, hidden=?, parent=? WHERE seq=?",
            (json.dumps(row.doc), row.next_at, int(row.hidden), row.parent, row.seq),
        )

    def delete(self, row: Row) -> None:
        self.conn.execute("DELETE FROM docs WHERE seq=?", (row.seq,))

    def query(
        self,
        kind: str,
        *,
        parent: str | None = _UNSET,
        parent2: str | None = _UNSET,
        include_hidden: bool = False,
        descending: bool = True,
        after_seq: int | None = None,
        limit: int | None = None,
    ) -> list[Row]:
        """Rows of ``kind`` in keyset order; ``after_seq`` continues a previous page."""
        sql = ["SELECT * FROM docs WHERE kind=?"]
        args: list[Any] = [kind]
        for column, value in (("parent", parent), ("parent2", parent2)):
            if value is _UNSET:
                continue
            if value is None:
                sql.append(f"AND {column} IS NULL")
            else:
                sql.append(f"AND {column}=?")
                args.append(value)
        if not include_hidden:
            sql.append("AND hidden=0")
        if after_seq is not None:
            sql.append("AND seq < ?" if descending else "AND seq > ?")
            args.append(after_seq)
        sql.append("ORDER BY seq DESC" if descending else "ORDER BY seq ASC")
        if limit is not None:
            sql.append("LIMIT ?")
            args.append(limit)
        return [self._row(r) for r in self.conn.execute(" ".join(sql), args)]

    def due(self, at: float) -> list[Row]:
        """Rows whose simulated next step is due."""
        raws = self.conn.execute(
            "SELECT * FROM docs WHERE next_at IS NOT NULL AND next_at <= ? ORDER BY next_at, seq",
            (at,),
        ).fetchall()
        return [self._row(r) for r in raws]

    def count(self, kind: str) -> int:
        raw = self.conn.execute("SELECT COUNT(*) FROM docs WHERE kind=?", (kind,)).fetchone()
        return int(raw[0])

    def setting(self, key: str) -> str | None:
        raw = self.conn.execute("SELECT value FROM settings WHERE key=?", (key,)).fetchone()
        return None if raw is None else str(raw[0])

    def set_setting(self, key: str, value: str | None) -> None:
        if value is None:
            self.conn.execute("DELETE FROM settings WHERE key=?", (key,))
        else:
            self.conn.execute(
                "INSERT INTO settings(key, value) VALUES(?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                (key, value),
            )

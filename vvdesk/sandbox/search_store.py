"""Search storage: a row per searchable segment, an FTS5 index and numpy vectors.

Tables (in the sandbox's SQLite file):

* ``search_docs``: one row per indexed segment (its scope, times, metadata JSON,
  ``metadata_text`` and hashed text vector); filter search runs SQL over it.
* ``search_fts``: contentless FTS5 (``rowid`` = ``search_docs.seq``). Its one text
  column holds the segment's words plain and prefixed with their field
  (``label__harbor``), plus ``scope__<index>`` and ``run__<run>`` tokens, so field
  and scope restrictions are term lookups inside FTS5.
* ``search_images``: the image-similarity vector of each segment's thumbnail.

The vectors and FTS5's document lengths also live in memory (:class:`VectorCache`,
loaded on first use and appended to as runs are indexed); postings are read from FTS5
per term and scored in numpy (search_terms.py).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .search_terms import WARM_COUNT, TermIndex, Vocabulary, doc_length, doc_lengths, fold

DIM = 128
COMMON_SHARE = 0.5  # words in more than this share of all segments are not scored
PLAYGROUND = "playground"
SCHEMA = """
CREATE TABLE IF NOT EXISTS search_docs (
    seq INTEGER PRIMARY KEY,
    segment_id TEXT NOT NULL UNIQUE,
    video_id TEXT NOT NULL,
    run_id TEXT NOT NULL,
    index_id TEXT,
    prompt_id TEXT,
    start_time REAL NOT NULL,
    end_time REAL NOT NULL,
    metadata TEXT NOT NULL,
    metadata_text TEXT NOT NULL,
    vec BLOB NOT NULL,
    thumb_sha TEXT,
    gif_sha TEXT
);
CREATE INDEX IF NOT EXISTS search_docs_index ON search_docs(index_id, seq);
CREATE INDEX IF NOT EXISTS search_docs_run ON search_docs(run_id, seq);
CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
    body, content='', tokenize="unicode61 tokenchars '_'");
CREATE VIRTUAL TABLE IF NOT EXISTS search_vocab USING fts5vocab(search_fts, 'row');
CREATE VIRTUAL TABLE IF NOT EXISTS search_vocab_instance USING fts5vocab(search_fts, 'instance');
CREATE TABLE IF NOT EXISTS search_images (
    segment_id TEXT PRIMARY KEY,
    vec BLOB NOT NULL
);
"""
WORD = re.compile(r"[^\W_]+", re.UNICODE)
FIELD_CHARS = re.compile(r"[^a-z0-9]+")
FTS_TOKEN = re.compile(r"\w+", re.UNICODE)


@functools.lru_cache(maxsize=100_000)
def _words(text: str) -> tuple[str, ...]:
    return tuple(WORD.findall(text.lower()))


def words(text: str) -> list[str]:
    """Lower-case word tokens (letters and digits), as FTS5's unicode61 splits them."""
    return list(_words(text))


def fts_tokens(text: str) -> list[str]:
    """The tokens FTS5 makes of ``text`` here (unicode61 with ``_`` a token character:
    lower case, diacritics removed); used to tell which cached terms a new segment holds."""
    return FTS_TOKEN.findall(fold(text))


def field_token(path: str) -> str:
    """A field path as one token prefix: ``scene.People`` -> ``scene_people``."""
    return FIELD_CHARS.sub("_", path.lower()).strip("_") or "field"


def scope_token(index_id: str | None) -> str:
    return f"scope__{field_token(index_id or PLAYGROUND)}"


def run_token(run_id: str) -> str:
    return f"run__{field_token(run_id)}"


def leaves(value: Any, path: str = "") -> Iterable[tuple[str, Any]]:
    """``(dotted path, scalar)`` for every scalar inside ``value`` (list items share a path)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for item in value:
            yield from leaves(item, path)
    elif value is not None and path:
        yield path, value


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def body_of(metadata: dict[str, Any], text: str, index_id: str | None, run_id: str) -> str:
    """The FTS5 text of one segment (see module docstring)."""
    parts = [text]
    seen = set(words(text))
    for path, value in leaves(metadata):
        tokens = words(_scalar_text(value))
        prefix = field_token(path)
        parts.append(" ".join(t for t in tokens if t not in seen))
        seen.update(tokens)
        parts.append(" ".join(f"{prefix}__{t}" for t in tokens))
    parts.append(scope_token(index_id))
    parts.append(run_token(run_id))
    return " ".join(p for p in parts if p)


# -- the hashing-trick text vector --------------------------------------------------------


def _bucket(gram: str) -> tuple[int, float]:
    digest = hashlib.blake2b(gram.encode(), digest_size=8).digest()
    value = int.from_bytes(digest, "little")
    return value % DIM, 1.0 if (value >> 63) & 1 else -1.0


@functools.lru_cache(maxsize=50_000)
def word_vector(word: str) -> np.ndarray:
    """Unit vector of a word's character trigrams (with ``#`` at both ends)."""
    vec = np.zeros(DIM, np.float32)
    padded = f"#{word}#"
    grams = [padded[i : i + 3] for i in range(max(1, len(padded) - 2))]
    for gram in grams:
        slot, sign = _bucket(gram)
        vec[slot] += sign
    norm = float(np.linalg.norm(vec))
    out = vec / norm if norm else vec
    out.setflags(write=False)  # cached and shared: nobody may change it
    return out


def text_vector(text: str) -> np.ndarray:
    """Unit sum of the word vectors of ``text`` (each distinct word of letters only, once:
    ids, hashes and numbers say nothing about meaning and would drown the words)."""
    vec = np.zeros(DIM, np.float32)
    for word in dict.fromkeys(words(text)):
        if word.isalpha():
            vec += word_vector(word)
    norm = float(np.linalg.norm(vec))
    return vec / norm if norm else vec


def searchable_text(metadata: dict[str, Any], text: str) -> str:
    """What the vector is made of: the metadata values, or the text when there are none."""
    values = [_scalar_text(v) for _, v in leaves(metadata) if isinstance(v, str)]
    return " ".join(values) if values else text


# -- rows -----------------------------------------------------------------------------------


@dataclass
class SegmentEntry:
    """What indexing needs from one processed segment."""

    segment_id: str
    video_id: str
    run_id: str
    index_id: str | None
    prompt_id: str | None
    start_time: float
    end_time: float
    metadata: dict[str, Any]
    metadata_text: str
    thumb_sha: str | None = None
    gif_sha: str | None = None


def install(conn: sqlite3.Connection) -> None:
    conn.executescript(SCHEMA)


def add_segments(conn: sqlite3.Connection, entries: list[SegmentEntry],
                 cache: VectorCache | None) -> int:
    """Index new segments (already indexed ones are skipped); returns how many were added."""
    added = 0
    for entry in entries:
        vec = text_vector(searchable_text(entry.metadata, entry.metadata_text))
        cur = conn.execute(
            "INSERT OR IGNORE INTO search_docs(segment_id, video_id, run_id, index_id, prompt_id,"
            " start_time, end_time, metadata, metadata_text, vec, thumb_sha, gif_sha)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (entry.segment_id, entry.video_id, entry.run_id, entry.index_id, entry.prompt_id,
             entry.start_time, entry.end_time, json.dumps(entry.metadata), entry.metadata_text,
             vec.tobytes(), entry.thumb_sha, entry.gif_sha))
        if cur.rowcount != 1:
            continue
        seq = int(cur.lastrowid or 0)
        body = body_of(entry.metadata, entry.metadata_text, entry.index_id, entry.run_id)
        conn.execute("INSERT INTO search_fts(rowid, body) VALUES (?, ?)", (seq, body))
        if cache is not None:
            cache.append(seq, entry.index_id, entry.run_id, vec, doc_length(conn, seq),
                         fts_tokens(body))
        added += 1
    return added


def put_image(conn: sqlite3.Connection, segment_id: str, vec: np.ndarray, thumb_sha: str,
              gif_sha: str | None) -> None:
    """A segment's rendered pictures: its image vector and (once indexed) the blob names."""
    conn.execute("INSERT OR REPLACE INTO search_images(segment_id, vec) VALUES (?, ?)",
                 (segment_id, np.asarray(vec, np.float32).tobytes()))
    conn.execute("UPDATE search_docs SET thumb_sha = ?, gif_sha = ? WHERE segment_id = ?",
                 (thumb_sha, gif_sha, segment_id))


def doc_frequency(conn: sqlite3.Connection, term: str) -> int:
    raw = conn.execute("SELECT doc FROM search_vocab WHERE term = ?", (term,)).fetchone()
    return int(raw[0]) if raw else 0


@dataclass
class VectorCache:
    """In-memory copy of every indexed segment's scope codes and text vector."""

    seqs: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    scopes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    runs: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    vecs: np.ndarray = field(default_factory=lambda: np.zeros((0, DIM), np.float32))
    lengths: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float64))
    terms: TermIndex = field(default_factory=TermIndex)
    vocabulary: Vocabulary | None = None  # loaded on first use (vocab_of)
    scope_codes: dict[str, int] = field(default_factory=dict)
    run_codes: dict[str, int] = field(default_factory=dict)
    size: int = 0
    _pending: list[tuple[int, int, int, np.ndarray, float]] = field(default_factory=list)
    _masks: dict[tuple[Any, ...], np.ndarray] = field(default_factory=dict)

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> VectorCache:
        cache = cls()
        rows = conn.execute(
            "SELECT seq, index_id, run_id, vec FROM search_docs ORDER BY seq").fetchall()
        if rows:
            cache.seqs = np.fromiter((r[0] for r in rows), np.int64, len(rows))
            cache.scopes = np.fromiter((cache._code(cache.scope_codes, r[1] or PLAYGROUND)
                                        for r in rows), np.int32, len(rows))
            cache.runs = np.fromiter((cache._code(cache.run_codes, r[2]) for r in rows),
                                     np.int32, len(rows))
            cache.vecs = np.frombuffer(b"".join(r[3] for r in rows), np.float32).reshape(
                len(rows), DIM).copy()
            cache.lengths = doc_lengths(conn, cache.seqs)
            cache.size = len(rows)
            cache.terms.warm(conn, cache.seqs, WARM_COUNT, int(cache.size * COMMON_SHARE))
        return cache

    def vocab_of(self, conn: sqlite3.Connection) -> Vocabulary:
        """The plain words FTS5 holds (read once; new segments add theirs)."""
        if self.vocabulary is None:
            self.vocabulary = Vocabulary()
            self.vocabulary.add([r[0] for r in conn.execute("SELECT term FROM search_vocab")])
        return self.vocabulary

    @staticmethod
    def _code(table: dict[str, int], key: str) -> int:
        return table.setdefault(key, len(table))

    def append(self, seq: int, index_id: str | None, run_id: str, vec: np.ndarray,
               length: float, tokens: list[str]) -> None:
        self._pending.append((seq, self._code(self.scope_codes, index_id or PLAYGROUND),
                              self._code(self.run_codes, run_id), vec, length))
        self.size += 1
        self.terms.forget(tokens)  # read again from FTS5, this segment included
        if self.vocabulary is not None:
            self.vocabulary.add(tokens)

    def settle(self) -> None:
        """Fold appended rows into the arrays (once per search, not once per row)."""
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        self.seqs = np.concatenate([self.seqs, np.array([p[0] for p in pending], np.int64)])
        self.scopes = np.concatenate([self.scopes, np.array([p[1] for p in pending], np.int32)])
        self.runs = np.concatenate([self.runs, np.array([p[2] for p in pending], np.int32)])
        self.vecs = np.concatenate([self.vecs, np.stack([p[3] for p in pending])])
        self.lengths = np.concatenate([self.lengths, np.array([p[4] for p in pending])])
        self._masks.clear()

    def mask(self, scopes: list[str | None], run_ids: list[str] | None) -> np.ndarray:
        """Rows inside any of ``scopes`` (index ids, ``None`` = playground) and ``run_ids``."""
        self.settle()
        key = (tuple(sorted(s or PLAYGROUND for s in scopes)), tuple(sorted(run_ids or ())))
        if key not in self._masks:
            if len(self._masks) > 64:
                self._masks.clear()
            self._masks[key] = self._mask(scopes, run_ids)
        return self._masks[key]

    def _mask(self, scopes: list[str | None], run_ids: list[str] | None) -> np.ndarray:
        wanted = [self.scope_codes[s or PLAYGROUND] for s in scopes
                  if (s or PLAYGROUND) in self.scope_codes]
        keep = np.isin(self.scopes, np.array(wanted, np.int32))
        if run_ids:
            runs = [self.run_codes[r] for r in run_ids if r in self.run_codes]
            keep &= np.isin(self.runs, np.array(runs, np.int32))
        return keep

    def positions(self, seqs: np.ndarray) -> np.ndarray:
        """Array positions of known ``seqs`` (rows are appended in seq order)."""
        self.settle()
        return np.searchsorted(self.seqs, seqs)

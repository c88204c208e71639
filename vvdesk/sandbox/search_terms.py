"""FTS5's postings in numpy: bm25 of a query over 100k segments in a millisecond or two.

SQLite's ``ORDER BY bm25(...)`` scores every matching row through FTS5's auxiliary-function
interface; for a word found in 17k segments that alone took ~16 ms. Here the FTS5 index
stays the store of truth (postings are read back from it through ``fts5vocab`` 'instance',
per term, on first use, and kept until the next segments are indexed), and the scoring is
FTS5's own bm25 formula over numpy arrays::

    idf(t)   = ln((N - n_t + 0.5) / (n_t + 0.5)), at least 1e-6
    bm25(d)  = sum over the query terms t of
               idf(t) * tf(t,d) * (k1 + 1) / (tf(t,d) + k1 * (1 - b + b * len(d) / avglen))

with k1 = 1.2, b = 0.75, N = segments indexed, len(d) = tokens of the segment (FTS5's
docsize), as ``bm25()`` computes it (tests/sandbox/test_search.py compares the two).

The vocabulary of plain words (letters only) with their trigram vectors lets the semantic
half start from the words of the index nearest to each query word (``near``) instead of
a similarity pass over every segment.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

K1 = 1.2
B = 0.75
POSTINGS_KEPT = 4096  # terms whose postings stay in memory (LRU)
WARM_COUNT = 2000  # terms in at least this many segments are read when the cache loads


def fold(text: str) -> str:
    """Lower case without diacritics, as FTS5's unicode61 tokenizer makes terms."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower())
                   if not unicodedata.combining(c))


def varint(blob: bytes) -> int:
    """The first SQLite varint of ``blob`` (FTS5 docsize: one per column; we have one)."""
    value = 0
    for i, byte in enumerate(blob[:9]):
        if i == 8:
            return (value << 8) | byte
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value
    return value


def doc_lengths(conn: sqlite3.Connection, seqs: np.ndarray) -> np.ndarray:
    """Token count of each segment in ``seqs`` (FTS5's docsize), as float64."""
    out = np.zeros(len(seqs), np.float64)
    if not len(seqs):
        return out
    rows = conn.execute("SELECT id, sz FROM search_fts_docsize ORDER BY id").fetchall()
    ids = np.fromiter((r[0] for r in rows), np.int64, len(rows))
    sizes = np.fromiter((varint(r[1]) for r in rows), np.float64, len(rows))
    where = np.searchsorted(ids, seqs)
    known = where < len(ids)
    known[known] = ids[where[known]] == seqs[known]
    out[known] = sizes[where[known]]
    return out


def doc_length(conn: sqlite3.Connection, seq: int) -> float:
    row = conn.execute("SELECT sz FROM search_fts_docsize WHERE id = ?", (seq,)).fetchone()
    return float(varint(row[0])) if row else 0.0


@dataclass
class Postings:
    """Where one term occurs: array positions (ascending) and term frequencies."""

    positions: np.ndarray
    tf: np.ndarray

    @property
    def count(self) -> int:
        return len(self.positions)


@dataclass
class TermIndex:
    """Postings and document counts read from FTS5 on demand (LRU). Indexing a segment
    drops the cached terms it holds, so the next search reads them again, with it."""

    _postings: OrderedDict[str, Postings] = field(default_factory=OrderedDict)
    _counts: dict[str, int] = field(default_factory=dict)

    def forget(self, tokens: list[str]) -> None:
        for token in tokens:
            self._postings.pop(token, None)
            self._counts.pop(token, None)

    def count(self, conn: sqlite3.Connection, term: str) -> int:
        """Segments holding ``term`` (FTS5's vocabulary, no postings read)."""
        term = fold(term)
        if term not in self._counts:
            if len(self._counts) > 100_000:
                self._counts.clear()
            raw = conn.execute("SELECT doc FROM search_vocab WHERE term = ?", (term,)).fetchone()
            self._counts[term] = int(raw[0]) if raw else 0
        return self._counts[term]

    def postings(self, conn: sqlite3.Connection, term: str, seqs: np.ndarray) -> Postings:
        """Occurrences of ``term`` mapped to positions in ``seqs`` (the cache's rows)."""
        term = fold(term)
        found = self._postings.get(term)
        if found is not None:
            self._postings.move_to_end(term)
            return found
        rows = conn.execute("SELECT doc FROM search_vocab_instance WHERE term = ?",
                            (term,)).fetchall()
        docs = np.fromiter((r[0] for r in rows), np.int64, len(rows))
        docs, tf = np.unique(docs, return_counts=True)
        where = np.searchsorted(seqs, docs)
        inside = where < len(seqs)
        inside[inside] = seqs[where[inside]] == docs[inside]
        found = Postings(where[inside], tf[inside].astype(np.float64))
        self._postings[term] = found
        if len(self._postings) > POSTINGS_KEPT:
            self._postings.popitem(last=False)
        return found

    def warm(self, conn: sqlite3.Connection, seqs: np.ndarray, low: int, high: int) -> None:
        """Read the postings of the terms held by ``low``..``high`` segments now (the slow
        ones to read; words in more than half of the segments are never scored)."""
        terms = conn.execute(
            "SELECT term, doc FROM search_vocab WHERE doc BETWEEN ? AND ? "
            "AND term NOT LIKE 'scope\\_\\_%' ESCAPE '\\' "
            "AND term NOT LIKE 'run\\_\\_%' ESCAPE '\\' ORDER BY doc DESC LIMIT ?",
            (low, high, POSTINGS_KEPT // 2)).fetchall()
        for term, count in terms:
            self._counts[term] = int(count)
            self.postings(conn, term, seqs)


def bm25(lists: list[Postings], total: int, lengths: np.ndarray, *,
         every: bool) -> tuple[np.ndarray, np.ndarray]:
    """``(positions, score)`` of the rows holding every term (``every``) or any of them."""
    if not lists or total == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float64)
    size = len(lengths)
    avg = float(lengths.mean()) or 1.0
    norm = K1 * (1 - B + B * lengths / avg)
    score = np.zeros(size, np.float64)
    hits = np.zeros(size, np.int32)
    for p in lists:
        if not p.count:
            continue
        idf = max(float(np.log((total - p.count + 0.5) / (p.count + 0.5))), 1e-6)
        score[p.positions] += idf * p.tf * (K1 + 1) / (p.tf + norm[p.positions])
        hits[p.positions] += 1
    need = len(lists) if every else 1
    positions = np.flatnonzero(hits >= need)
    return positions, score[positions]


def best(positions: np.ndarray, scores: np.ndarray, seqs: np.ndarray,
         k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` best by score, ties by lower seq (as ``ORDER BY score, rowid``)."""
    if len(positions) > k:
        cut = np.partition(scores, len(scores) - k)[len(scores) - k]
        keep = scores >= cut
        positions, scores = positions[keep], scores[keep]
    order = np.lexsort((seqs[positions], -scores))[:k]
    return positions[order], scores[order]


@dataclass
class Vocabulary:
    """The plain words of the index and their trigram vectors (see search_store)."""

    words: list[str] = field(default_factory=list)
    known: set[str] = field(default_factory=set)
    _matrix: np.ndarray | None = None

    def add(self, words: list[str]) -> None:
        fresh = [w for w in dict.fromkeys(words) if w.isalpha() and w not in self.known]
        if fresh:
            self.words += fresh
            self.known.update(fresh)
            self._matrix = None

    def near(self, vector: np.ndarray, floor: float, most: int,
             build: Callable[[str], np.ndarray]) -> list[str]:
        """Up to ``most`` words whose vector's cosine with ``vector`` is at least ``floor``."""
        if not self.words:
            return []
        if self._matrix is None:
            self._matrix = np.stack([build(w) for w in self.words])
        sims = self._matrix @ vector
        order = np.lexsort((np.arange(len(sims)), -sims))[:most]
        return [self.words[i] for i in order if sims[i] >= floor]

"""The numpy bm25 (search_terms.py) gives FTS5's own bm25() scores, appended rows included."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from vvdesk.sandbox import search_store, search_terms
from vvdesk.sandbox.search_store import SegmentEntry, VectorCache

WORDS = ("harbor", "street", "forest", "kitchen", "harbour", "market", "café")


def entry(i: int) -> SegmentEntry:
    picked = [WORDS[(i * k + i // 3) % len(WORDS)] for k in (1, 2, 3, 5)][: 1 + i % 4]
    meta = {"label": picked[0], "objects": picked[1:], "n": i}
    return SegmentEntry(segment_id=f"seg_{i}", video_id=f"vid_{i % 5}", run_id="run_1",
                        index_id="idx_a" if i % 2 else "idx_b", prompt_id=None,
                        start_time=float(i), end_time=float(i + 1), metadata=meta,
                        metadata_text=f"{' '.join(picked)} scene {i} " * (1 + i % 3))


def fts_scores(conn: sqlite3.Connection, match: str) -> dict[int, float]:
    rows = conn.execute("SELECT rowid, bm25(search_fts) FROM search_fts "
                        "WHERE search_fts MATCH ?", (match,)).fetchall()
    return {int(r[0]): -float(r[1]) for r in rows}


def ours(conn: sqlite3.Connection, vc: VectorCache, terms: list[str],
         every: bool) -> dict[int, float]:
    lists = [vc.terms.postings(conn, t, vc.seqs) for t in terms]
    positions, scores = search_terms.bm25(lists, vc.size, vc.lengths, every=every)
    return {int(vc.seqs[p]): float(s) for p, s in zip(positions, scores, strict=True)}


@pytest.mark.parametrize("terms", [["harbor"], ["harbor", "street"], ["label__forest"],
                                   ["kitchen", "market", "cafe"], ["café"]])
def test_numpy_bm25_equals_fts5_bm25(terms: list[str]) -> None:
    conn = sqlite3.connect(":memory:")
    search_store.install(conn)
    search_store.add_segments(conn, [entry(i) for i in range(40)], None)
    vc = VectorCache.load(conn)
    for every, glue in ((True, " AND "), (False, " OR ")):
        expected = fts_scores(conn, glue.join(f'"{t}"' for t in terms))
        got = ours(conn, vc, terms, every)
        assert got.keys() == expected.keys() and (expected or every)
        assert np.allclose([got[k] for k in expected], list(expected.values()), rtol=1e-9)
    # segments indexed after the first search count at once, scores still equal FTS5's
    search_store.add_segments(conn, [entry(i) for i in range(40, 60)], vc)
    vc.settle()
    expected = fts_scores(conn, " OR ".join(f'"{t}"' for t in terms))
    got = ours(conn, vc, terms, False)
    assert max(got) > 40 and got.keys() == expected.keys()
    assert np.allclose([got[k] for k in expected], list(expected.values()), rtol=1e-9)

"""Search over processed segments: a deterministic stand-in for the real ranking.

Indexing: when a run ends ``completed``/``completed_with_failures`` its processed
segments are added to search_store (FTS5 words + hashed vector); a thumbnail adds an
image vector whenever it is rendered. Deleted media never show up (checked per query).

Text ranking (``text`` / ``multimodal`` / ``multi_run`` / ``playground``)::

    lexical  = FTS5's bm25 of the segment for the query words (computed in numpy over
               FTS5's postings, search_terms.py), all of them AND'ed; when fewer than
               100 segments in scope hold them all, OR'ed instead (words found in more
               than half of all indexed segments are dropped unless no other word is
               left; search_fields turns each word into field__word for the named
               fields), divided by the best lexical score among the candidates (so the
               best is 1.0). Scope and runs restrict, they do not score.
    semantic = cosine of the hashed character-trigram vectors of the query and of
               the segment's words (near words like "harbour"/"harbor" score high)
    score    = 0.7 * lexical + 0.3 * max(semantic, 0)

Candidates are the best 500 lexical matches in scope plus the 200 most similar of the
semantic pool: the best 2000 (bm25) in scope holding a near word of a query word (one
of the 8 words of the index whose trigram vector is closest to it, cosine >= 0.5, and
found in at most half of all segments). No
pass over every segment's vector: a search over 100k segments costs a few milliseconds.
A candidate that no query word matches needs a semantic score of at least 0.2. Ties
break on indexing order. Image ranking is the cosine of 8x8 colour grids
(mediakit.features) of the query picture and each segment's thumbnail; multimodal
fuses both lists by weighted reciprocal rank: ``w / (60 + rank)``.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import pictures, search_store, search_terms
from .context import Context
from .db import Row
from .search_store import COMMON_SHARE, SegmentEntry, VectorCache
from .search_terms import Postings
from .views import marker

W_LEXICAL = 0.7
W_SEMANTIC = 0.3
LEXICAL_POOL = 500
SEMANTIC_POOL = 200
SEMANTIC_SCAN = 2000  # segments holding a near word whose similarity is computed
NEAR_FLOOR = 0.5  # a word of the index this close to a query word is a near word
NEAR_WORDS = 8  # near words per query word, at most
SEMANTIC_FLOOR = 0.2  # a segment no query word matches needs at least this similarity
RRF_K = 60
SEARCHABLE = frozenset({"completed", "completed_with_failures"})


@dataclass
class Hit:
    """One ranked segment (``seq`` is its search_docs row)."""

    seq: int
    score: float
    lexical: float = 0.0
    semantic: float = 0.0
    image: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


# -- indexing -------------------------------------------------------------------------------


def install(ctx: Context) -> None:
    """Create the tables, index runs a data dir from before search has, and every new one."""
    search_store.install(ctx.store.conn)
    ctx.hooks.run_finished.append(index_run)
    if not ctx.store.setting("search_backfilled"):
        for run in ctx.store.query("run", descending=False):
            index_run(ctx, run)
        ctx.store.set_setting("search_backfilled", "1")


def cache(ctx: Context) -> VectorCache:
    if ctx.search_cache is None:
        ctx.search_cache = VectorCache.load(ctx.store.conn)
    cached: VectorCache = ctx.search_cache
    return cached


def index_run(ctx: Context, run: Row) -> None:
    """Add the processed segments of a searchable run (idempotent)."""
    if run.doc["status"] not in SEARCHABLE:
        return
    entries = []
    videos: dict[str, Row | None] = {}
    for vid in run.doc["_video_ids"]:
        videos[vid] = ctx.store.get("video", vid, include_hidden=True)
        for seg in ctx.store.query("segment", parent=vid, parent2=run.id, descending=False):
            if seg.doc["segment_status"] != "completed":
                continue
            entries.append(entry_of(seg.doc, run, videos[vid]))
    if ctx.store.conn.in_transaction:  # part of a caller's step (a segment retry)
        search_store.add_segments(ctx.store.conn, entries, ctx.search_cache)
        return
    with ctx.store.transaction():
        search_store.add_segments(ctx.store.conn, entries, ctx.search_cache)


def entry_of(seg: dict[str, Any], run: Row, video: Row | None) -> SegmentEntry:
    return SegmentEntry(
        segment_id=seg["segment_id"], video_id=seg["video_id"], run_id=run.id,
        index_id=video.parent if video else None, prompt_id=run.doc.get("prompt_id"),
        start_time=float(seg["start_time"]), end_time=float(seg["end_time"]),
        metadata=seg.get("metadata") or {}, metadata_text=seg.get("metadata_text") or "",
        thumb_sha=seg.get("_thumb_sha"), gif_sha=seg.get("_gif_sha"))


# -- text ranking ---------------------------------------------------------------------------


def _dead_videos(ctx: Context) -> set[str]:
    rows = ctx.store.conn.execute("SELECT id FROM docs WHERE kind='video' AND hidden=1")
    return {r[0] for r in rows}


def _terms(ctx: Context, vc: VectorCache, query: str, search_fields: list[str] | None,
           ) -> list[Postings]:
    """Postings of the query's words (field-prefixed with ``search_fields``), found ones
    only, without the words in more than half of all segments unless nothing else is left."""
    words = list(dict.fromkeys(search_store.words(query)))
    if search_fields:
        prefixes = [search_store.field_token(f) for f in search_fields]
        words = [f"{p}__{w}" for p in prefixes for w in words]
    conn = ctx.store.conn
    counted = [(w, n) for w in words if (n := vc.terms.count(conn, w))]
    if not counted:
        return []
    kept = [w for w, n in counted if n <= vc.size * COMMON_SHARE]
    kept = kept or [min(counted, key=lambda wn: (wn[1], wn[0]))[0]]
    return [vc.terms.postings(conn, w, vc.seqs) for w in kept]


def _lexical(vc: VectorCache, terms: list[Postings],
             mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(positions, bm25)`` of the best LEXICAL_POOL segments in scope holding every term;
    any term when fewer than LEXICAL_POOL / 5 hold them all."""
    positions, scores = search_terms.bm25(terms, vc.size, vc.lengths, every=True)
    keep = mask[positions]
    positions, scores = positions[keep], scores[keep]
    if len(terms) > 1 and len(positions) < LEXICAL_POOL // 5:
        positions, scores = search_terms.bm25(terms, vc.size, vc.lengths, every=False)
        keep = mask[positions]
        positions, scores = positions[keep], scores[keep]
    return search_terms.best(positions, scores, vc.seqs, LEXICAL_POOL)


def _semantic_pool(ctx: Context, vc: VectorCache, query: str, vector: np.ndarray,
                   mask: np.ndarray) -> np.ndarray:
    """Positions of the SEMANTIC_POOL segments in scope most similar to ``vector``, among
    the SEMANTIC_SCAN best (bm25) holding a word near a query word."""
    vocab = vc.vocab_of(ctx.store.conn)
    near: dict[str, None] = {}
    for word in dict.fromkeys(search_store.words(query)):
        if word.isalpha():
            near.update(dict.fromkeys(vocab.near(search_store.word_vector(word), NEAR_FLOOR,
                                                 NEAR_WORDS, search_store.word_vector)))
    common = vc.size * COMMON_SHARE  # as for the lexical half: such words say nothing
    lists = [vc.terms.postings(ctx.store.conn, w, vc.seqs) for w in near
             if vc.terms.count(ctx.store.conn, w) <= common]
    positions, scores = search_terms.bm25(lists, vc.size, vc.lengths, every=False)
    keep = mask[positions]
    positions, _ = search_terms.best(positions[keep], scores[keep], vc.seqs, SEMANTIC_SCAN)
    if len(positions) <= SEMANTIC_POOL:
        return positions
    sims = vc.vecs[positions] @ vector
    return search_terms.best(positions, sims.astype(np.float64), vc.seqs, SEMANTIC_POOL)[0]


def text_hits(ctx: Context, query: str, *, scopes: list[str | None] | None,
              run_ids: list[str] | None = None, search_fields: list[str] | None = None,
              limit: int) -> list[Hit]:
    """Best ``limit`` segments for ``query`` in ``scopes`` (``None``: every scope)."""
    vc = cache(ctx)
    vc.settle()
    if vc.size == 0:
        return []
    mask = vc.mask(scopes, run_ids) if scopes is not None else (
        vc.mask(list(vc.scope_codes), run_ids) if run_ids else np.ones(vc.size, bool))
    if not mask.any():
        return []
    lex_pos, lex_score = _lexical(vc, _terms(ctx, vc, query, search_fields), mask)
    vector = search_store.text_vector(query)
    positions = np.union1d(lex_pos, _semantic_pool(ctx, vc, query, vector, mask))
    if not len(positions):
        return []
    lexical = np.zeros(len(positions), np.float64)
    lexical[np.searchsorted(positions, lex_pos)] = lex_score
    top = float(lexical.max()) or 1.0
    lexical /= top
    semantic = np.maximum(vc.vecs[positions] @ vector, 0.0).astype(np.float64)
    score = W_LEXICAL * lexical + W_SEMANTIC * semantic
    keep = (lexical > 0) | (semantic >= SEMANTIC_FLOOR)
    seqs = vc.seqs[positions][keep]
    score, lexical, semantic = score[keep], lexical[keep], semantic[keep]
    order = np.lexsort((seqs, -score))
    dead = _dead_videos(ctx)
    if not dead:
        order = order[:limit]  # nothing to skip: only the hits returned are made
    hits = [Hit(int(seqs[i]), float(score[i]), float(lexical[i]), float(semantic[i]))
            for i in order.tolist()]
    return _alive(ctx, hits, limit, dead)


def _alive(ctx: Context, hits: list[Hit], limit: int,
           dead: set[str] | None = None) -> list[Hit]:
    dead = _dead_videos(ctx) if dead is None else dead
    if not dead:
        return hits[:limit]
    docs = docs_of(ctx, [h.seq for h in hits])
    return [h for h in hits if h.seq in docs and docs[h.seq]["video_id"] not in dead][:limit]


# -- image ranking --------------------------------------------------------------------------


def image_hits(ctx: Context, vector: np.ndarray, *, scopes: list[str | None],
               run_ids: list[str] | None, limit: int) -> list[Hit]:
    """Segments whose thumbnail looks most like ``vector`` (cosine of colour grids)."""
    sql, args = _scope_sql(scopes, run_ids)
    rows = ctx.store.conn.execute(
        "SELECT d.seq, i.vec FROM search_docs d JOIN search_images i USING(segment_id) "
        f"WHERE {sql} ORDER BY d.seq", args).fetchall()
    if not rows:
        return []
    matrix = np.frombuffer(b"".join(r[1] for r in rows), np.float32).reshape(len(rows), -1)
    sims = matrix @ np.asarray(vector, np.float32)
    hits = [Hit(int(r[0]), float(s), image=float(s)) for r, s in zip(rows, sims, strict=True)]
    hits.sort(key=lambda h: (-h.score, h.seq))
    return _alive(ctx, hits, limit)


def fuse(text: list[Hit], image: list[Hit], text_weight: float, image_weight: float,
         limit: int) -> list[Hit]:
    """Weighted reciprocal-rank fusion of a text and an image ranking."""
    fused: dict[int, Hit] = {}
    for rank, hit in enumerate(text, start=1):
        fused[hit.seq] = Hit(hit.seq, text_weight / (RRF_K + rank), hit.lexical, hit.semantic,
                             extra={"text_score": hit.score, "text_rank": rank})
    for rank, hit in enumerate(image, start=1):
        entry = fused.setdefault(hit.seq, Hit(hit.seq, 0.0))
        entry.score += image_weight / (RRF_K + rank)
        entry.image = hit.image
        entry.extra.update(image_score=hit.score, image_rank=rank)
    for hit in fused.values():
        both = "text_rank" in hit.extra and "image_rank" in hit.extra
        hit.extra["match_type"] = "both" if both else (
            "text_only" if "text_rank" in hit.extra else "image_only")
        hit.extra["fused_score"] = hit.score
    return sorted(fused.values(), key=lambda h: (-h.score, h.seq))[:limit]


# -- filter search --------------------------------------------------------------------------


def _scope_sql(scopes: list[str | None], run_ids: list[str] | None,
               alias: str = "d.") -> tuple[str, list[Any]]:
    named = [s for s in scopes if s is not None]
    parts = []
    args: list[Any] = []
    if named:
        parts.append(f"{alias}index_id IN ({','.join('?' * len(named))})")
        args += named
    if None in scopes:
        parts.append(f"{alias}index_id IS NULL")
    sql = "(" + " OR ".join(parts or ["0"]) + ")"
    if run_ids:
        sql += f" AND {alias}run_id IN ({','.join('?' * len(run_ids))})"
        args += run_ids
    return sql, args


def json_path(name: str) -> str:
    """``a.b`` -> ``$."a"."b"`` (every key quoted, so any key name is safe)."""
    return "$" + "".join('."' + part.replace('"', '""') + '"' for part in name.split("."))


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def condition_sql(cond: dict[str, Any]) -> tuple[str, list[Any]]:
    """SQL over ``metadata`` for one validated FilterCondition (see README for the rules)."""
    path, op, kind = json_path(cond["field"]), cond["operator"], cond["type"]
    value: Any = cond.get("value")  # fits the type and operator (routes_search checked it)
    typ = "json_type(metadata, ?)"
    val = "json_extract(metadata, ?)"
    if op in ("is_empty", "is_not_empty"):
        container = "'array'" if kind == "array" else "'text'"
        empty_value = "json_array_length(metadata, ?) = 0" if kind == "array" else f"{val} = ''"
        empty = (f"({typ} IS NULL OR {typ} = 'null' OR ({typ} = {container} "
                 f"AND {empty_value}))")
        args = [path, path, path, path]
        return (empty if op == "is_empty" else f"NOT {empty}"), args
    if kind == "string":
        base = f"{typ} = 'text' AND "
        if op == "equals":
            return base + f"{val} = ?", [path, path, value]
        pattern = {"contains": "%{}%", "starts_with": "{}%", "ends_with": "%{}"}[op]
        return (base + f"{val} LIKE ? ESCAPE '\\'",
                [path, path, pattern.format(_like_escape(value))])
    if kind in ("integer", "number"):
        sign = {"equals": "=", "greater_than": ">", "greater_equal": ">=", "less_than": "<",
                "less_equal": "<="}[op]
        return f"{typ} IN ('integer', 'real') AND {val} {sign} ?", [path, path, value]
    if kind == "boolean":
        return f"{typ} = ?", [path, "true" if value else "false"]
    # arrays
    is_array = f"{typ} = 'array'"
    if op in ("length_equals", "length_greater", "length_less"):
        sign = {"length_equals": "=", "length_greater": ">", "length_less": "<"}[op]
        return f"{is_array} AND json_array_length(metadata, ?) {sign} ?", [path, path, value]
    items = "SELECT 1 FROM json_each(metadata, ?) AS e WHERE "
    if op == "item_contains":
        return (f"{is_array} AND EXISTS ({items}e.type = 'text' AND e.value LIKE ? ESCAPE '\\')",
                [path, path, f"%{_like_escape(value)}%"])
    if isinstance(value, bool):
        return (f"{is_array} AND EXISTS ({items}e.type = ?)",
                [path, path, "true" if value else "false"])
    if isinstance(value, str):
        return f"{is_array} AND EXISTS ({items}e.type = 'text' AND e.value = ?)", [
            path, path, value]
    return (f"{is_array} AND EXISTS ({items}e.type IN ('integer', 'real') AND e.value = ?)",
            [path, path, value])


def filter_page(ctx: Context, conditions: list[dict[str, Any]], *, scopes: list[str | None],
                run_ids: list[str] | None, after: int, page_size: int,
                video_ids: list[str] | None = None) -> tuple[list[int], bool]:
    """Seqs of the next ``page_size`` matches after ``after`` (index order), and more-to-come."""
    scope, args = _scope_sql(scopes, run_ids, alias="")
    where = [scope]
    if video_ids:
        where.append(f"video_id IN ({','.join('?' * len(video_ids))})")
        args += video_ids
    for cond in conditions:
        sql, cond_args = condition_sql(cond)
        where.append(f"({sql})")
        args += cond_args
    dead = sorted(_dead_videos(ctx))
    if dead:
        where.append(f"video_id NOT IN ({','.join('?' * len(dead))})")
        args += dead
    rows = ctx.store.conn.execute(
        f"SELECT seq FROM search_docs WHERE {' AND '.join(where)} AND seq > ? "
        "ORDER BY seq LIMIT ?", [*args, after, page_size + 1]).fetchall()
    seqs = [int(r[0]) for r in rows]
    return seqs[:page_size], len(seqs) > page_size


def query_key(*parts: Any) -> str:
    """A short digest naming one filter query (cursors only continue their own query)."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


# -- results --------------------------------------------------------------------------------


def docs_of(ctx: Context, seqs: Iterable[int]) -> dict[int, dict[str, Any]]:
    wanted = list(seqs)
    out: dict[int, dict[str, Any]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = ctx.store.conn.execute(
            "SELECT seq, segment_id, video_id, run_id, index_id, prompt_id, start_time, "
            f"end_time, metadata, metadata_text, thumb_sha, gif_sha FROM search_docs WHERE seq IN "
            f"({','.join('?' * len(chunk))})", chunk)
        for r in rows:
            out[int(r[0])] = {"segment_id": r[1], "video_id": r[2], "run_id": r[3],
                              "index_id": r[4], "prompt_id": r[5], "start_time": r[6],
                              "end_time": r[7], "metadata": json.loads(r[8]),
                              "metadata_text": r[9], "_thumb_sha": r[10], "_gif_sha": r[11]}
    return out


def best_per_moment(ctx: Context, hits: list[Hit]) -> list[Hit]:
    """Keep the best hit per (media, start, end): one moment found by several runs."""
    docs = docs_of(ctx, [h.seq for h in hits])
    seen: set[tuple[str, float, float]] = set()
    kept = []
    for hit in hits:
        doc = docs.get(hit.seq)
        if doc is None:
            continue
        moment = (doc["video_id"], doc["start_time"], doc["end_time"])
        if moment not in seen:
            seen.add(moment)
            kept.append(hit)
    return kept


def per_video(ctx: Context, hits: list[Hit]) -> list[Hit]:
    """The best hit of each media item, in rank order (``result_level: video``)."""
    docs = docs_of(ctx, [h.seq for h in hits])
    seen: set[str] = set()
    kept = []
    for hit in hits:
        doc = docs.get(hit.seq)
        if doc is not None and doc["video_id"] not in seen:
            seen.add(doc["video_id"])
            kept.append(hit)
    return kept


def as_video_result(result: dict[str, Any]) -> dict[str, Any]:
    """A segment result turned into the media-level result its best segment previews."""
    return {**result, "result_type": "video", "result_id": result["video_id"],
            "segment_id": None, "start_time": None, "end_time": None}


def _matched_fields(metadata: dict[str, Any], query: str | None) -> dict[str, float]:
    words = set(search_store.words(query or ""))
    if not words:
        return {}
    found: dict[str, set[str]] = {}
    for path, value in search_store.leaves(metadata):
        hit = words & set(search_store.words(str(value)))
        if hit:
            found.setdefault(path, set()).update(hit)
    return {path: round(len(hit) / len(words), 6) for path, hit in sorted(found.items())}


def results(ctx: Context, hits: list[Hit], *, query: str | None = None,
            image: bool = False) -> list[dict[str, Any]]:
    """``SearchResult`` bodies (``ImageSearchResult``/``MultimodalSearchResult`` keys too)."""
    docs = docs_of(ctx, [h.seq for h in hits])
    videos: dict[str, Row | None] = {}
    out = []
    for hit in hits:
        doc = docs.get(hit.seq)
        if doc is None:
            continue
        vid = doc["video_id"]
        if vid not in videos:
            videos[vid] = ctx.store.get("video", vid, include_hidden=True)
        out.append(_result(ctx, hit, doc, videos[vid], query, image))
    return out


def _result(ctx: Context, hit: Hit, doc: dict[str, Any], video: Row | None,
            query: str | None, image: bool) -> dict[str, Any]:
    vdoc = video.doc if video else None
    fields = _matched_fields(doc["metadata"], query)
    pics = pictures.segment_fields(ctx, doc, vdoc, with_gif=False)
    middle = round((doc["start_time"] + doc["end_time"]) / 2, 3)
    text = doc["metadata_text"]
    score = _round(hit.score)
    extra = hit.extra
    return {
        "result_type": "segment", "result_id": doc["segment_id"], "video_id": doc["video_id"],
        "video_uri": vdoc["video_uri"] if vdoc else None,
        "video_name": vdoc["title"] if vdoc else None,
        "segment_id": doc["segment_id"], "start_time": doc["start_time"],
        "end_time": doc["end_time"], "preview_segment_id": doc["segment_id"],
        "preview_start_time": doc["start_time"], "preview_end_time": doc["end_time"],
        "preview_segment_uri": None, "preview_thumbnail_uri": None, "preview_gif_uri": None,
        "text_content": text, "content_preview": text[:200], "metadata_text": text,
        "similarity_score": score, "reranked_score": None, "segment_uri": None,
        **pics, "thumbnail_uri": None, "gif_uri": None,
        "media_type": vdoc["media_type"] if vdoc else None,
        "metadata": doc["metadata"], "extracted_metadata": doc["metadata"],
        "field_scores": fields or None, "field_instance_scores": None,
        "matched_field_paths": list(fields) or None, "matched_field_instances": None,
        "fused_score": _round(extra.get("fused_score")),
        "text_score": _round(extra.get("text_score", hit.score if not image else None)),
        "image_score": _round(extra.get("image_score", hit.image)),
        "text_rank": extra.get("text_rank"), "image_rank": extra.get("image_rank"),
        "match_type": extra.get("match_type"),
        "matched_image_uri": None,
        "matched_image_gcs_uri": pics["thumbnail_gcs_uri"] if hit.image is not None else None,
        "matched_image_timestamp": middle if hit.image is not None else None,
        "matched_image_score": _round(hit.image),
        "shot_timestamp": middle if hit.image is not None else None,
        "run_id": doc["run_id"], "source_run_id": doc["run_id"],
        "prompt_run_id": doc["run_id"], "prompt_id": doc["prompt_id"],
        "raw_llm_response": None, "source_index_id": doc["index_id"],
        "marker": marker(None), "extracted_metadata_markers": {},
    }


def _round(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else round(value, 6)

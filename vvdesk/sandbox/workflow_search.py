"""``POST /workflow/search`` and its pages: one search, a stable window of 100 results.

The first call ranks (``query``: text ranking as in search.py, mode ``vector``) or
filters (``filters``: FilterConditions, mode ``condition``) at most 100 results, keeps
that window as a ``search_window`` row, and answers its first ``limit``; the cursor
(``GET /workflow/search/page?cursor=``) pages through the same window, so a page never
shifts while runs finish. ``result_level: video`` keeps the best segment per media.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from . import clock, search
from .context import Context
from .errors import invalid
from .ids import new_id

WINDOW = 100


def run(ctx: Context, *, query: str | None, conditions: list[dict[str, Any]] | None,
        level: str, scopes: list[str | None], run_ids: list[str] | None,
        video_ids: list[str] | None, limit: int, warnings: list[str]) -> dict[str, Any]:
    """Rank or filter once, keep the window, answer its first page."""
    if query is not None:
        pool = WINDOW * 10 if video_ids or level == "video" else WINDOW + 1
        hits = search.text_hits(ctx, query, scopes=scopes, run_ids=run_ids, limit=pool)
        if video_ids:
            docs = search.docs_of(ctx, [h.seq for h in hits])
            hits = [h for h in hits if docs[h.seq]["video_id"] in video_ids]
    else:
        seqs, _ = search.filter_page(ctx, conditions or [], scopes=scopes, run_ids=run_ids,
                                     after=0, page_size=WINDOW * 10 if level == "video"
                                     else WINDOW + 1, video_ids=video_ids)
        hits = [search.Hit(seq, float("nan")) for seq in seqs]
    if level == "video":
        hits = search.per_video(ctx, hits)
    truncated = len(hits) > WINDOW
    hits = hits[:WINDOW]
    window_id = new_id("sw")
    doc = {"hits": [[h.seq, h.score] for h in hits], "query": query,
           "mode": "vector" if query is not None else "condition", "result_level": level,
           "scope": {"index_ids": [s for s in scopes if s is not None],
                     "playground": None in scopes, "video_ids": video_ids or [],
                     "prompt_run_ids": run_ids or []},
           "coverage": {"searched_segments": _searched(ctx, scopes, run_ids),
                        "result_window": WINDOW},
           "warnings": warnings, "truncated": truncated, "limit": limit,
           "created_at": clock.iso()}
    ctx.store.insert("search_window", window_id, doc)
    return page(ctx, window_id, doc, 0)


def _searched(ctx: Context, scopes: list[str | None], run_ids: list[str] | None) -> int:
    vc = search.cache(ctx)
    return int(vc.mask(scopes, run_ids).sum()) if vc.size else 0


def page(ctx: Context, window_id: str, doc: dict[str, Any], offset: int) -> dict[str, Any]:
    """``WorkflowSearchResponse`` for ``limit`` results of a window from ``offset``."""
    limit = int(doc["limit"])
    chosen = doc["hits"][offset : offset + limit]
    hits = [search.Hit(int(seq), float(score)) for seq, score in chosen]
    items = search.results(ctx, hits, query=doc["query"])
    if doc["result_level"] == "video":
        items = [search.as_video_result(i) for i in items]
    end = offset + len(chosen)
    more = end < len(doc["hits"])
    return {
        "data": items, "mode": doc["mode"], "result_level": doc["result_level"],
        "scope": doc["scope"], "coverage": doc["coverage"], "warnings": doc["warnings"],
        "pagination": {"limit": limit, "count": len(items), "has_more": more,
                       "next_cursor": _cursor(window_id, end) if more else None,
                       "result_window": WINDOW, "truncated": doc["truncated"]},
    }


def _cursor(window_id: str, offset: int) -> str:
    raw = json.dumps({"w": window_id, "o": offset}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def continue_page(ctx: Context, cursor: str) -> dict[str, Any]:
    """The page a cursor names (422 ``cursor`` when it is malformed or its window is gone)."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        window_id, offset = str(data["w"]), int(data["o"])
    except (ValueError, KeyError, TypeError) as exc:
        raise invalid("cursor", "cursor is not one this server made") from exc
    row = ctx.store.get("search_window", window_id)
    if row is None or not 0 <= offset <= len(row.doc["hits"]):
        raise invalid("cursor", "cursor is not one this server made")
    return page(ctx, window_id, row.doc, offset)

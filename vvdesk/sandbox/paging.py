"""Opaque keyset cursors and ``limit`` validation.

Cursors encode the storage sequence number of the last item served, so paging is
stable while new rows are inserted (new rows always get larger sequence numbers).
"""

from __future__ import annotations

import base64
import json
from typing import Any

from starlette.requests import Request

from .context import ctx_of
from .errors import ApiError, invalid


def encode_cursor(seq: int, scope: str) -> str:
    """Opaque cursor for the item with storage sequence ``seq`` in listing ``scope``."""
    raw = json.dumps({"s": seq, "k": scope}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, scope: str) -> int:
    """Sequence number inside ``cursor``; 422 when it is foreign or malformed."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        seq = int(data["s"])
        if data.get("k") != scope:
            raise ValueError("cursor belongs to another listing")
    except (ValueError, KeyError, TypeError) as exc:
        raise invalid("cursor", "cursor is invalid or belongs to another listing") from exc
    return seq


def parse_limit(request: Request, *, default: int | None, low: int, high: int) -> int | None:
    """Validated integer ``limit`` query parameter (422 outside ``low..high``)."""
    raw = request.query_params.get("limit")
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise invalid("limit", "limit must be an integer") from exc
    if not low <= value <= high:
        raise ApiError(
            422,
            "validation_error",
            f"limit must be between {low} and {high}",
            {"field": "limit", "min": low, "max": high},
        )
    return value


def page_envelope(items: list[Any], limit: int, next_cursor: str | None) -> dict[str, Any]:
    """The ``{data, pagination}`` envelope."""
    return {
        "data": items,
        "pagination": {
            "limit": limit,
            "has_more": next_cursor is not None,
            "next_cursor": next_cursor,
        },
    }


def keyset_page(
    request: Request, kind: str, parent: str | None, scope: str,
    render: Any, *, descending: bool = True, parent2: Any = None,
) -> dict[str, Any]:
    """One ``{data, pagination}`` page over rows of ``kind`` under ``parent``."""
    ctx = ctx_of(request)
    limit = parse_limit(request, default=50, low=1, high=100) or 50
    cursor = request.query_params.get("cursor")
    after = decode_cursor(cursor, scope) if cursor else None
    kwargs: dict[str, Any] = {"parent": parent}
    if parent2 is not None:
        kwargs["parent2"] = parent2
    rows = ctx.store.query(kind, descending=descending, after_seq=after, limit=limit + 1,
                           **kwargs)
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1].seq, scope) if more and rows else None
    return page_envelope([render(r) for r in rows], limit, next_cursor)

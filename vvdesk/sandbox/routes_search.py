"""Search routes: text, image, multimodal, filter (cursor pages), multi-run, playground.

Bodies are checked like the SDK checks them (limits, FilterCondition operators per
type, 1-4 conditions); the ranking itself is in search.py.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import math
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import mediakit, search, workflow_search
from .context import Context, ctx_of
from .errors import ApiError, invalid, not_found
from .lookups import load_index, load_run
from .paging import decode_cursor, encode_cursor
from .web import idempotent, json_object, respond

OPERATORS = {
    "string": ("equals", "contains", "starts_with", "ends_with", "is_empty", "is_not_empty"),
    "integer": ("equals", "greater_than", "greater_equal", "less_than", "less_equal"),
    "number": ("equals", "greater_than", "greater_equal", "less_than", "less_equal"),
    "boolean": ("equals",),
    "array": ("item_equals", "item_contains", "length_equals", "length_greater", "length_less",
              "is_empty", "is_not_empty"),
}
VALUELESS = ("is_empty", "is_not_empty")
MAX_IMAGE_BYTES = 10 * 1024 * 1024


def _int(body: dict[str, Any], name: str, default: int, low: int, high: int) -> int:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(name, f"{name} must be an integer")
    if not low <= value <= high:
        raise ApiError(422, "validation_error", f"{name} must be between {low} and {high}",
                       {"field": name, "min": low, "max": high})
    return value


def _weight(body: dict[str, Any], name: str) -> float:
    value = body.get(name, 0.5)
    if isinstance(value, bool) or not isinstance(value, int | float) or not (
            math.isfinite(value) and 0.0 <= value <= 1.0):
        raise invalid(name, f"{name} must be a number from 0 to 1")
    return float(value)


def _str_list(body: dict[str, Any], name: str) -> list[str] | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise invalid(name, f"{name} must be a list of non-empty strings")
    return list(dict.fromkeys(value)) or None


def _query(body: dict[str, Any], name: str = "query", *, required: bool = True) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise invalid(name, f"{name} is required and must be a non-empty string")
    if len(value) > 1000:
        raise invalid(name, f"{name} must be at most 1000 characters long")
    return value


def _scopes(ctx: Context, index_id: str, body: dict[str, Any]) -> list[str | None]:
    """The path's index, or ``index_ids`` when given (each must exist)."""
    load_index(ctx, index_id)
    others = _str_list(body, "index_ids")
    for other in others or []:
        load_index(ctx, other)
    return list(others) if others else [index_id]


def _runs(ctx: Context, body: dict[str, Any], name: str = "run_ids") -> list[str] | None:
    run_ids = _str_list(body, name)
    for run_id in run_ids or []:
        load_run(ctx, run_id)
    return run_ids


async def _image_vector(body: dict[str, Any], *, required: bool = True) -> Any:
    raw = body.get("image_data")
    if raw is None and not required:
        return None
    if not isinstance(raw, str) or not raw.strip():
        raise invalid("image_data", "image_data is required: a base64-encoded picture")
    text = raw.split(",", 1)[1] if raw.startswith("data:") else raw
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise invalid("image_data", "image_data is not valid base64") from exc
    if len(data) > MAX_IMAGE_BYTES:
        raise invalid("image_data", "image_data must be at most 10 MiB")
    vector = await asyncio.to_thread(mediakit.picture_features, data)
    if vector is None:
        raise invalid("image_data", "image_data is not a picture this server can read")
    return vector


async def text_search(request: Request) -> Response:
    ctx = ctx_of(request)
    body = await json_object(request)
    scopes = _scopes(ctx, request.path_params["index_id"], body)
    query = _query(body) or ""
    top_k = _int(body, "top_k", 30, 1, 100)
    hits = search.text_hits(ctx, query, scopes=scopes, run_ids=_runs(ctx, body),
                            search_fields=_str_list(body, "search_fields"), limit=top_k)
    return respond(search.results(ctx, hits, query=query))


async def image_search(request: Request) -> Response:
    ctx = ctx_of(request)
    body = await json_object(request)
    scopes = _scopes(ctx, request.path_params["index_id"], body)
    top_k = _int(body, "top_k", 20, 1, 100)
    run_ids = _runs(ctx, body)
    vector = await _image_vector(body)
    hits = search.image_hits(ctx, vector, scopes=scopes, run_ids=run_ids, limit=top_k)
    return respond(search.results(ctx, hits, image=True))


async def multimodal_search(request: Request) -> Response:
    ctx = ctx_of(request)
    body = await json_object(request)
    scopes = _scopes(ctx, request.path_params["index_id"], body)
    top_k = _int(body, "top_k", 20, 1, 100)
    text_weight, image_weight = _weight(body, "text_weight"), _weight(body, "image_weight")
    run_ids = _runs(ctx, body)
    query = _query(body, "text_query", required=False)
    vector = await _image_vector(body, required=False)
    if query is None and vector is None:
        raise invalid("text_query", "provide text_query, image_data or both")
    pool = max(100, top_k)
    text = search.text_hits(ctx, query, scopes=scopes, run_ids=run_ids,
                            search_fields=_str_list(body, "search_fields"),
                            limit=pool) if query else []
    image = search.image_hits(ctx, vector, scopes=scopes, run_ids=run_ids,
                              limit=pool) if vector is not None else []
    hits = search.fuse(text, image, text_weight, image_weight, top_k)
    return respond(search.results(ctx, hits, query=query))


def check_conditions(raw: Any) -> list[dict[str, Any]]:
    """FilterCondition rules as the SDK applies them (422 naming ``conditions``)."""
    if not isinstance(raw, list) or not 1 <= len(raw) <= 4:
        raise invalid("conditions", "conditions must contain 1-4 items")
    out = []
    for i, cond in enumerate(raw, start=1):
        where = f"condition {i}"
        if not isinstance(cond, dict) or set(cond) - {"field", "operator", "value", "type"}:
            raise invalid("conditions", f"{where}: only field, operator, value and type")
        name, op, kind = cond.get("field"), cond.get("operator"), cond.get("type")
        if not isinstance(name, str) or not name.strip():
            raise invalid("conditions", f"{where}: field is required")
        if kind not in OPERATORS:
            raise invalid("conditions", f"{where}: type must be one of {', '.join(OPERATORS)}")
        if op not in OPERATORS[kind]:
            raise invalid("conditions", f"{where}: operator {op!r} does not apply to {kind}")
        checked = {"field": name.strip(), "operator": op, "type": kind}
        if op in VALUELESS:
            if "value" in cond:
                raise invalid("conditions", f"{where}: {op} takes no value")
        else:
            checked["value"] = _condition_value(where, kind, op, cond.get("value"))
        out.append(checked)
    return out


def _condition_value(where: str, kind: str, op: str, value: Any) -> Any:
    number = isinstance(value, int | float) and not isinstance(value, bool) and (
        math.isfinite(value))
    integer = isinstance(value, int) and not isinstance(value, bool)
    good = {
        "string": isinstance(value, str) and bool(value.strip()),
        "integer": integer,
        "number": number,
        "boolean": isinstance(value, bool),
    }.get(kind)
    if kind == "array":
        if op.startswith("length_"):
            good = integer and value >= 0
        elif op == "item_contains":
            good = isinstance(value, str) and bool(value.strip())
        else:
            good = isinstance(value, str | bool) or number
    if not good:
        raise invalid("conditions", f"{where}: the value does not fit type {kind} and {op}")
    return value


async def _filter(request: Request, ctx: Context, scopes: list[str | None],
                  body: dict[str, Any]) -> Response:
    conditions = check_conditions(body.get("conditions"))
    page_size = _int(body, "page_size", 50, 1, 100)
    run_ids = _runs(ctx, body)
    key = search.query_key(conditions, scopes, run_ids)
    cursor = body.get("cursor")
    if cursor is not None and not isinstance(cursor, str):
        raise invalid("cursor", "cursor must be a string")
    after = decode_cursor(cursor, key) if cursor else 0
    seqs, more = search.filter_page(ctx, conditions, scopes=scopes, run_ids=run_ids,
                                    after=after, page_size=page_size)
    hits = [search.Hit(seq, 1.0) for seq in seqs]
    items = search.results(ctx, hits)
    next_cursor = encode_cursor(seqs[-1], key) if more and seqs else None
    # Both shapes the SDK model declares: the page envelope and the legacy keys.
    return respond({"data": items, "pagination": {"limit": page_size, "has_more": bool(
        next_cursor), "next_cursor": next_cursor}, "results": items,
        "next_page_token": next_cursor, "total_shown": len(items)})


async def filter_search(request: Request) -> Response:
    ctx = ctx_of(request)
    body = await json_object(request)
    return await _filter(request, ctx, _scopes(ctx, request.path_params["index_id"], body),
                         body)


async def filter_playground(request: Request) -> Response:
    ctx = ctx_of(request)
    body = await json_object(request)
    others = _str_list(body, "index_ids")
    for other in others or []:
        load_index(ctx, other)
    scopes: list[str | None] = list(others) if others else [None]
    return await _filter(request, ctx, scopes, body)


async def multi_run(request: Request) -> Response:
    """Per-run top ``top_k``; ``best`` keeps the best per moment, ``weighted`` favours recency."""
    ctx = ctx_of(request)
    body = await json_object(request)
    query = _query(body) or ""
    top_k = _int(body, "top_k", 5, 1, 50)
    aggregation = body.get("aggregation", "best")
    if aggregation not in ("best", "all", "weighted"):
        raise invalid("aggregation", "aggregation must be best, all or weighted")
    run_ids = _runs(ctx, body)
    index_id = body.get("index_id")
    if run_ids is None:
        if not isinstance(index_id, str) or not index_id:
            raise invalid("run_ids", "provide run_ids or index_id")
        load_index(ctx, index_id)
        run_ids = [r.id for r in ctx.store.query("run", parent=index_id)
                   if r.doc["status"] in search.SEARCHABLE]
    runs = sorted((load_run(ctx, r) for r in run_ids),
                  key=lambda r: (r.doc["executed_at"], r.id), reverse=True)
    merged: list[search.Hit] = []
    for age, run in enumerate(runs):
        weight = 0.9 ** age if aggregation == "weighted" else 1.0
        for hit in search.text_hits(ctx, query, scopes=None, run_ids=[run.id], limit=top_k):
            hit.score *= weight
            merged.append(hit)
    merged.sort(key=lambda h: (-h.score, h.seq))
    if aggregation == "best":
        merged = search.best_per_moment(ctx, merged)
    return respond(search.results(ctx, merged, query=query))


async def playground_search(request: Request) -> Response:
    ctx = ctx_of(request)
    body = await json_object(request)
    query = _query(body) or ""
    top_k = _int(body, "top_k", 30, 1, 100)
    run_id = request.query_params.get("run_id") or None
    if run_id is not None:
        load_run(ctx, run_id)
    hits = search.text_hits(ctx, query, scopes=[None], run_ids=[run_id] if run_id else None,
                            limit=top_k)
    return respond(search.results(ctx, hits, query=query))


def _ids(body: dict[str, Any], name: str) -> list[str] | None:
    value = body.get(name)
    if isinstance(value, str):
        value = [value]
    return _str_list({name: value}, name)


def _workflow_scopes(ctx: Context, body: dict[str, Any], warnings: list[str]
                     ) -> list[str | None]:
    index_id, name = body.get("index_id"), body.get("index_name")
    if index_id is not None:
        if not isinstance(index_id, str) or not index_id:
            raise invalid("index_id", "index_id must be a non-empty string")
        load_index(ctx, index_id)
        return [index_id]
    if name is not None:
        if not isinstance(name, str) or not name.strip():
            raise invalid("index_name", "index_name must be a non-empty string")
        named = [r.id for r in ctx.store.query("index") if r.doc["name"] == name]
        if not named:
            raise not_found("index", name)
        if len(named) > 1:
            warnings.append(f"{len(named)} indexes are named {name!r}; all were searched")
        return list(named)
    return [*(r.id for r in ctx.store.query("index")), None]


async def search_workflow(request: Request) -> Response:
    """Vector (``query``) or condition (``filters``) search over a stable 100-result window."""
    ctx = ctx_of(request)
    body = await json_object(request)
    query = body.get("query")
    filters = body.get("filters")
    has_query = isinstance(query, str) and bool(query.strip())
    if has_query == bool(filters):
        raise invalid("query", "provide exactly one of query or filters")
    level = body.get("result_level", "segment")
    if level not in ("segment", "video"):
        raise invalid("result_level", "result_level must be segment or video")
    limit = _int(body, "limit", 10, 1, 50)
    warnings: list[str] = []
    scopes = _workflow_scopes(ctx, body, warnings)
    run_ids = _ids(body, "prompt_run_ids")
    for run_id in run_ids or []:
        load_run(ctx, run_id)
    video_ids = _ids(body, "video_ids")
    missing = [v for v in video_ids or [] if ctx.store.get("video", v) is None]
    if missing:
        warnings.append(f"{len(missing)} of the media ids were not found")
    conditions = None if has_query else check_conditions(filters)
    text = _query(body) if has_query else None

    def produce() -> tuple[int, Any]:
        return 200, workflow_search.run(ctx, query=text, conditions=conditions, level=level,
                                        scopes=scopes, run_ids=run_ids, video_ids=video_ids,
                                        limit=limit, warnings=warnings)

    return idempotent(request, body, produce)


async def search_workflow_page(request: Request) -> Response:
    ctx = ctx_of(request)
    cursor = request.query_params.get("cursor", "").strip()
    if not cursor:
        raise invalid("cursor", "cursor is required")
    return respond(workflow_search.continue_page(ctx, cursor))


ROUTES = [
    Route("/indexes/{index_id}/search", text_search, methods=["POST"]),
    Route("/indexes/{index_id}/image-search", image_search, methods=["POST"]),
    Route("/indexes/{index_id}/multimodal-search", multimodal_search, methods=["POST"]),
    Route("/search/filter/playground", filter_playground, methods=["POST"]),
    Route("/search/filter/{index_id}", filter_search, methods=["POST"]),
    Route("/search/multi-run", multi_run, methods=["POST"]),
    Route("/playground/search", playground_search, methods=["POST"]),
    Route("/workflow/search", search_workflow, methods=["POST"]),
    Route("/workflow/search/page", search_workflow_page, methods=["GET"]),
]

"""Usage figures (``/usage*``), derived from what the sandbox actually stored and counted.

Billing periods are calendar months (UTC); ``period_end`` is the first instant of the
next month. Metrics, all computed on request so they cannot drift from the data:

| metric | unit | from |
|---|---|---|
| ``api_requests`` | requests | the rate limiter's daily counters (every counted request) |
| ``searches`` | searches | the same counters, ``search`` category |
| ``videos_uploaded`` | videos | media rows created in the period (deleted ones included) |
| ``videos_processed`` | videos | media of finished runs with at least one good segment |
| ``segments_created`` | segments | ``total_segments`` of runs executed in the period |
| ``tokens`` | tokens | ``TOKENS_PER_SEGMENT`` per completed segment of those runs |
| ``video_seconds`` | seconds | ``total_video_seconds`` of those runs |
| ``billing_mt`` | MT | ``billing_actual_mt`` of those runs |
| ``exports_created`` | exports | export rows created in the period |
| ``storage_bytes`` | bytes | current period only: bytes of the distinct blobs of live media |

``model_usage`` groups tokens/segments/video seconds by ``processing_model`` (unset:
``default``); ``auth_usage`` has one entry, ``api_key``, with its request count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from .context import Context
from .errors import invalid
from .ratelimit import daily_requests

TOKENS_PER_SEGMENT = 1200
DEFAULT_MODEL = "default"
FINISHED = ("completed", "completed_with_failures", "failed", "cancelled")
METRIC_TYPES: tuple[tuple[str, str, str], ...] = (
    ("api_requests", "Authenticated API requests", "requests"),
    ("searches", "Search requests", "searches"),
    ("videos_uploaded", "Media items uploaded or imported", "videos"),
    ("videos_processed", "Media items processed by prompt runs", "videos"),
    ("segments_created", "Segments created by prompt runs", "segments"),
    ("tokens", "Model tokens used by prompt runs", "tokens"),
    ("video_seconds", "Seconds of media processed by prompt runs", "seconds"),
    ("billing_mt", "Metered units charged for prompt runs", "MT"),
    ("exports_created", "Metadata exports created", "exports"),
    ("storage_bytes", "Bytes of stored media", "bytes"),
)
METRICS = tuple(name for name, _, _ in METRIC_TYPES)
UNITS = {name: unit for name, _, unit in METRIC_TYPES}


def parse_when(value: str | None, field: str) -> datetime | None:
    """An ISO date or date-time (``Z`` allowed) as aware UTC, or 422 naming ``field``."""
    if value in (None, ""):
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise invalid(field, f"{field} must be an ISO-8601 date or date-time") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _stamp(text: str | None) -> datetime | None:
    return None if not text else datetime.fromisoformat(text)


def month_of(moment: datetime) -> tuple[datetime, datetime]:
    start = moment.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (start + timedelta(days=32)).replace(day=1)
    return start, end


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def events(ctx: Context) -> Iterator[dict[str, Any]]:
    """Every usage event (UsageDetail shape plus a parsed ``_at``), in no set order."""
    for (category, day), count in daily_requests(ctx.store).items():
        midnight = datetime.fromisoformat(day).replace(tzinfo=UTC)
        for metric in ("api_requests", "searches") if category == "search" else ("api_requests",):
            yield _event(f"{metric}_{category}_{day}", metric, count, midnight,
                         {"category": category, "day": day})
    for row in ctx.store.query("video", include_hidden=True):
        at = _stamp(row.doc.get("created_at"))
        if at:
            yield _event(f"upload_{row.id}", "videos_uploaded", 1, at,
                         {"video_id": row.id, "index_id": row.parent})
    for row in ctx.store.query("run", include_hidden=True):
        doc, at = row.doc, _stamp(row.doc.get("executed_at"))
        if at is None or doc.get("status") not in FINISHED:
            continue
        meta = {"run_id": row.id, "index_id": row.parent,
                "model": doc.get("processing_model") or DEFAULT_MODEL}
        good = sum(doc.get(f"{p}_{m}", 0) for p in ("completed", "partial")
                   for m in ("videos", "audios", "images"))
        for metric, value in (
            ("videos_processed", good), ("segments_created", doc.get("total_segments", 0)),
            ("tokens", doc.get("completed_segments", 0) * TOKENS_PER_SEGMENT),
            ("video_seconds", doc.get("total_video_seconds", 0.0)),
            ("billing_mt", doc.get("billing_actual_mt", 0.0)),
        ):
            yield _event(f"{metric}_{row.id}", metric, value, at, meta)
    for row in ctx.store.query("export", include_hidden=True):
        at = _stamp(row.doc.get("created_at"))
        if at:
            yield _event(f"export_{row.id}", "exports_created", 1, at, {"export_id": row.id})


def _event(event_id: str, metric: str, value: float, at: datetime,
           metadata: dict[str, Any]) -> dict[str, Any]:
    return {"event_id": f"use_{event_id}", "metric_type": metric, "value": value,
            "unit": UNITS[metric], "timestamp": _iso(at), "metadata": metadata, "_at": at}


def storage_bytes(ctx: Context) -> int:
    shas = {row.doc.get("_blob_sha") for row in ctx.store.query("video")}
    total = 0
    for sha in shas - {None}:
        path = ctx.blob_dir / str(sha)
        if path.exists():
            total += path.stat().st_size
    return total


def summarise(ctx: Context, start: datetime, end: datetime, *,
              current: bool) -> dict[str, Any]:
    """Metrics, model and auth usage and totals of events in ``[start, end)``."""
    metrics: dict[str, float] = dict.fromkeys(METRICS, 0)
    models: dict[str, dict[str, float]] = defaultdict(
        lambda: {"tokens": 0, "segments": 0, "video_seconds": 0.0})
    for event in events(ctx):
        if not start <= event["_at"] < end:
            continue
        metrics[event["metric_type"]] += event["value"]
        model = event["metadata"].get("model")
        if model is not None:
            slot = {"tokens": "tokens", "segments_created": "segments",
                    "video_seconds": "video_seconds"}.get(event["metric_type"])
            if slot:
                models[model][slot] += event["value"]
    metrics["storage_bytes"] = storage_bytes(ctx) if current else 0
    metrics["video_seconds"] = round(metrics["video_seconds"], 3)
    metrics["billing_mt"] = round(metrics["billing_mt"], 4)
    totals = {
        "total_tokens": int(metrics["tokens"]), "total_searches": int(metrics["searches"]),
        "total_storage_bytes": int(metrics["storage_bytes"]),
        "total_videos_uploaded": int(metrics["videos_uploaded"]),
        "total_videos_processed": int(metrics["videos_processed"]),
        "total_segments_created": int(metrics["segments_created"]),
    }
    auth = {"api_key": {"auth_type": "api_key", "requests": metrics["api_requests"]}}
    return {"metrics": metrics, "model_usage": dict(models), "auth_usage": auth,
            "totals": totals}


def current(ctx: Context) -> dict[str, Any]:
    start, end = month_of(datetime.now(UTC))
    return {"user_id": ctx.user_id, "period_start": _iso(start), "period_end": _iso(end),
            **summarise(ctx, start, end, current=True)}


def history(ctx: Context, since: datetime | None, until: datetime | None,
            limit: int) -> dict[str, Any]:
    """Monthly periods from the first activity to now, newest first."""
    now = datetime.now(UTC)
    first = min((e["_at"] for e in events(ctx)), default=now)
    start, _ = month_of(max(first, since) if since else first)
    last, _ = month_of(min(until, now) if until else now)
    periods: list[dict[str, Any]] = []
    month = last
    while month >= start and len(periods) < limit:
        _, end = month_of(month)
        summary = summarise(ctx, month, end, current=end > now)
        periods.append({"summary_id": f"usage_{ctx.user_id}_{month:%Y-%m}",
                        "period_start": _iso(month), "period_end": _iso(end), **summary})
        month, _ = month_of(month - timedelta(days=1))
    return {"user_id": ctx.user_id, "periods": periods}


def details(ctx: Context, metric: str | None, since: datetime | None,
            until: datetime | None, limit: int) -> list[dict[str, Any]]:
    """Usage events, newest first."""
    if metric is not None and metric not in METRICS:
        raise invalid("metric_type", f"unknown metric_type; one of {', '.join(METRICS)}")
    chosen = [e for e in events(ctx)
              if (metric is None or e["metric_type"] == metric)
              and (since is None or e["_at"] >= since) and (until is None or e["_at"] < until)]
    chosen.sort(key=lambda e: (e["_at"], e["event_id"]), reverse=True)
    return [{k: v for k, v in e.items() if k != "_at"} for e in chosen[:limit]]


def breakdown(ctx: Context, since: datetime | None, until: datetime | None) -> dict[str, Any]:
    start, end = month_of(datetime.now(UTC))
    start, end = since or start, until or end
    summary = summarise(ctx, start, end, current=end > datetime.now(UTC))
    return {"user_id": ctx.user_id, "period_start": _iso(start), "period_end": _iso(end),
            "breakdown": summary["metrics"], "totals": summary["totals"]}


def metric_types() -> list[dict[str, str]]:
    return [{"type": t, "description": d, "unit": u} for t, d, u in METRIC_TYPES]

"""Per-key request limits, enforced in the gateway and reported by ``/rate-limit/status``.

Every authenticated API request (not ``/_sandbox`` control calls, not token downloads,
not ``/rate-limit/*`` itself, so the status stays readable when a limit is reached)
counts once against its API key in exactly one category, chosen by method + path
(``CATEGORY_RULES``; everything else is ``default``). Each category has a per-minute
and a per-hour limit over fixed windows aligned to the clock (a minute window starts
at :00 seconds, an hour window at :00 minutes). A request that would exceed either
limit is refused with 429 ``resource_rate_quota_exceeded`` and ``Retry-After`` = the
whole seconds until that window ends; refused requests do not count. The figures
``/rate-limit/status`` reports are read from the same counters, so what is reported is
what is enforced.

Windows live in memory (a restart starts them afresh). Daily request totals per
category are kept in the settings table for usage reporting (``usage.py``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from . import clock
from .db import Store

PLAN_ID = "sandbox"
DEFAULT_PER_MINUTE = 20_000
DEFAULT_PER_HOUR = 1_000_000
CATEGORIES = ("default", "upload", "search", "export_download")
CATEGORY_RULES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("POST", re.compile(r"^/(videos/upload|workflow/upload)$"), "upload"),
    ("*", re.compile(r"^/(search|workflow/search)(/|$)|/(image-|multimodal-)?search$"), "search"),
    ("GET", re.compile(r"^/exports/[^/]+/download$"), "export_download"),
)
USAGE_PREFIX = "usage_requests:"


def category_of(method: str, api_path: str) -> str:
    """The category a request to ``api_path`` (below ``/api/v2``) counts in."""
    for rule_method, pattern, name in CATEGORY_RULES:
        if rule_method in ("*", method.upper()) and pattern.search(api_path):
            return name
    return "default"


@dataclass
class Limits:
    per_minute: int = DEFAULT_PER_MINUTE
    per_hour: int = DEFAULT_PER_HOUR


@dataclass
class _Window:
    start: int = 0
    used: int = 0


@dataclass
class Refusal:
    """Why a request was refused; becomes the 429 answer."""

    category: str
    window: str
    limit: int
    used: int
    reset_at: int
    retry_after: int

    def details(self) -> dict[str, Any]:
        return {"resource": f"requests_per_{self.window}", "category": self.category,
                "limit": self.limit, "used": self.used, "reset_time": self.reset_at}


@dataclass
class RateLimiter:
    """Counters of one server process (one tenant per API key hash)."""

    store: Store
    limits: dict[str, Limits] = field(default_factory=dict)
    _minute: dict[tuple[str, str], _Window] = field(default_factory=dict)
    _hour: dict[tuple[str, str], _Window] = field(default_factory=dict)

    @classmethod
    def create(cls, store: Store, per_minute: int, per_hour: int) -> RateLimiter:
        limiter = cls(store)
        for name in CATEGORIES:
            limiter.limits[name] = Limits(per_minute, per_hour)
        return limiter

    def set_limits(self, category: str, per_minute: int, per_hour: int) -> None:
        self.limits[category] = Limits(per_minute, per_hour)

    @staticmethod
    def _current(windows: dict[tuple[str, str], _Window], key: tuple[str, str],
                 start: int) -> _Window:
        window = windows.get(key)
        if window is None or window.start != start:
            window = windows[key] = _Window(start)
        return window

    def _windows(self, key_hash: str, category: str, now: float) -> tuple[_Window, _Window]:
        key = (key_hash, category)
        minute = self._current(self._minute, key, int(now // 60) * 60)
        hour = self._current(self._hour, key, int(now // 3600) * 3600)
        return minute, hour

    def hit(self, key_hash: str, category: str) -> Refusal | None:
        """Count one request, or say why it is refused (then it is not counted)."""
        now = clock.now()
        limits = self.limits[category]
        minute, hour = self._windows(key_hash, category, now)
        for window, name, limit, length in ((minute, "minute", limits.per_minute, 60),
                                            (hour, "hour", limits.per_hour, 3600)):
            if window.used >= limit:
                reset = window.start + length
                return Refusal(category, name, limit, window.used, reset,
                               max(1, math.ceil(reset - now)))
        minute.used += 1
        hour.used += 1
        self._count_day(category, now)
        return None

    def _count_day(self, category: str, now: float) -> None:
        day = datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%d")
        self.store.conn.execute(
            "INSERT INTO settings(key, value) VALUES(?, '1') ON CONFLICT(key) DO UPDATE "
            "SET value=CAST(CAST(value AS INTEGER) + 1 AS TEXT)",
            (f"{USAGE_PREFIX}{category}:{day}",),
        )

    def status(self, key_hash: str) -> dict[str, dict[str, int]]:
        """``RateLimitStatus.categories`` for one key, from the enforcing counters."""
        now = clock.now()
        out: dict[str, dict[str, int]] = {}
        for name, limits in self.limits.items():
            minute, hour = self._windows(key_hash, name, now)
            out[name] = {
                "minute_used": minute.used, "minute_limit": limits.per_minute,
                "minute_remaining": max(0, limits.per_minute - minute.used),
                "hour_used": hour.used, "hour_limit": limits.per_hour,
                "hour_remaining": max(0, limits.per_hour - hour.used),
                "reset_at": minute.start + 60,
            }
        return out


def daily_requests(store: Store) -> dict[tuple[str, str], int]:
    """Persisted request counts: ``(category, YYYY-MM-DD) -> n``."""
    rows = store.conn.execute("SELECT key, value FROM settings WHERE key LIKE ?",
                              (f"{USAGE_PREFIX}%",)).fetchall()
    out: dict[tuple[str, str], int] = {}
    for raw in rows:
        category, _, day = raw["key"][len(USAGE_PREFIX):].partition(":")
        out[(category, day)] = int(raw["value"])
    return out

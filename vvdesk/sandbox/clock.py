"""Wall clock plus simulated-time scaling.

Every simulated duration in the sandbox is expressed in *base seconds* (time-scale
1.0) and divided by the configured time scale, so tests can run 50x faster while
the desktop app sees realistic pacing.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime


def now() -> float:
    """Current epoch seconds (real time; persisted deadlines use this)."""
    return time.time()


def iso(ts: float | None = None) -> str:
    """ISO-8601 UTC timestamp with microseconds and a ``Z`` suffix."""
    value = now() if ts is None else ts
    return datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class SimClock:
    """Converts base-second durations into real deadlines for one time scale."""

    def __init__(self, time_scale: float) -> None:
        if time_scale <= 0:
            raise ValueError("time scale must be positive")
        self.time_scale = time_scale

    def real(self, base_seconds: float) -> float:
        """Real seconds that ``base_seconds`` of simulated work take."""
        return base_seconds / self.time_scale

    def after(self, base_seconds: float) -> float:
        """Epoch deadline ``base_seconds`` of simulated work from now."""
        return now() + self.real(base_seconds)

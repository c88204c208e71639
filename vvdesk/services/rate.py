"""Transfer rate and ETA, computed in one place (smoothed so the numbers do not jitter)."""

from __future__ import annotations

import time

SMOOTHING = 0.3  # weight of the newest sample


class RateMeter:
    def __init__(self) -> None:
        self._last: tuple[float, int] | None = None
        self.rate = 0.0

    def reset(self) -> None:
        self._last, self.rate = None, 0.0

    def sample(self, sent: int, now: float | None = None) -> float:
        """Feed the byte count; returns bytes per second."""
        now = time.monotonic() if now is None else now
        if self._last is not None:
            t0, s0 = self._last
            dt = now - t0
            if sent < s0:  # rewound for a retry
                self.rate = 0.0
            elif dt > 0:
                inst = (sent - s0) / dt
                self.rate = inst if self.rate == 0 else (
                    SMOOTHING * inst + (1 - SMOOTHING) * self.rate)
        self._last = (now, sent)
        return self.rate

    def eta(self, sent: int, total: int) -> float | None:
        if self.rate <= 0 or total <= 0:
            return None
        return max(total - sent, 0) / self.rate

"""Is the server answering with errors over and over (a 5xx storm)? No Qt here.

Every HTTP answer of a session's clients passes `RequestGuard.on_answer`; `ServerHealth`
counts them. A run of STORM_AFTER server errors (5xx) with no good answer between them is
trouble: the status bar says so instead of "connected", with how long the errors have
lasted. The first good answer ends it. One failed call is already a run of answers (the
SDK retries a 5xx twice), so a call that failed once among good ones does not count.
"""

from __future__ import annotations

import time
from collections.abc import Callable

STORM_AFTER = 3  # server errors in a row, with no good answer between them


def is_server_error(status: int) -> bool:
    return 500 <= status <= 599


def how_long(seconds: float) -> str:
    """A duration in words for the status bar: "less than a minute", "2 minutes"…"""
    minutes = int(seconds // 60)
    if minutes < 1:
        return "less than a minute"
    if minutes < 120:
        return "1 minute" if minutes == 1 else f"{minutes} minutes"
    return f"{minutes // 60} hours"


class ServerHealth:
    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 storm_after: int = STORM_AFTER) -> None:
        self._clock = clock
        self.storm_after = storm_after
        self.errors_in_row = 0
        self.first_error: float | None = None  # clock time of the run's first error
        self.last_error: float | None = None

    @property
    def failing(self) -> bool:
        return self.errors_in_row >= self.storm_after

    def answer(self, status: int) -> bool:
        """Count one answer; whether the server is failing now."""
        if not is_server_error(status):
            self.errors_in_row, self.first_error, self.last_error = 0, None, None
            return False
        now = self._clock()
        if self.first_error is None:
            self.first_error = now
        self.last_error = now
        self.errors_in_row += 1
        return self.failing

    def describe(self) -> str:
        """The status line while failing, in plain words."""
        lasted = (self.last_error or 0.0) - (self.first_error or 0.0)
        return (f"The server is having problems (errors for {how_long(lasted)}). "
                "vvdesk keeps retrying.")

"""Waiting on a rate-limited server, in one place: Retry-After parsing, how a wait is said.

No httpx here: api/errors.py needs these words and is imported before the HTTP stack.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

SDK_WAIT_MAX_S = 5  # a shorter Retry-After is left to the SDK's own retry
UNSTATED_WAIT_S = 60  # the wait when the server gives no usable Retry-After (as the SDK)
RETRY_LATER_CODE = "vvdesk_retry_later"


@dataclass(frozen=True)
class RateNotice:
    """A 429 as it arrived: how long the server asked to wait, and until when."""

    wait_s: int
    stated: bool  # False: no usable Retry-After (e.g. "soon"); wait_s is our default
    retry_at: float  # epoch seconds
    sdk_retries: bool  # the SDK itself asks again after wait_s (a short wait)

    @property
    def message(self) -> str:
        at = datetime.fromtimestamp(self.retry_at).strftime("%H:%M:%S")
        if self.wait_s >= 20 * 3600:
            at = datetime.fromtimestamp(self.retry_at).strftime("%a %H:%M")
        how_long = wait_words(self.wait_s)
        if not self.stated:
            said = ("The server is rate limiting requests and did not say for how long; vvdesk "
                    f"waits {how_long}")
        else:
            said = f"The server is rate limiting requests and asks vvdesk to wait {how_long}"
        then = ("and then tries again by itself" if self.sdk_retries
                else "; try again after that")
        return f"{said} (until {at}) {then}.".replace(" ;", ";")


def wait_words(seconds: float) -> str:
    s = max(0, math.ceil(seconds))
    if s < 90:
        return f"{s} s"
    if s < 90 * 60:
        return f"{round(s / 60)} min"
    if s < 36 * 3600:
        return f"{round(s / 3600)} h"
    return f"{round(s / 86400)} days"


def parse_retry_after(value: str | None, now: float | None = None) -> int | None:
    """Seconds to wait from a Retry-After value (seconds or an HTTP date), None if unusable."""
    text = (value or "").strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    try:
        at = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return max(0, math.ceil(at.timestamp() - (time.time() if now is None else now)))

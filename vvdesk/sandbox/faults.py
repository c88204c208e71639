"""Fault rules for tests: latency, forced statuses and dropped connections.

Rules live in memory (off by default) and match on HTTP method + a regex searched
in the request path. A rule fires on its ``nth`` matching request and the
following ``times - 1`` ones. Control endpoints are never subject to faults.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from .errors import invalid

_ids = itertools.count(1)


@dataclass
class FaultRule:
    """One fault rule; see README for the JSON shape."""

    path: str
    method: str = "*"
    latency: float = 0.0
    status: int | None = None
    retry_after: str | None = None
    code: str | None = None
    drop_response_after: int | None = None
    drop_request_after: int | None = None
    message: str | None = None  # the error message of a `status` answer
    body: Any = None  # answer this JSON (with `status`, default 200) instead of handling
    trickle_s: float = 0.0  # send the response body one byte at a time, this far apart
    endless: bool = False  # `body` (a list): its rows again and again, the list never closed
    nth: int = 1
    times: int = 1
    fault_id: str = field(default_factory=lambda: f"flt_{next(_ids)}")
    seen: int = 0
    fired: int = 0

    def public(self) -> dict[str, Any]:
        return asdict(self)


class FaultBook:
    """The active rules of one server process."""

    def __init__(self) -> None:
        self.rules: list[FaultRule] = []

    def add(self, body: dict[str, Any]) -> FaultRule:
        allowed = set(FaultRule.__dataclass_fields__) - {"fault_id", "seen", "fired"}
        unknown = set(body) - allowed
        if unknown:
            raise invalid(sorted(unknown)[0], f"unknown fault field(s): {sorted(unknown)}")
        if not isinstance(body.get("path"), str):
            raise invalid("path", "path (a regex) is required")
        try:
            re.compile(body["path"])
        except re.error as exc:
            raise invalid("path", f"invalid regex: {exc}") from exc
        try:
            rule = FaultRule(**body)
        except TypeError as exc:
            raise invalid("rule", str(exc)) from exc
        if rule.nth < 1 or rule.times < 1:
            raise invalid("nth", "nth and times must be >= 1")
        if rule.retry_after is not None:
            rule.retry_after = str(rule.retry_after)
        if rule.message is not None and not isinstance(rule.message, str):
            raise invalid("message", "message must be a string")
        if not isinstance(rule.endless, bool) or (rule.endless and not (
                isinstance(rule.body, list) and rule.body)):
            raise invalid("endless", "endless needs a body that is a non-empty list")
        if not isinstance(rule.trickle_s, int | float) or not 0 <= rule.trickle_s <= 10:
            raise invalid("trickle_s", "trickle_s must be 0-10 seconds")
        self.rules.append(rule)
        return rule

    def clear(self) -> None:
        self.rules.clear()

    def match(self, method: str, path: str) -> FaultRule | None:
        """Count the request against matching rules; return the one that fires."""
        fired: FaultRule | None = None
        for rule in self.rules:
            if rule.method not in ("*", method.upper()):
                continue
            if not re.search(rule.path, path):
                continue
            rule.seen += 1
            if fired is None and rule.seen >= rule.nth and rule.fired < rule.times:
                rule.fired += 1
                fired = rule
        return fired

"""Field checks on decoded JSON bodies (422 ``validation_error`` naming the field).

Domain validators (prompts, run options, media registration) use them, so they live
below the routes rather than in ``web``.
"""

from __future__ import annotations

from typing import Any

from .errors import invalid


def require_str(body: dict[str, Any], name: str, *, low: int = 1, high: int = 255) -> str:
    value = body.get(name)
    if not isinstance(value, str):
        raise invalid(name, f"{name} is required and must be a string")
    if not low <= len(value) <= high:
        raise invalid(name, f"{name} must be {low}-{high} characters long")
    return value


def optional_str(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid(name, f"{name} must be a string")
    return value

"""Error envelope used for every non-2xx answer.

The SDK reads ``error.{code,message,details,request_id}``; a FastAPI-style
``{"detail": ...}`` body would surface as "Unknown error", so nothing here ever
produces one.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """Raised by handlers; rendered as the canonical error envelope."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}
        self.headers = headers or {}


def envelope(code: str, message: str, details: dict[str, Any], request_id: str) -> dict[str, Any]:
    """Canonical error body."""
    return {
        "error": {
            "code": code,
            "message": message,
            "details": details,
            "request_id": request_id,
        }
    }


def not_found(kind: str, resource_id: str) -> ApiError:
    """404 ``resource_<kind>_not_found``."""
    label = kind.replace("_", " ")
    return ApiError(
        404,
        f"resource_{kind}_not_found",
        f"{label.capitalize()} '{resource_id}' was not found",
        {"resource": kind, "id": resource_id},
    )


def invalid(field: str, message: str, **extra: Any) -> ApiError:
    """422 ``validation_error`` whose details name the offending field."""
    return ApiError(422, "validation_error", message, {"field": field, **extra})


def conflict(code: str, message: str, **details: Any) -> ApiError:
    """409 with a specific code."""
    return ApiError(409, code, message, dict(details))

"""Settings keys the app and the exports controller share, and reading a boolean one
(cheap to import: the app reads them before any feature module is loaded)."""

from __future__ import annotations

from typing import Any

AUTO_DOWNLOAD = "exports/auto_download"
NOTIFY = "exports/notify"
MAX_AUTO_DOWNLOADS = "exports/max_auto_downloads"  # at once; default below
MAX_AUTO_DOWNLOADS_DEFAULT = 2


def whole(value: Any, default: int, low: int = 1) -> int:
    """A whole-number setting as QSettings returns it (int, text, or None)."""
    try:
        return max(low, int(value)) if value is not None else default
    except (TypeError, ValueError):
        return default


def flag(value: Any, default: bool) -> bool:
    """A boolean setting as QSettings returns it (bool, "true"/"false", or None)."""
    if value is None:
        return default
    return value if isinstance(value, bool) else str(value).lower() in ("true", "1")

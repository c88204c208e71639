"""How sizes, durations and server timestamps are shown: one place, so every pane agrees.

Sizes use decimal units (1 KB = 1000 B), like desktop file managers.
"""

from __future__ import annotations


def human_size(n: float | None) -> str:
    if n is None:
        return ""
    for unit in ("B", "KB", "MB"):
        if abs(n) < 1000:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"


def human_eta(seconds: float | None) -> str:
    if seconds is None:
        return ""
    s = int(seconds + 0.5)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


def when(value: object) -> str:
    """An ISO timestamp from the server as 'YYYY-MM-DD HH:MM:SS' (unparsable: as it came)."""
    if value is None:
        return ""
    iso = value.isoformat() if hasattr(value, "isoformat") else str(value)  # datetime or str
    return iso.replace("T", " ")[:19]


def local_time(value: object) -> str:
    """A server timestamp in this computer's time zone, 'YYYY-MM-DD HH:MM' (the server
    sends UTC; a value that is not a timestamp is shown as `when` shows it)."""
    from datetime import datetime

    if value is None or value == "":
        return ""
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(
            str(value).replace("Z", "+00:00"))
    except ValueError:
        return when(value)
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")

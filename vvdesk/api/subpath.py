"""The destination sub-path rule for connector exports (contract §4.5), checked before sending.

Shared by the export dialog and automations: a relative POSIX path inside the connector's
export base path. The server answers 422 for the same cases; checking first lets the
dialog show the reason next to the field instead of after a round trip.
"""

from __future__ import annotations


def subpath_problem(value: str) -> str | None:
    """Why `value` is not an acceptable destination sub-path, or None (empty is allowed)."""
    if value == "":
        return None
    if value.startswith("/"):
        return "The sub-path must be relative: remove the leading “/”."
    if "\\" in value:
        return "Use “/” between folders, not a backslash."
    segments = value.rstrip("/").split("/")
    if any(s == "" for s in segments):
        return "The sub-path has an empty folder name (“//”)."
    if any(s in ("..", ".") for s in segments):
        return "The sub-path may not contain “..” or “.” folders: it must stay inside " \
               "the connector's export folder."
    if value != value.strip():
        return "The sub-path may not start or end with spaces."
    return None


def normalize_subpath(value: str) -> str | None:
    """The value to send: None when empty, without a trailing slash."""
    value = value.rstrip("/")
    return value or None

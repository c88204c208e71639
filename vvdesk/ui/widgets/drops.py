"""Thin drag-and-drop helpers: accept local file URLs, hand the paths on. No file I/O here."""

from __future__ import annotations

from PySide6.QtCore import QMimeData


def local_paths(mime: QMimeData | None) -> list[str]:
    """Local file/folder paths in a drag (others, e.g. http URLs or text, are ignored)."""
    if mime is None or not mime.hasUrls():
        return []
    return [u.toLocalFile() for u in mime.urls() if u.isLocalFile() and u.toLocalFile()]

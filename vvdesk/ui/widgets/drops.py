"""Thin drag-and-drop helpers: accept local file URLs, hand the paths on. No file I/O here."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QMimeData


def local_paths(mime: QMimeData | None) -> list[str]:
    """Local file/folder paths in a drag (others, e.g. http URLs or text, are ignored)."""
    if mime is None or not mime.hasUrls():
        return []
    return [u.toLocalFile() for u in mime.urls() if u.isLocalFile() and u.toLocalFile()]


def accept_files(event: Any) -> list[str]:
    """Accept a drag/drop event that carries local files (returning them), else ignore it."""
    paths = local_paths(event.mimeData())
    if paths:
        event.acceptProposedAction()
    else:
        event.ignore()
    return paths


class FileDropTarget:
    """Mixin (before the Qt class) for widgets that take dropped files and folders.

    Drags with local files are accepted, anything else (text, web links) is refused;
    dropEvent stays with the widget, which decides what the paths are for.
    """

    def dragEnterEvent(self, e: Any) -> None:
        accept_files(e)

    def dragMoveEvent(self, e: Any) -> None:
        accept_files(e)

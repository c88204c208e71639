"""Thin drag-and-drop helpers: accept local file URLs, hand the paths on. No file I/O here."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import unquote_to_bytes

from PySide6.QtCore import QMimeData, QUrl


def local_paths(mime: QMimeData | None) -> list[str]:
    """Local file/folder paths in a drag (others, e.g. http URLs or text, are ignored)."""
    if mime is None or not mime.hasUrls():
        return []
    return [_exact_path(u) for u in mime.urls() if u.isLocalFile() and u.toLocalFile()]


def _exact_path(url: QUrl) -> str:
    """toLocalFile() turns bytes of a name that are not UTF-8 into U+FFFD (a file that does
    not exist); on POSIX the URL's percent-escapes still hold the exact bytes."""
    path = url.toLocalFile()
    if os.name == "posix" and "\ufffd" in path and not url.host():
        raw = url.path(QUrl.ComponentFormattingOption.FullyEncoded)
        return os.fsdecode(unquote_to_bytes(raw))
    return path


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

"""Expand dropped files and folders into uploadable media, with a reason for everything skipped.

Pure file-system code (no Qt): the transfer service runs `scan` in a worker thread.
Nothing is dropped silently: every path that is not queued comes back in `skipped`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from vvdesk.vocab import extension, media_type

UNSUPPORTED = "unsupported type"
UNREADABLE = "unreadable"
EMPTY = "empty file"
NOT_REGULAR = "not a regular file"
ALREADY_QUEUED = "already queued"
NO_MEDIA = "folder has no media files"


@dataclass(frozen=True)
class Found:
    path: str
    size: int
    media_type: str


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str  # one of the constants above, maybe with a detail after ": "


@dataclass
class ScanResult:
    files: list[Found] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _check_file(path: str, seen: set[str], result: ScanResult) -> None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        result.skipped.append(Skipped(path, f"{UNREADABLE}: missing (broken link?)"))
        return
    except OSError as exc:
        result.skipped.append(Skipped(path, f"{UNREADABLE}: {exc.strerror or exc}"))
        return
    if not stat.S_ISREG(st.st_mode):
        result.skipped.append(Skipped(path, NOT_REGULAR))
        return
    kind = media_type(path)
    if kind is None:
        ext = extension(path)
        result.skipped.append(Skipped(path, f"{UNSUPPORTED}: .{ext}" if ext else
                                      f"{UNSUPPORTED}: no extension"))
        return
    if st.st_size == 0:
        result.skipped.append(Skipped(path, EMPTY))
        return
    real = os.path.realpath(path)
    if real in seen:
        result.skipped.append(Skipped(path, ALREADY_QUEUED))
        return
    try:
        with open(path, "rb") as handle:
            handle.read(1)
    except OSError as exc:
        result.skipped.append(Skipped(path, f"{UNREADABLE}: {exc.strerror or exc}"))
        return
    seen.add(real)
    result.files.append(Found(path, st.st_size, kind))


def _walk(folder: str, seen: set[str], result: ScanResult) -> None:
    before = len(result.files)
    errors: list[OSError] = []
    for root, dirs, names in os.walk(folder, onerror=errors.append):
        dirs.sort()
        for name in sorted(names):
            _check_file(os.path.join(root, name), seen, result)
        for name in dirs:
            full = os.path.join(root, name)
            if os.path.islink(full):  # os.walk does not follow links to folders: say so
                result.skipped.append(Skipped(full, f"{NOT_REGULAR}: link to a folder"))
    for exc in errors:
        result.skipped.append(Skipped(exc.filename or folder,
                                      f"{UNREADABLE}: {exc.strerror or exc}"))
    if len(result.files) == before and not any(
            s.path.startswith(folder + os.sep) for s in result.skipped):
        result.skipped.append(Skipped(folder, NO_MEDIA))


def scan(paths: Iterable[str | Path], queued: Iterable[str] = ()) -> ScanResult:
    """Files in `paths` (folders expanded recursively) that can be uploaded.

    `queued` holds paths already in the transfer queue; they are skipped as such.
    """
    seen = {os.path.realpath(p) for p in queued}
    result = ScanResult()
    for p in paths:
        path = os.path.abspath(str(p))
        if os.path.isdir(path) and not os.path.islink(path):
            _walk(path, seen, result)
        else:
            _check_file(path, seen, result)
    return result


def summary(skipped: list[Skipped]) -> dict[str, int]:
    """How many were skipped per reason (the reason without its detail)."""
    out: dict[str, int] = {}
    for s in skipped:
        key = s.reason.split(":", 1)[0]
        out[key] = out.get(key, 0) + 1
    return out

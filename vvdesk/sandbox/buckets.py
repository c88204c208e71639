"""Connector buckets as folders: ``<data-dir>/buckets/<bucket-or-container>/``.

Listing mimics object storage: keys are POSIX paths relative to the bucket,
``prefix`` is a plain string prefix on the key, ``pattern`` is a glob (with
``{a,b}`` brace alternatives) matched against the file *name*, and a
non-recursive listing stops at the first ``/`` after the prefix.
"""

from __future__ import annotations

import fnmatch
import hashlib
import mimetypes
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import clock

BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$")


@dataclass
class BucketFile:
    key: str
    path: Path
    size: int
    mtime_ns: int

    def cloud_file(self) -> dict[str, Any]:
        """``CloudFile`` JSON."""
        name = self.key.rsplit("/", 1)[-1]
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        return {
            "path": self.key, "name": name, "size_bytes": self.size,
            "last_modified": clock.iso(self.mtime_ns / 1e9),
            "content_type": mimetypes.guess_type(name)[0], "extension": ext,
        }


def expand_braces(pattern: str) -> list[str]:
    """``*.{mp4,mov}`` -> ``['*.mp4', '*.mov']`` (nested and repeated groups too)."""
    match = re.search(r"\{([^{}]*)\}", pattern)
    if match is None:
        return [pattern]
    head, tail = pattern[: match.start()], pattern[match.end() :]
    out: list[str] = []
    for option in match.group(1).split(","):
        out.extend(expand_braces(head + option + tail))
    return out


def list_files(root: Path, prefix: str, pattern: str, recursive: bool) -> list[BucketFile]:
    """Matching files under ``root`` sorted by key (hidden ``.`` files skipped)."""
    if not root.is_dir():
        return []
    globs = expand_braces(pattern or "*")
    found = []
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        key = path.relative_to(root).as_posix()
        if any(part.startswith(".") for part in key.split("/")):
            continue
        if not key.startswith(prefix):
            continue
        if not recursive and "/" in key[len(prefix):]:
            continue
        name = key.rsplit("/", 1)[-1]
        if not any(fnmatch.fnmatchcase(name, g) for g in globs):
            continue
        stat = path.stat()
        found.append(BucketFile(key, path, stat.st_size, stat.st_mtime_ns))
    return sorted(found, key=lambda f: f.key)


def copy_to_blobs(source: Path, blob_dir: Path, tmp_dir: Path) -> str:
    """Copy a bucket file into the content-addressed blob store; returns its sha256."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    blob_dir.mkdir(parents=True, exist_ok=True)
    hasher = hashlib.sha256()
    tmp = tmp_dir / f"{source.name}.{clock.now():.6f}.copy"
    with source.open("rb") as src, tmp.open("wb") as dst:
        while chunk := src.read(1 << 20):
            hasher.update(chunk)
            dst.write(chunk)
    digest = hasher.hexdigest()
    target = blob_dir / digest
    if target.exists():
        tmp.unlink()
    else:
        shutil.move(str(tmp), target)
    return digest

"""Thumbnails on disk in the user cache dir, bounded in bytes, least recently used out first.

Qt-free and synchronous: every call does file I/O, so callers run it in a worker thread
(`asyncio.to_thread`). A file's mtime is its last use (touched on every hit), so the order
survives a restart without an index file.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from pathlib import Path

DEFAULT_LIMIT_BYTES = 200 * 1024 * 1024


def default_cache_dir() -> Path:
    """VVDESK_CACHE_DIR (tests), else the platform's user cache dir."""
    if root := os.environ.get("VVDESK_CACHE_DIR"):
        return Path(root) / "thumbnails"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("vvdesk", appauthor=False)) / "thumbnails"


def cache_key(origin: str, video_id: str) -> str:
    """Ids are per server (two sandboxes both have `vid_demo_harbor`): key by origin too."""
    return hashlib.sha256(f"{origin}\n{video_id}".encode()).hexdigest()[:40]


class PictureCache:
    def __init__(self, root: Path, limit_bytes: int = DEFAULT_LIMIT_BYTES) -> None:
        self.root = root
        self.limit_bytes = limit_bytes
        self._lock = threading.Lock()
        self._sizes: OrderedDict[str, int] | None = None  # key -> bytes, oldest use first
        self._total = 0

    def _index(self) -> OrderedDict[str, int]:
        if self._sizes is None:
            self.root.mkdir(parents=True, exist_ok=True)
            found = []
            for entry in os.scandir(self.root):
                if entry.is_file() and entry.name.endswith(".jpg"):
                    st = entry.stat()
                    found.append((st.st_mtime_ns, entry.name[:-4], st.st_size))
            found.sort()
            self._sizes = OrderedDict((key, size) for _, key, size in found)
            self._total = sum(self._sizes.values())
        return self._sizes

    def _path(self, key: str) -> Path:
        return self.root / f"{key}.jpg"

    def get(self, key: str) -> bytes | None:
        with self._lock:
            sizes = self._index()
            if key not in sizes:
                return None
            path = self._path(key)
            try:
                data = path.read_bytes()
                os.utime(path)  # its last use: what eviction orders by, also after a restart
            except OSError:
                self._total -= sizes.pop(key)
                return None
            sizes.move_to_end(key)
            return data

    def put(self, key: str, data: bytes) -> None:
        with self._lock:
            sizes = self._index()
            path = self._path(key)
            part = path.with_suffix(".part")
            part.write_bytes(data)
            os.replace(part, path)
            self._total += len(data) - sizes.pop(key, 0)
            sizes[key] = len(data)
            while self._total > self.limit_bytes and len(sizes) > 1:
                old, size = sizes.popitem(last=False)
                self._total -= size
                self._path(old).unlink(missing_ok=True)

    def keys(self) -> list[str]:
        """Cached keys, least recently used first."""
        with self._lock:
            return list(self._index())

    @property
    def total_bytes(self) -> int:
        with self._lock:
            self._index()
            return self._total

"""The thumbnail disk cache: bounded in bytes, least recently used out first, across restarts."""

from __future__ import annotations

import os
import time
from pathlib import Path

from vvdesk.services.picture_cache import PictureCache, cache_key, default_cache_dir


def test_evicts_least_recently_used_past_its_bound(tmp_path: Path) -> None:
    cache = PictureCache(tmp_path / "thumbs", limit_bytes=3000)
    for name in ("a", "b", "c"):
        cache.put(name, name.encode() * 1000)
    assert cache.total_bytes == 3000
    assert cache.get("a") == b"a" * 1000  # a is now the most recently used
    cache.put("d", b"d" * 1000)  # over the bound: b (oldest use) goes, not a
    assert cache.get("b") is None
    assert not (tmp_path / "thumbs" / "b.jpg").exists()
    assert {k for k in ("a", "c", "d") if cache.get(k) is not None} == {"a", "c", "d"}
    assert cache.total_bytes <= 3000
    # replacing a key counts its new size once
    cache.put("a", b"A" * 500)
    assert cache.total_bytes == 2500 and cache.get("a") == b"A" * 500


def test_order_of_use_survives_a_restart(tmp_path: Path) -> None:
    root = tmp_path / "thumbs"
    first = PictureCache(root, limit_bytes=10_000)
    for i, name in enumerate(("old", "used", "new")):
        first.put(name, b"x" * 1000)
        past = time.time() - 100 + i
        os.utime(root / f"{name}.jpg", (past, past))
    first.get("used")  # touched now: the most recent
    again = PictureCache(root, limit_bytes=2000)
    assert again.keys() == ["old", "new", "used"]
    again.put("more", b"y" * 1000)
    assert sorted(p.stem for p in root.glob("*.jpg")) == ["more", "used"]
    assert not list(root.glob("*.part"))


def test_keys_are_per_server_and_the_dir_follows_the_environment(monkeypatch, tmp_path) -> None:
    assert cache_key("http://127.0.0.1:1", "vid") != cache_key("http://127.0.0.1:2", "vid")
    monkeypatch.setenv("VVDESK_CACHE_DIR", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c" / "thumbnails"

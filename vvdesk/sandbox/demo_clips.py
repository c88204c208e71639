"""Real demo media for the seed: short clips, a tone and a poster, made with PyAV.

Nothing is downloaded. Each file is synthesised once per data dir (about a second for
all six, a few MB in all) and stored as an ordinary blob. When the environment names
a cache folder (``VV_SANDBOX_DEMO_CACHE``, set by the test harness), finished files
are kept there per PyAV version and copied instead of re-encoded, so many short-lived
sandboxes do not pay the encoding each time.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

import av

from . import blobs, mediakit
from .context import Context

CACHE_ENV = "VV_SANDBOX_DEMO_CACHE"
RECIPE_VERSION = 1


def _recipe(filename: str, media_type: str, seconds: float, hue: int
            ) -> Callable[[Path], None]:
    if media_type == "audio":
        return lambda path: mediakit.synth_audio(path, seconds, tone=220.0 + hue)
    if media_type == "image":
        return lambda path: mediakit.synth_image(path, hue=hue)
    tone = 330.0 + hue if hue % 2 == 0 else None  # some clips have sound, some do not
    return lambda path: mediakit.synth_video(path, seconds, hue=hue, tone=tone)


def _cache_dir() -> Path | None:
    root = os.environ.get(CACHE_ENV)
    if not root:
        return None
    return Path(root) / f"av{av.__version__}-r{RECIPE_VERSION}"


def make(ctx: Context, filename: str, media_type: str, seconds: float, hue: int
         ) -> tuple[str, mediakit.Probe | None]:
    """Synthesise (or copy from the cache) one demo file; ``(blob sha256, probe)``."""
    ctx.tmp_dir.mkdir(parents=True, exist_ok=True)
    work = ctx.tmp_dir / f"demo-{uuid.uuid4().hex}-{filename}"
    cache = _cache_dir()
    cached = cache / f"{hue}-{seconds:g}-{filename}" if cache else None
    if cached is not None and cached.exists():
        shutil.copyfile(cached, work)
    else:
        _recipe(filename, media_type, seconds, hue)(work)
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            spare = cached.with_name(f".{uuid.uuid4().hex}.tmp")
            shutil.copyfile(work, spare)
            spare.replace(cached)
    try:
        found = mediakit.probe(work, filename)
        sha = blobs.put_bytes(ctx.blob_dir, work.read_bytes())
    finally:
        work.unlink(missing_ok=True)
    return sha, found

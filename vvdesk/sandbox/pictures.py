"""Read side of the rendered pictures: base64 fields and ``gs://`` names for the API.

``thumbnail_data``, ``first_thumbnail`` and ``gif_data`` are the plain base64 of the
JPEG/GIF bytes (no ``data:`` prefix). Every picture and media item also has a
``gs://vv-sandbox/...`` name that ``POST /videos/signed-url`` turns into a link.
"""

from __future__ import annotations

import base64
from typing import Any

from .context import Context

BUCKET = "gs://vv-sandbox"


def blob_b64(ctx: Context, sha: str | None) -> str | None:
    """Base64 of a stored blob (``None`` when absent)."""
    if not sha:
        return None
    path = ctx.blob_dir / sha
    try:
        return base64.b64encode(path.read_bytes()).decode()
    except FileNotFoundError:
        return None


def thumbnail_uri(ctx: Context, segment_id: str) -> str:
    return f"{BUCKET}/thumbnails/{ctx.user_id}/{segment_id}.jpg"


def gif_uri(ctx: Context, owner_id: str) -> str:
    return f"{BUCKET}/previews/{ctx.user_id}/{owner_id}.gif"


def segment_fields(ctx: Context, seg: dict[str, Any], video: dict[str, Any] | None,
                   *, with_gif: bool = True) -> dict[str, Any]:
    """The picture/location fields of a ``Segment`` (or a search result for it)."""
    thumb, gif = seg.get("_thumb_sha"), seg.get("_gif_sha")
    seg_id = seg["segment_id"]
    return {
        "gcs_uri": video["video_uri"] if video else None,
        "thumbnail_gcs_uri": thumbnail_uri(ctx, seg_id) if thumb else None,
        "gif_gcs_uri": gif_uri(ctx, seg_id) if gif else None,
        "thumbnail_data": blob_b64(ctx, thumb),
        "thumbnail_available": bool(thumb),
        "gif_data": blob_b64(ctx, gif) if with_gif else None,
        "gif_available": bool(gif),
    }


def video_fields(ctx: Context, video: dict[str, Any]) -> dict[str, Any]:
    """``first_thumbnail`` and ``gif_data`` of a ``VideoWithDetails``."""
    return {"first_thumbnail": blob_b64(ctx, video.get("_thumb_sha")),
            "gif_data": blob_b64(ctx, video.get("_gif_sha"))}

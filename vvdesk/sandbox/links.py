"""Signed media links: ``gs://`` names to short-lived tokenised URLs on this server.

A token is ``base64url(json {u: gs-uri, e: expiry epoch}) + "." + base64url(HMAC-SHA256
(secret, payload)[:16])``. The secret is made once per data dir (settings table), so
links survive a restart of the same sandbox. The same name gets the same link back
while more than half its lifetime is left (``force_refresh`` mints a new one).
Lifetime: 900 s, or what ``POST /_sandbox/links`` set.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import mimetypes
import secrets
from dataclasses import dataclass
from pathlib import Path

from . import clock
from .context import Context
from .errors import ApiError, not_found
from .pictures import BUCKET

DEFAULT_TTL = 900.0
LINK_PATH = "/media/"
TOKEN_ERROR = "authorization_invalid_media_token"


@dataclass(frozen=True)
class Target:
    """The bytes behind a name."""

    path: Path
    content_type: str


def ttl(ctx: Context) -> float:
    raw = ctx.store.setting("link_ttl")
    return float(raw) if raw else DEFAULT_TTL


def set_ttl(ctx: Context, seconds: float | None) -> None:
    ctx.store.set_setting("link_ttl", None if seconds is None else repr(float(seconds)))
    ctx.links.clear()


def _secret(ctx: Context) -> bytes:
    value = ctx.store.setting("link_secret")
    if value is None:
        value = secrets.token_hex(32)
        ctx.store.set_setting("link_secret", value)
    return bytes.fromhex(value)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def mint(ctx: Context, uri: str, base_url: str, *, refresh: bool = False) -> tuple[str, float]:
    """``(signed_url, expires_at epoch)`` for a resolvable ``uri`` (404 otherwise)."""
    resolve(ctx, uri)
    now = clock.now()
    life = ttl(ctx)
    cached = ctx.links.get(uri)
    if cached and not refresh and cached[1] - now > life / 2:
        return cached
    payload = _b64(json.dumps({"u": uri, "e": round(now + life, 3)},
                              separators=(",", ":")).encode())
    mac = hmac.new(_secret(ctx), payload.encode(), hashlib.sha256).digest()[:16]
    url = f"{base_url.rstrip('/')}{LINK_PATH}{payload}.{_b64(mac)}"
    ctx.links[uri] = (url, now + life)
    return ctx.links[uri]


def verify(ctx: Context, token: str) -> str:
    """The name a token grants, or 403 (bad signature, malformed, expired)."""
    payload, _, mac = token.partition(".")
    try:
        expected = hmac.new(_secret(ctx), payload.encode(), hashlib.sha256).digest()[:16]
        good = hmac.compare_digest(_unb64(mac), expected)
        data = json.loads(_unb64(payload)) if good else None
    except (ValueError, TypeError):
        good, data = False, None
    if not good or not isinstance(data, dict):
        raise ApiError(403, TOKEN_ERROR, "This media link is not valid; ask the API for a new "
                       "one (POST /videos/signed-url).", {"reason": "invalid"})
    if float(data.get("e", 0)) <= clock.now():
        raise ApiError(403, TOKEN_ERROR, "This media link has expired; ask the API for a new "
                       "one (POST /videos/signed-url).", {"reason": "expired"})
    return str(data["u"])


def resolve(ctx: Context, uri: str) -> Target:
    """File and content type behind ``uri`` (media, thumbnail or preview), else 404."""
    prefix = f"{BUCKET}/"
    if uri.startswith(prefix):
        kind, _, rest = uri[len(prefix):].partition("/")
        user, _, name = rest.partition("/")
        stem = name.rsplit(".", 1)[0]
        if user == ctx.user_id and "/" not in name:
            target = _sandbox_object(ctx, kind, stem)
            if target is not None:
                return target
    else:
        raw = ctx.store.conn.execute(
            "SELECT id FROM docs WHERE kind='video' AND hidden=0 "
            "AND json_extract(doc, '$.video_uri') = ? ORDER BY seq LIMIT 1", (uri,)).fetchone()
        if raw is not None:
            target = _sandbox_object(ctx, "media", raw[0])
            if target is not None:
                return target
    raise not_found("media", uri)


def _sandbox_object(ctx: Context, kind: str, object_id: str) -> Target | None:
    if kind == "media":
        video = ctx.store.get("video", object_id)
        if video is None:
            return None
        ctype = mimetypes.guess_type(video.doc["_filename"])[0] or "application/octet-stream"
        return Target(ctx.blob_dir / video.doc["_blob_sha"], ctype)
    if kind == "thumbnails":
        seg = ctx.store.get("segment", object_id)
        sha = seg.doc.get("_thumb_sha") if seg else None
        return Target(ctx.blob_dir / sha, "image/jpeg") if sha else None
    if kind == "previews":
        owner = ctx.store.get("segment", object_id) or ctx.store.get("video", object_id)
        sha = owner.doc.get("_gif_sha") if owner else None
        return Target(ctx.blob_dir / sha, "image/gif") if sha else None
    return None

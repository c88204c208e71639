"""Media bytes: signed links (``POST /videos/signed-url``), the link server, raw pictures.

``ROUTES`` mount under ``/api/v2`` (API key required); ``PUBLIC_ROUTES`` mount at the
root, outside the gateway's key check: a link works with its token alone and serves
``Range`` requests (206) with the file's ``Content-Type``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from . import clock, links
from .context import ctx_of
from .errors import invalid, not_found
from .lookups import load_video
from .web import json_object, respond


async def signed_url(request: Request) -> Response:
    ctx = ctx_of(request)
    body = await json_object(request)
    uri = body.get("gcs_uri")
    if not isinstance(uri, str) or not uri.strip():
        raise invalid("gcs_uri", "gcs_uri is required and must be a string")
    refresh = body.get("force_refresh", False)
    if not isinstance(refresh, bool):
        raise invalid("force_refresh", "force_refresh must be true or false")
    url, expires = links.mint(ctx, uri.strip(), str(request.base_url), refresh=refresh)
    return respond({"signed_url": url, "expires_at": clock.iso(expires)})


def _file(target: links.Target, max_age: int) -> Response:
    if not target.path.exists():
        raise not_found("media", target.path.name)
    return FileResponse(target.path, media_type=target.content_type,
                        headers={"Cache-Control": f"private, max-age={max(0, max_age)}"})


async def serve_link(request: Request) -> Response:
    """The bytes a valid token names (403 when the token is bad or expired)."""
    ctx = ctx_of(request)
    uri = links.verify(ctx, request.path_params["token"])
    return _file(links.resolve(ctx, uri), 300)


async def video_gif(request: Request) -> Response:
    ctx = ctx_of(request)
    video = load_video(ctx, request.path_params["video_id"])
    sha = video.doc.get("_gif_sha")
    if not sha:
        raise not_found("gif", video.id)
    return _file(links.Target(ctx.blob_dir / sha, "image/gif"), 300)


async def segment_thumbnail(request: Request) -> Response:
    ctx = ctx_of(request)
    seg_id = request.path_params["segment_id"]
    seg = ctx.store.get("segment", seg_id)
    if seg is None:
        raise not_found("segment", seg_id)
    sha = seg.doc.get("_thumb_sha")
    if not sha:
        raise not_found("thumbnail", seg_id)
    return _file(links.Target(ctx.blob_dir / sha, "image/jpeg"), 300)


ROUTES = [
    Route("/videos/signed-url", signed_url, methods=["POST"]),
    Route("/videos/{video_id}/gif", video_gif, methods=["GET"]),
    Route("/videos/segments/{segment_id}/thumbnail", segment_thumbnail, methods=["GET"]),
]
PUBLIC_ROUTES = [
    Route(links.LINK_PATH + "{token}", serve_link, methods=["GET", "HEAD"]),
]

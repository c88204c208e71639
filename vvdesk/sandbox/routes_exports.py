"""``/exports`` routes (contract §4): create, list, get, download, download-url."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from . import download_tokens
from .context import Context, ctx_of
from .db import Row
from .errors import ApiError, conflict, invalid
from .exports import artifact_path, create_index_export, new_export, resolve_destination
from .lookups import load_export, load_index, load_run
from .paging import parse_limit
from .views import public
from .web import idempotent, json_object, respond

CHUNK = 64 * 1024


async def export_index(request: Request) -> Response:
    ctx = ctx_of(request)
    body = await json_object(request, optional=True)
    index_id = request.path_params["index_id"]
    unknown = set(body) - {"prompt_run_ids", "destination_connector_id", "destination_subpath"}
    if unknown:
        raise invalid(sorted(unknown)[0], "unknown field")
    load_index(ctx, index_id)
    resolve_destination(ctx, body)

    def produce() -> tuple[int, Any]:
        row = create_index_export(ctx, index_id, body)
        return 202, {"export_id": row.id, "status": row.doc["status"]}

    return idempotent(request, body, produce)


async def export_run(request: Request) -> Response:
    ctx = ctx_of(request)
    body = await json_object(request, optional=True)
    if "prompt_run_ids" in body:
        raise invalid("prompt_run_ids", "prompt_run_ids is not allowed on a prompt-run export")
    unknown = set(body) - {"destination_connector_id", "destination_subpath"}
    if unknown:
        raise invalid(sorted(unknown)[0], "unknown field")
    run = load_run(ctx, request.path_params["run_id"])
    connector, subpath = resolve_destination(ctx, body)

    def produce() -> tuple[int, Any]:
        row = new_export(ctx, export_type="prompt_run", target_id=run.id, run_ids=[run.id],
                         connector=connector, subpath=subpath, requested_run_ids=None)
        return 202, {"export_id": row.id, "status": row.doc["status"]}

    return idempotent(request, body, produce)


async def list_exports(request: Request) -> Response:
    ctx = ctx_of(request)
    limit = parse_limit(request, default=50, low=1, high=100) or 50
    return respond([public(r.doc) for r in ctx.store.query("export", limit=limit)])


async def get_export(request: Request) -> Response:
    ctx = ctx_of(request)
    return respond(public(load_export(ctx, request.path_params["export_id"]).doc))


def _refuse_download(row: Row) -> None:
    doc = row.doc
    if doc["destination_type"] == "connector":
        raise conflict("resource_export_not_downloadable",
                       "Connector-delivered exports are not downloadable",
                       export_id=row.id, destination_type="connector")
    if doc["status"] != "completed" or doc["queue_status"] != "succeeded":
        raise conflict("resource_export_not_ready", "Export is not ready for download",
                       export_id=row.id, status=doc["status"])
    if doc["_expired"]:
        raise ApiError(410, "resource_export_expired", "Export artifact has expired",
                       {"export_id": row.id})


def _check_token(ctx: Context, request: Request, export_id: str) -> None:
    """A minted URL's token (the gateway let it in without an API key): 403 unless valid."""
    token = request.query_params["token"]
    why = download_tokens.check(ctx.store, token, export_id)
    ctx.download_log.note(export_id, dict(request.headers), why or "accepted")
    if why is not None:
        raise ApiError(403, "authorization_invalid_download_token",
                       "This download link is not valid (it may have expired); ask for a "
                       "new one", {"export_id": export_id, "reason": why})


async def download(request: Request) -> Response:
    """Exactly §4.3: 200, application/json, Content-Length, no compression."""
    ctx = ctx_of(request)
    if "token" in request.query_params:
        _check_token(ctx, request, request.path_params["export_id"])
    row = load_export(ctx, request.path_params["export_id"])
    _refuse_download(row)
    path = artifact_path(ctx, row.id)
    if not path.exists():
        raise ApiError(410, "resource_export_expired", "Export artifact is no longer stored",
                       {"export_id": row.id})
    size = path.stat().st_size

    async def chunks() -> AsyncIterator[bytes]:
        with path.open("rb") as handle:
            while True:
                data = handle.read(CHUNK)
                if not data:
                    return
                yield data

    headers = {
        "Content-Length": str(size),
        "Content-Disposition": f'attachment; filename="{row.id}.json"',
        "Cache-Control": "no-store",
    }
    return StreamingResponse(chunks(), media_type="application/json", headers=headers)


async def download_url(request: Request) -> Response:
    """Exactly five keys; a minted URL (``download_tokens``) only over https for a
    downloadable export, else ``download_url`` null (never minted over plain http)."""
    ctx = ctx_of(request)
    row = load_export(ctx, request.path_params["export_id"])
    doc = row.doc
    url = None
    downloadable = (doc["destination_type"] == "download" and doc["status"] == "completed"
                    and doc["queue_status"] == "succeeded" and not doc["_expired"])
    if ctx.settings.https and downloadable and request.url.hostname:
        token = download_tokens.mint(ctx.store, row.id)
        url = download_tokens.minted_url("https", request.url.hostname, request.url.port,
                                         row.id, token)
    return respond({
        "export_id": doc["export_id"], "status": doc["status"],
        "destination_type": doc["destination_type"],
        "destination_connector_id": doc["destination_connector_id"],
        "download_url": url,
    })


ROUTES = [
    Route("/exports/index/{index_id}", export_index, methods=["POST"]),
    Route("/exports/prompt-run/{run_id}", export_run, methods=["POST"]),
    Route("/exports", list_exports, methods=["GET"]),
    Route("/exports/{export_id}", get_export, methods=["GET"]),
    Route("/exports/{export_id}/download", download, methods=["GET"]),
    Route("/exports/{export_id}/download-url", download_url, methods=["POST"]),
]

"""Media intake: ``POST /videos/upload``, ``POST /videos`` and ``/import-jobs`` reads."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import blobs, simulate
from .checks import optional_str, require_str
from .context import Context, ctx_of
from .errors import invalid, not_found
from .lookups import load_import_job, load_index
from .media import make_source, new_import_job
from .paging import parse_limit
from .views import import_job_view, import_outputs
from .web import idempotent, json_object, query_bool, respond

URI_SCHEMES = ("gs://", "s3://", "https://")
PLACEHOLDER_SECONDS = 60.0


def check_extension(filename: str) -> str:
    """Media type for an accepted filename, else 422 naming the accepted formats."""
    media_type = simulate.media_type_of(filename)
    if media_type is None:
        ext = simulate.extension_of(filename) or "(none)"
        raise invalid(
            "file",
            f"Unsupported file extension '{ext}'. Accepted: "
            + ", ".join(sorted(simulate.ALL_EXTS)),
            extension=ext, accepted=sorted(simulate.ALL_EXTS),
        )
    return media_type


async def upload(request: Request) -> Response:
    """Stream the file to disk, then create an upload ImportJob (202)."""
    ctx = ctx_of(request)
    form = await blobs.read_multipart(request, ctx.tmp_dir)
    try:
        title = form.first("title")
        index_id = form.first("index_id") or None
        file = form.files.get("file")
        if title is None or not 1 <= len(title) <= 255:
            raise invalid("title", "title is required (1-255 characters)")
        if file is None:
            raise invalid("file", "a file part named 'file' is required")
        media_type = check_extension(file.filename)
        if file.size == 0:
            raise invalid("file", "the uploaded file is empty")
        if index_id is not None:
            load_index(ctx, index_id)
    except Exception:
        form.discard()
        raise
    payload = {"fields": form.fields, "file": {"filename": file.filename, "sha256": file.sha256,
                                                "size": file.size}}

    def produce() -> tuple[int, Any]:
        sha = blobs.adopt(ctx.blob_dir, file)
        source = make_source(blob_sha=sha, size=file.size, filename=file.filename, title=title,
                             media_type=media_type)
        job = new_import_job(ctx, source_kind="upload", sources=[source], index_id=index_id)
        return 202, import_job_view(job)

    try:
        return idempotent(request, payload, produce)
    finally:
        form.discard()


def register_media(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    """Validate a ``POST /videos`` body; returns kwargs for ``new_import_job``."""
    title = require_str(body, "title", low=1, high=255)
    uri = require_str(body, "video_uri", low=6, high=2048)
    index_id = require_str(body, "index_id", low=1, high=255)
    connector_id = optional_str(body, "source_connector_id")
    if not uri.startswith(URI_SCHEMES):
        raise invalid("video_uri", "video_uri must start with gs://, s3:// or https://")
    name = uri.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    media_type = check_extension(name)
    load_index(ctx, index_id)
    if connector_id is not None and ctx.store.get("connector", connector_id) is None:
        raise not_found("connector", connector_id)
    data = f"vv-sandbox placeholder media\n{uri}\n".encode()
    return {"title": title, "uri": uri, "index_id": index_id, "connector_id": connector_id,
            "media_type": media_type, "filename": name, "data": data}


async def register(request: Request) -> Response:
    ctx = ctx_of(request)
    body = await json_object(request)
    spec = register_media(ctx, body)

    def produce() -> tuple[int, Any]:
        sha = blobs.put_bytes(ctx.blob_dir, spec["data"])
        duration = 0.0 if spec["media_type"] == "image" else PLACEHOLDER_SECONDS
        source = make_source(blob_sha=sha, size=len(spec["data"]), filename=spec["filename"],
                             title=spec["title"], media_type=spec["media_type"],
                             duration=duration, video_uri=spec["uri"])
        job = new_import_job(ctx, source_kind="uri", sources=[source],
                             index_id=spec["index_id"], connector_id=spec["connector_id"])
        return 202, import_job_view(job)

    return idempotent(request, body, produce)


async def get_job(request: Request) -> Response:
    ctx = ctx_of(request)
    return respond(import_job_view(load_import_job(ctx, request.path_params["job_id"])))


def _offset_cursor(request: Request) -> int:
    raw = request.query_params.get("cursor")
    if not raw:
        return 0
    if not raw.isdigit():
        raise invalid("cursor", "cursor is invalid")
    return int(raw)


async def job_outputs(request: Request) -> Response:
    ctx = ctx_of(request)
    row = load_import_job(ctx, request.path_params["job_id"])
    limit = parse_limit(request, default=100, low=1, high=100) or 100
    return respond(import_outputs(row.doc, _offset_cursor(request), limit))


async def job_files(request: Request) -> Response:
    """Per-source outcomes (``{items, next_cursor, total}``)."""
    ctx = ctx_of(request)
    doc = load_import_job(ctx, request.path_params["job_id"]).doc
    done = int(doc["_done"])
    items = []
    for ordinal, src in enumerate(doc["_sources"]):
        mine = [i for i, p in enumerate(doc["_parts"]) if p["source_ordinal"] == ordinal]
        completed = sum(1 for i in mine if i < done)
        status = "completed" if completed == len(mine) else (
            "importing" if doc["status"] == "importing" else doc["status"])
        items.append({
            "file_id": src["file_id"], "file_name": src["filename"], "source_ordinal": ordinal,
            "status": status, "part_count": len(mine), "parts_completed": completed,
            "parts_failed": 0, "failure": None, "skip_reason": None,
        })
    if query_bool(request, "failed_only", False):
        items = [i for i in items if i["status"] == "failed"]
    start = _offset_cursor(request)
    limit = parse_limit(request, default=100, low=1, high=100) or 100
    end = start + limit
    return respond({"items": items[start:end],
                    "next_cursor": str(end) if end < len(items) else None,
                    "total": len(items)})


async def list_jobs(request: Request) -> Response:
    ctx = ctx_of(request)
    wanted = (request.query_params.get("status") or "").lower()
    rows = ctx.store.query("import_job")
    return respond([import_job_view(r) for r in rows if not wanted or r.doc["status"] == wanted])


ROUTES = [
    Route("/videos/upload", upload, methods=["POST"]),
    Route("/videos", register, methods=["POST"]),
    Route("/import-jobs", list_jobs, methods=["GET"]),
    Route("/import-jobs/{job_id}", get_job, methods=["GET"]),
    Route("/import-jobs/{job_id}/outputs", job_outputs, methods=["GET"]),
    Route("/import-jobs/{job_id}/files", job_files, methods=["GET"]),
]

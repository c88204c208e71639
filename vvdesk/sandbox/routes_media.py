"""Media intake (``/videos/upload``, ``/workflow/upload``, ``POST /videos``), import jobs."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import blobs, simulate
from .checks import optional_str, require_str
from .context import Context, ctx_of
from .errors import invalid, not_found
from .indexes import create_index_row
from .lookups import load_import_job, load_index
from .media import cancel_import, make_source, new_import_job, retry_import
from .paging import parse_limit
from .views import import_job_view, import_outputs, part_state
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


def _index_by_name(ctx: Context, name: str) -> str:
    """Id of the caller's index called ``name``, made when there is none."""
    for row in ctx.store.query("index", descending=False):
        if row.doc["name"] == name and not row.doc["is_default"]:
            return row.id
    return create_index_row(ctx, name).id


async def _intake(request: Request, *, workflow: bool) -> Response:
    """Stream the file to disk, then create an upload ImportJob (202).

    ``/workflow/upload`` also accepts no title (the file name is used) and ``index_name``
    (the index with that name, made when missing) instead of ``index_id``."""
    ctx = ctx_of(request)
    form = await blobs.read_multipart(request, ctx.tmp_dir)
    try:
        file = form.files.get("file")
        if file is None:
            raise invalid("file", "a file part named 'file' is required")
        title = form.first("title")
        if workflow and not title:
            title = file.filename.rsplit("/", 1)[-1][:255] or "upload"
        index_id = form.first("index_id") or None
        index_name = (form.first("index_name") or None) if workflow else None
        if title is None or not 1 <= len(title) <= 255:
            raise invalid("title", "title is required (1-255 characters)")
        media_type = check_extension(file.filename)
        if file.size == 0:
            raise invalid("file", "the uploaded file is empty")
        if index_id is not None:
            load_index(ctx, index_id)
        if index_name is not None and index_id is not None:
            raise invalid("index_name", "send index_id or index_name, not both")
        if index_name is not None and len(index_name) > 255:
            raise invalid("index_name", "index_name must be 1-255 characters long")
    except Exception:
        form.discard()
        raise
    payload = {"fields": form.fields, "file": {"filename": file.filename, "sha256": file.sha256,
                                                "size": file.size}}

    def produce() -> tuple[int, Any]:
        target = _index_by_name(ctx, index_name) if index_name else index_id
        sha = blobs.adopt(ctx.blob_dir, file)
        source = make_source(blob_sha=sha, size=file.size, filename=file.filename, title=title,
                             media_type=media_type)
        job = new_import_job(ctx, source_kind="upload", sources=[source], index_id=target)
        return 202, import_job_view(job)

    try:
        return idempotent(request, payload, produce)
    finally:
        form.discard()


async def upload(request: Request) -> Response:
    return await _intake(request, workflow=False)


async def workflow_upload(request: Request) -> Response:
    return await _intake(request, workflow=True)


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
    items = []
    for ordinal, src in enumerate(doc["_sources"]):
        mine = [part_state(doc, i) for i, p in enumerate(doc["_parts"])
                if p["source_ordinal"] == ordinal]
        completed, failed = mine.count("completed"), mine.count("failed")
        if src.get("failure"):
            status = "failed"
        elif completed == len(mine):
            status = "completed"
        elif doc["status"] in ("cancelled", "failed"):
            status = doc["status"]
        else:
            status = "importing" if doc["status"] == "importing" else "pending"
        items.append({
            "file_id": src["file_id"], "file_name": src["filename"], "source_ordinal": ordinal,
            "status": status, "part_count": len(mine), "parts_completed": completed,
            "parts_failed": failed, "failure": src.get("failure"), "skip_reason": None,
        })
    for n, skipped in enumerate(doc.get("skipped_files") or []):
        items.append({
            "file_id": f"{doc['job_id']}:skipped:{n}", "file_name": skipped["path"],
            "source_ordinal": len(doc["_sources"]) + n, "status": "skipped", "part_count": 0,
            "parts_completed": 0, "parts_failed": 0, "failure": None,
            "skip_reason": skipped["reason"],
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


async def cancel_job(request: Request) -> Response:
    ctx = ctx_of(request)
    row = load_import_job(ctx, request.path_params["job_id"])
    return idempotent(request, None, lambda: (200, import_job_view(cancel_import(ctx, row))))


async def retry_job(request: Request) -> Response:
    ctx = ctx_of(request)
    row = load_import_job(ctx, request.path_params["job_id"])
    body = await json_object(request, optional=True)
    files = body.get("files")
    if files is not None and (not isinstance(files, list)
                              or not all(isinstance(f, dict) for f in files)):
        raise invalid("files", "files must be a list of source descriptors (objects)")
    return idempotent(request, body, lambda: (202, import_job_view(retry_import(ctx, row))))


ROUTES = [
    Route("/videos/upload", upload, methods=["POST"]),
    Route("/workflow/upload", workflow_upload, methods=["POST"]),
    Route("/videos", register, methods=["POST"]),
    Route("/import-jobs", list_jobs, methods=["GET"]),
    Route("/import-jobs/{job_id}", get_job, methods=["GET"]),
    Route("/import-jobs/{job_id}/outputs", job_outputs, methods=["GET"]),
    Route("/import-jobs/{job_id}/files", job_files, methods=["GET"]),
    Route("/import-jobs/{job_id}/cancel", cancel_job, methods=["POST"]),
    Route("/import-jobs/{job_id}/retry", retry_job, methods=["POST"]),
]

"""``/connectors`` routes (contract §5) and connector import jobs (``POST /import-jobs``)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import blobs, buckets, clock
from .connectors import (
    check_common,
    check_credentials_json,
    check_provider,
    create_connector,
    import_from_bucket,
    load_connector,
    test_connector,
)
from .context import ctx_of
from .errors import invalid
from .lookups import load_index
from .views import import_job_view, public
from .web import idempotent, json_object, respond


def _json_create(provider: str) -> Any:
    async def handler(request: Request) -> Response:
        ctx = ctx_of(request)
        body = await json_object(request)
        common = check_common(body)
        values = check_provider(provider, body)

        def produce() -> tuple[int, Any]:
            return 201, public(create_connector(ctx, provider, common, values, b"").doc)

        return idempotent(request, body, produce)

    return handler


async def create_gcs(request: Request) -> Response:
    """Multipart create; the credentials file (<= 64 KiB JSON) is hashed, never stored."""
    ctx = ctx_of(request)
    form = await blobs.read_multipart(request, ctx.tmp_dir)
    try:
        body: dict[str, Any] = {k: v[0] for k, v in form.fields.items() if v}
        body["scopes"] = form.fields.get("scopes", ["import"])
        creds = form.files.get("credentials_file")
        if creds is None:
            raise invalid("credentials_file", "credentials_file is required")
        if creds.size > 64 * 1024:
            raise invalid("credentials_file", "credentials_file must be at most 64 KiB")
        raw = creds.path.read_bytes()
        check_credentials_json(raw)
        common = check_common(body)
        values = check_provider("gcs", body)
        payload = {"fields": form.fields, "credentials_sha256": creds.sha256}
    finally:
        form.discard()

    def produce() -> tuple[int, Any]:
        return 201, public(create_connector(ctx, "gcs", common, values, raw).doc)

    return idempotent(request, payload, produce)


async def list_connectors(request: Request) -> Response:
    return respond([public(r.doc) for r in ctx_of(request).store.query("connector")])


async def get_connector(request: Request) -> Response:
    ctx = ctx_of(request)
    return respond(public(load_connector(ctx, request.path_params["connector_id"]).doc))


async def patch_connector(request: Request) -> Response:
    """Partial update of name, scopes, import_mode, export_base_path (contract gap 3)."""
    ctx = ctx_of(request)
    row = load_connector(ctx, request.path_params["connector_id"])
    body = await json_object(request)
    allowed = {"name", "scopes", "import_mode", "export_base_path"}
    unknown = set(body) - allowed
    if unknown:
        raise invalid(sorted(unknown)[0], "field cannot be updated")
    merged = {k: row.doc[k] for k in allowed} | body
    row.doc.update(check_common(merged), updated_at=clock.iso())
    ctx.store.save(row)
    return respond(public(row.doc))


async def delete_connector(request: Request) -> Response:
    """Hide the connector (imported media and the bucket folder stay)."""
    ctx = ctx_of(request)
    row = load_connector(ctx, request.path_params["connector_id"])
    ctx.store.save(row, hidden=True)
    return respond({"message": f"Connector {row.id} deleted"})


async def test(request: Request) -> Response:
    ctx = ctx_of(request)
    return respond(test_connector(ctx, load_connector(ctx, request.path_params["connector_id"])))


def _listing_args(body: dict[str, Any], prefix_key: str, pattern_key: str) -> tuple[str, str,
                                                                                    bool]:
    prefix = body.get(prefix_key, "") or ""
    pattern = body.get(pattern_key, "*") or "*"
    recursive = body.get("recursive", True)
    if not isinstance(prefix, str) or prefix.startswith("/") or ".." in prefix.split("/"):
        raise invalid(prefix_key, f"{prefix_key} must be a relative key prefix")
    if not isinstance(pattern, str):
        raise invalid(pattern_key, f"{pattern_key} must be a glob string")
    if not isinstance(recursive, bool):
        raise invalid("recursive", "recursive must be a boolean")
    return prefix, pattern, recursive


async def browse(request: Request) -> Response:
    ctx = ctx_of(request)
    row = load_connector(ctx, request.path_params["connector_id"])
    prefix, pattern, recursive = _listing_args(await json_object(request, optional=True),
                                               "prefix", "pattern")
    files = buckets.list_files(ctx.buckets_dir / row.doc["_folder"], prefix, pattern, recursive)
    return respond([f.cloud_file() for f in files])


async def create_import_job(request: Request) -> Response:
    """One-time connector import of every matching file into an index."""
    ctx = ctx_of(request)
    body = await json_object(request)
    connector_id = body.get("connector_id")
    index_id = body.get("index_id")
    if not isinstance(connector_id, str) or not connector_id:
        raise invalid("connector_id", "connector_id is required")
    if not isinstance(index_id, str) or not index_id:
        raise invalid("index_id", "index_id is required")
    prefix, pattern, recursive = _listing_args(body, "source_prefix", "file_pattern")
    connector = load_connector(ctx, connector_id)
    load_index(ctx, index_id)
    if "import" not in connector.doc["scopes"]:
        raise invalid("connector_id", "connector lacks the 'import' scope")

    def produce() -> tuple[int, Any]:
        files = buckets.list_files(ctx.buckets_dir / connector.doc["_folder"], prefix, pattern,
                                   recursive)
        job = import_from_bucket(ctx, connector, index_id, files, prefix=prefix,
                                 pattern=pattern, recursive=recursive)
        return 202, import_job_view(job)

    return idempotent(request, body, produce)


ROUTES = [
    Route("/connectors/s3", _json_create("s3"), methods=["POST"]),
    Route("/connectors/azure", _json_create("azure"), methods=["POST"]),
    Route("/connectors/gcs", create_gcs, methods=["POST"]),
    Route("/connectors", list_connectors, methods=["GET"]),
    Route("/connectors/{connector_id}", get_connector, methods=["GET"]),
    Route("/connectors/{connector_id}", patch_connector, methods=["PATCH"]),
    Route("/connectors/{connector_id}", delete_connector, methods=["DELETE"]),
    Route("/connectors/{connector_id}/test", test, methods=["POST"]),
    Route("/connectors/{connector_id}/browse", browse, methods=["POST"]),
    Route("/import-jobs", create_import_job, methods=["POST"]),
]

"""Connector records: validation, secret hashing, test, and connector-driven imports."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from . import buckets, clock, simulate
from .context import Context
from .db import Row
from .errors import invalid, not_found
from .ids import new_id
from .media import make_source, new_import_job

PROVIDER_FIELDS = {
    "s3": ("bucket", "region", "aws_access_key_id", "aws_secret_access_key"),
    "azure": ("storage_account", "container", "tenant_id", "client_id", "client_secret"),
    "gcs": ("bucket", "gcp_project_id"),
}
SECRET_FIELDS = ("aws_access_key_id", "aws_secret_access_key", "tenant_id", "client_id",
                 "client_secret", "credentials_file")
PUBLIC_FIELDS = ("bucket", "region", "storage_account", "container", "gcp_project_id")


MAX_PATH_CHARS = 1024  # a whole relative path
MAX_NAME_BYTES = 255  # one folder name (UTF-8), what file systems take


def check_path_text(value: str, field: str) -> None:
    """No control characters (NUL breaks every file API) and lengths a file system takes."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        raise invalid(field, f"{field} must not contain control characters (such as NUL)")
    if len(value) > MAX_PATH_CHARS:
        raise invalid(field, f"{field} is longer than the limit of {MAX_PATH_CHARS} characters")
    if any(len(s.encode()) > MAX_NAME_BYTES for s in value.split("/")):
        raise invalid(field, f"a folder name in {field} is longer than the limit of "
                      f"{MAX_NAME_BYTES} bytes")


def check_relative_path(value: Any, field: str) -> str | None:
    """Shared rule for ``export_base_path``/``destination_subpath``/prefix-like paths."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise invalid(field, f"{field} must be a string")
    check_path_text(value, field)
    if value.startswith("/"):
        raise invalid(field, f"{field} must be relative (no leading '/')")
    if "\\" in value:
        raise invalid(field, f"{field} must not contain backslashes")
    segments = value.rstrip("/").split("/")
    if any(s == "" for s in segments):
        raise invalid(field, f"{field} must not contain empty segments")
    if any(s in ("..", ".") for s in segments):
        raise invalid(field, f"{field} must not contain '.' or '..' segments")
    return value.rstrip("/")


def check_common(body: dict[str, Any]) -> dict[str, Any]:
    """Fields every provider shares (name, scopes, import_mode, export_base_path)."""
    name = body.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= 100:
        raise invalid("name", "name is required (1-100 characters)")
    scopes = body.get("scopes", ["import"])
    if isinstance(scopes, str):
        scopes = [scopes]
    if (not isinstance(scopes, list) or not scopes
            or not all(s in ("import", "export") for s in scopes)):
        raise invalid("scopes", "scopes must be a non-empty subset of ['import', 'export']")
    mode = body.get("import_mode", "all")
    if mode not in ("all", "new_only"):
        raise invalid("import_mode", "import_mode must be 'all' or 'new_only'")
    base = check_relative_path(body.get("export_base_path"), "export_base_path")
    return {"name": name, "scopes": list(dict.fromkeys(scopes)), "import_mode": mode,
            "export_base_path": base}


def check_provider(provider: str, body: dict[str, Any]) -> dict[str, str]:
    values: dict[str, str] = {}
    for field in PROVIDER_FIELDS[provider]:
        value = body.get(field)
        if not isinstance(value, str) or not value.strip():
            raise invalid(field, f"{field} is required")
        values[field] = value
    folder = values.get("bucket") or values.get("container", "")
    field = "container" if provider == "azure" else "bucket"
    if not buckets.BUCKET_RE.match(folder):
        raise invalid(field, f"{field} must be 3-63 chars of a-z, 0-9, '.', '_' or '-'")
    return values


def check_credentials_json(raw: bytes) -> None:
    if len(raw) > 64 * 1024:
        raise invalid("credentials_file", "credentials_file must be at most 64 KiB")
    try:
        parsed = json.loads(raw)
    except ValueError as exc:
        raise invalid("credentials_file", "credentials_file must be JSON") from exc
    if not isinstance(parsed, dict):
        raise invalid("credentials_file", "credentials_file must be a JSON object")


def create_connector(ctx: Context, provider: str, common: dict[str, Any],
                     values: dict[str, str], secret_material: bytes) -> Row:
    """Insert a connector; secrets are kept only as a salted hash, never returned."""
    connector_id = new_id("con")
    now = clock.iso()
    folder = values.get("bucket") or values["container"]
    (ctx.buckets_dir / folder).mkdir(parents=True, exist_ok=True)
    secret = b"|".join([connector_id.encode(), secret_material]) + b"".join(
        values.get(f, "").encode() for f in SECRET_FIELDS)
    doc: dict[str, Any] = {
        "connector_id": connector_id, "provider": provider, "status": "active", **common,
        **{f: values.get(f) for f in PUBLIC_FIELDS},
        "created_at": now, "updated_at": now, "last_tested_at": None,
        "last_test_result": None, "last_test_error": None,
        "_folder": folder, "_secret_sha256": hashlib.sha256(secret).hexdigest(),
    }
    return ctx.store.insert("connector", connector_id, doc)


def load_connector(ctx: Context, connector_id: str) -> Row:
    row = ctx.store.get("connector", connector_id)
    if row is None:
        raise not_found("connector", connector_id)
    return row


def test_connector(ctx: Context, row: Row) -> dict[str, Any]:
    """Success when the bucket folder exists (delete it to simulate a broken bucket)."""
    ok = (ctx.buckets_dir / row.doc["_folder"]).is_dir()
    error = None if ok else f"Bucket '{row.doc['_folder']}' is not reachable"
    now = clock.iso()
    row.doc.update(last_tested_at=now, last_test_result="success" if ok else "failed",
                   last_test_error=error, status="active" if ok else "failed", updated_at=now)
    ctx.store.save(row)
    return {"success": ok, "error_message": error}


def import_from_bucket(ctx: Context, connector: Row, index_id: str, files: list[Any], *,
                       prefix: str, pattern: str, recursive: bool,
                       preset: dict[str, Any] | None = None) -> Row:
    """Create a connector import job over ``files`` (bucket files are copied to blobs)."""
    sources = []
    skipped = []
    folder = connector.doc["_folder"]
    for item in files:
        media_type = simulate.media_type_of(item.key)
        if media_type is None:
            skipped.append({"path": item.key, "reason": "unsupported_file_type"})
            continue
        sha = buckets.copy_to_blobs(item.path, ctx.blob_dir, ctx.tmp_dir)
        title = item.key.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        scheme = {"gcs": "gs", "s3": "s3"}.get(connector.doc["provider"], "azure")
        sources.append(make_source(blob_sha=sha, size=item.size, filename=item.key, title=title,
                                   media_type=media_type,
                                   video_uri=f"{scheme}://{folder}/{item.key}",
                                   bucket_key=(folder, item.key)))
    return new_import_job(ctx, source_kind="connector", sources=sources, index_id=index_id,
                          connector_id=connector.id, source_prefix=prefix, file_pattern=pattern,
                          recursive=recursive, preset=preset, skipped=skipped)

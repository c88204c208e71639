"""Blob storage and a streaming multipart reader.

Uploads are parsed incrementally with python-multipart and the file part is
written straight to a temporary file while being hashed, so a 1 GiB upload never
sits in memory. Finished blobs are content-addressed (``blobs/<sha256>``).
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from .errors import ApiError, invalid

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks
from .gateway import DropConnection

MAX_FIELD_BYTES = 64 * 1024


@dataclass
class UploadedFile:
    """A file part that has been spooled to disk."""

    field_name: str
    filename: str
    content_type: str
    path: Path
    size: int
    sha256: str


@dataclass
class MultipartForm:
    fields: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)

    def first(self, name: str) -> str | None:
        values = self.fields.get(name)
        return values[0] if values else None

    def discard(self) -> None:
        """Remove spooled files that were not adopted as blobs."""
        for item in self.files.values():
            item.path.unlink(missing_ok=True)


class _PartState:
    def __init__(self) -> None:
        self.headers: dict[str, str] = {}
        self.header_name = b""
        self.header_value = b""
        self.name = ""
        self.filename: str | None = None
        self.buffer = bytearray()
        self.handle: IO[bytes] | None = None
        self.hasher = hashlib.sha256()
        self.size = 0
        self.path: Path | None = None


async def read_multipart(request: Request, tmp_dir: Path) -> MultipartForm:
    """Stream a multipart body: text fields into memory, file parts to ``tmp_dir``."""
    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    if ctype != b"multipart/form-data" or b"boundary" not in params:
        raise invalid("body", "expected a multipart/form-data body")
    tmp_dir.mkdir(parents=True, exist_ok=True)
    form = MultipartForm()
    state = _PartState()

    def on_part_begin() -> None:
        nonlocal state
        state = _PartState()

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state.header_name += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state.header_value += data[start:end]

    def on_header_end() -> None:
        state.headers[state.header_name.decode("latin-1").lower()] = state.header_value.decode(
            "utf-8", "replace")
        state.header_name = b""
        state.header_value = b""

    def on_headers_finished() -> None:
        # as bytes: given a str, parse_options_header encodes it as latin-1, which mangles
        # (é) or refuses (U+FFFD) the UTF-8 file names clients send (RFC 7578)
        _, disp = parse_options_header(
            state.headers.get("content-disposition", "").encode("utf-8"))
        state.name = disp.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in disp:
            state.filename = disp[b"filename"].decode("utf-8", "replace")
            state.path = tmp_dir / f"{uuid.uuid4().hex}.part"
            state.handle = state.path.open("wb")

    def on_part_data(data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if state.handle is not None:
            state.handle.write(chunk)
            state.hasher.update(chunk)
            state.size += len(chunk)
            return
        state.buffer += chunk
        if len(state.buffer) > MAX_FIELD_BYTES:
            raise invalid(state.name or "body", "form field is too large")

    def on_part_end() -> None:
        if state.handle is not None and state.path is not None:
            state.handle.flush()
            os.fsync(state.handle.fileno())
            state.handle.close()
            previous = form.files.get(state.name)
            if previous:
                previous.path.unlink(missing_ok=True)
            form.files[state.name] = UploadedFile(
                field_name=state.name, filename=state.filename or "upload",
                content_type=state.headers.get("content-type", "application/octet-stream"),
                path=state.path, size=state.size, sha256=state.hasher.hexdigest())
            state.handle = None
        else:
            form.fields.setdefault(state.name, []).append(state.buffer.decode("utf-8", "replace"))

    callbacks: MultipartCallbacks = {
        "on_part_begin": on_part_begin, "on_header_field": on_header_field,
        "on_header_value": on_header_value, "on_header_end": on_header_end,
        "on_headers_finished": on_headers_finished, "on_part_data": on_part_data,
        "on_part_end": on_part_end,
    }
    parser = MultipartParser(params[b"boundary"], callbacks)
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except (ApiError, DropConnection):
        _abandon(state, form)
        raise
    except Exception as exc:
        _abandon(state, form)
        raise invalid("body", f"malformed multipart body: {type(exc).__name__}") from exc
    return form


def _abandon(state: _PartState, form: MultipartForm) -> None:
    if state.handle is not None:
        state.handle.close()
    if state.path is not None:
        state.path.unlink(missing_ok=True)
    form.discard()


def adopt(blob_dir: Path, upload: UploadedFile) -> str:
    """Move a spooled file into the content-addressed store; returns its sha256."""
    blob_dir.mkdir(parents=True, exist_ok=True)
    target = blob_dir / upload.sha256
    if target.exists():
        upload.path.unlink(missing_ok=True)
    else:
        upload.path.replace(target)
    return upload.sha256


def put_bytes(blob_dir: Path, data: bytes) -> str:
    """Store small generated bytes (seed/placeholder media); returns the sha256."""
    digest = hashlib.sha256(data).hexdigest()
    blob_dir.mkdir(parents=True, exist_ok=True)
    target = blob_dir / digest
    if not target.exists():
        tmp = blob_dir / f".{digest}.tmp"
        tmp.write_bytes(data)
        tmp.replace(target)
    return digest

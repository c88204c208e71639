"""Download a completed export to a file, with throttled progress, cancel and atomic placement.

The SDK streams the bytes (`exports.download` into a file object: auth, identity
encoding, Content-Length check, no mid-stream retry), or, when the server mints a
download URL (https), `api.export_download` fetches that without API headers. The SDK's
path variant has no progress hook, so we hand it a counting writer on a temporary
sibling and do the placement here: fsync, verify the size, then rename; on any failure
or cancel the temporary file is removed (even when closing it fails too, as on a full
disk), so nothing partial ever sits at the chosen path. Each temporary file is written
into the journal before the first byte and taken out after; `sweep()` (run once per
session) removes the ones a killed app left. All file I/O runs off the UI thread. A file
name from the server is reduced to a bare name inside the chosen folder.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from PySide6.QtCore import QObject, Signal

from vvdesk.api.errors import ApiProblem, ProblemKind
from vvdesk.api.export_download import download_export
from vvdesk.api.ids import in_path
from vvdesk.services.exports import explain
from vvdesk.services.session import ApiSession

if TYPE_CHECKING:
    from vvdesk.services.journal import Journal

PROGRESS_S = 0.25
DDL = """
CREATE TABLE IF NOT EXISTS download_parts (
    path TEXT PRIMARY KEY,
    export_id TEXT NOT NULL,
    started_at REAL NOT NULL
);
"""
_BAD = re.compile(r"[\x00-\x1f<>:\"|?*]")


def safe_filename(name: str | None, fallback: str) -> str:
    """A bare file name that cannot leave the folder it is joined to."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = _BAD.sub("_", base).strip().lstrip(".").strip()
    if base in ("", ".", ".."):
        base = fallback
    return base[:200]


def target_path(folder: str | Path, name: str | None, fallback: str) -> Path:
    folder = Path(folder)
    path = folder / safe_filename(name, fallback)
    if path.parent != folder:  # belt and braces: the name had no separators left
        raise ValueError("file name escapes the folder")
    return path


class _CountingWriter:
    """The file object the SDK writes to (from a worker thread); counts bytes for progress."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.count = 0

    def write(self, chunk: bytes) -> int:
        n = self.handle.write(chunk)
        self.count += len(chunk)
        return n


def _seal(handle: BinaryIO) -> None:
    handle.flush()
    os.fsync(handle.fileno())
    handle.close()


def part_path(target: Path) -> Path:
    """The hidden temporary sibling a download is written to before its rename."""
    return target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")


def _is_part(path: Path) -> bool:
    return path.name.startswith(".") and path.name.endswith(".part")


def _discard(handle: BinaryIO, tmp: Path) -> None:
    """Close and remove the temporary file; closing may fail (a full disk fails the last
    flush again), the file is removed all the same."""
    try:
        if not handle.closed:
            handle.close()
    except OSError:
        pass  # the error that brought us here is the one to report
    finally:
        tmp.unlink(missing_ok=True)


def _remove_parts(paths: list[str]) -> None:
    for raw in paths:
        path = Path(raw)
        if _is_part(path):
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)


class DownloadService(QObject):
    progress = Signal(str, int, int)  # export_id, bytes so far, expected total (0: unknown)
    finished = Signal(str, str)  # export_id, final path ("" = the file exists, not replaced)
    failed = Signal(str, object)  # export_id, ApiProblem (cancel → kind CANCELLED)

    def __init__(self, session: ApiSession, parent: QObject | None = None, *,
                 journal: Journal | None = None) -> None:
        super().__init__(parent)
        self._s = session
        self._journal = journal
        self._ready = False
        if journal is not None:
            session.jobs.run("downloads.sweep", self.sweep())

    async def _table(self) -> Journal | None:
        if self._journal is not None and not self._ready:
            await self._journal.ensure(DDL)
            self._ready = True
        return self._journal

    async def sweep(self) -> int:
        """Remove the temporary files of downloads a previous run did not finish (killed,
        crashed, power cut); returns how many the journal knew of."""
        journal = await self._table()
        if journal is None:
            return 0
        rows = await journal.execute("SELECT path FROM download_parts")
        paths = [r["path"] for r in rows]
        await asyncio.to_thread(_remove_parts, paths)
        if paths:
            await journal.execute_many("DELETE FROM download_parts WHERE path = ?",
                                       [(p,) for p in paths])
        return len(paths)

    async def _note_part(self, tmp: Path, export_id: str) -> None:
        if journal := await self._table():
            await journal.execute("INSERT OR REPLACE INTO download_parts (path, export_id, "
                                  "started_at) VALUES (?, ?, ?)",
                                  (str(tmp), export_id, time.time()))

    async def _forget_part(self, tmp: Path) -> None:
        if journal := await self._table():
            await journal.execute("DELETE FROM download_parts WHERE path = ?", (str(tmp),))

    @staticmethod
    def job_name(export_id: str) -> str:
        return f"download:{export_id}"

    def is_running(self, export_id: str) -> bool:
        return self._s.jobs.is_running(self.job_name(export_id))

    def start(self, export_id: str, path: str | Path, *, total: int = 0,
              overwrite: bool = False) -> None:
        target = Path(path)

        def bad(problem: ApiProblem) -> None:
            if problem.kind is not ProblemKind.CANCELLED:
                self._s.note_problem(problem)
            self.failed.emit(export_id, explain(problem, downloading=True))

        self._s.jobs.run(self.job_name(export_id),
                         self._download(export_id, target, total, overwrite),
                         on_ok=lambda p: self.finished.emit(export_id, p), on_error=bad,
                         replace=False)

    def cancel(self, export_id: str) -> None:
        """Stop a download; say so (the job manager is silent about cancelled jobs)."""
        name = self.job_name(export_id)
        if self._s.jobs.is_running(name):
            self._s.jobs.cancel(name)
            self.failed.emit(export_id, ApiProblem(
                ProblemKind.CANCELLED, "Download cancelled. Nothing was saved."))

    async def _download(self, export_id: str, target: Path, total: int,
                        overwrite: bool) -> str:
        await asyncio.to_thread(target.parent.mkdir, parents=True, exist_ok=True)
        if not overwrite and await asyncio.to_thread(target.exists):
            return ""  # the caller asks before overwriting
        tmp = part_path(target)
        await self._note_part(tmp, export_id)  # before the file exists: a kill is covered
        try:
            handle = await asyncio.to_thread(tmp.open, "xb")
        except BaseException:
            await asyncio.shield(self._forget_part(tmp))
            raise
        writer = _CountingWriter(handle)
        try:
            stream = asyncio.ensure_future(
                download_export(self._s.client, in_path(export_id), writer))
            try:
                while not stream.done():
                    await asyncio.wait({stream}, timeout=PROGRESS_S)
                    self.progress.emit(export_id, writer.count, total)
            except asyncio.CancelledError:
                stream.cancel()
                await asyncio.gather(stream, return_exceptions=True)
                raise
            written = stream.result()
            await asyncio.to_thread(_seal, handle)
            size = await asyncio.to_thread(os.path.getsize, tmp)
            if size != written or (total and size != total):
                raise OSError(f"the file has {size} bytes, the server announced "
                              f"{total or written}")
            await asyncio.to_thread(os.replace, tmp, target)
        except BaseException:
            await asyncio.shield(asyncio.to_thread(_discard, handle, tmp))
            await asyncio.shield(self._forget_part(tmp))
            raise
        await self._forget_part(tmp)
        self.progress.emit(export_id, size, size)
        return str(target)


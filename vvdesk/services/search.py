"""Search: text, filter (cursor pages) and example-picture searches, and the metadata fields
an index's runs produced (for building filters).

One search at a time: a new one replaces the running one (JobManager replace=True cancels
it) and every answer carries the generation it was asked in, so an answer that was already
on its way when the user typed on can never replace a newer one. The answers are parsed and
validated in a worker thread (api/search_reader.py: a result that cannot be read is left out
and said in words); thumbnails come as base64 JPEG in the results and are decoded here, in
a worker thread too: the UI thread only shows the rows.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, Qt, Signal
from PySide6.QtGui import QImage

from vvdesk.api.errors import UserFacingError
from vvdesk.api.ids import in_path
from vvdesk.api.search_reader import search_page
from vvdesk.search_query import TOP_K_MAX, SearchRequest, ValueType
from vvdesk.services.session import ApiSession

if TYPE_CHECKING:

    from vvdesk.api.errors import ApiProblem

THUMB_HEIGHT = 54  # px: a results row shows the segment's picture this tall
FIELD_SAMPLE_VIDEOS = 3
FIELD_SAMPLE_SEGMENTS = 20
ONE_OF_MAX = 12  # a string field with at most this many values is offered as one-of
PICTURE_MAX_BYTES = 10_000_000
MATCH_SCAN_MAX = 1000  # filter matches scanned for “all matches in this media”
SEARCHABLE = ("completed", "completed_with_failures")
FRAME_MAX_SIDE = 1280  # px: a frame searched by is scaled down to this (a 4K frame is 8 MB)


@dataclass(frozen=True)
class FieldInfo:
    """A metadata key seen in an index's results, its type and (few) seen values."""

    path: str
    value_type: ValueType
    values: tuple[Any, ...] = ()
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    label: str  # prompt name and when


@dataclass(frozen=True)
class Page:
    generation: int
    request: SearchRequest
    rows: list[Any]
    cursor: str | None
    first: bool
    thumbs: dict[str, QImage]
    problem: ApiProblem | None = None  # results left out (unreadable), in words


def value_type_of(value: Any) -> ValueType | None:
    if isinstance(value, bool):
        return ValueType.BOOLEAN
    if isinstance(value, int):
        return ValueType.INTEGER
    if isinstance(value, float):
        return ValueType.NUMBER
    if isinstance(value, str):
        return ValueType.STRING
    if isinstance(value, list):
        return ValueType.ARRAY
    return None


def fields_of(metadatas: list[dict[str, Any]]) -> list[FieldInfo]:
    """Every top-level and nested (dotted) key with one JSON type across the samples."""
    seen: dict[str, list[Any]] = {}

    def walk(prefix: str, obj: dict[str, Any]) -> None:
        for key, value in obj.items():
            path = f"{prefix}{key}"
            if isinstance(value, dict):
                walk(path + ".", value)
            elif value is not None:
                seen.setdefault(path, []).append(value)

    for meta in metadatas:
        walk("", meta)
    out: list[FieldInfo] = []
    for path, values in sorted(seen.items()):
        types = {value_type_of(v) for v in values}
        if types == {ValueType.INTEGER, ValueType.NUMBER}:
            types = {ValueType.NUMBER}
        if len(types) != 1 or None in types:
            continue
        vt = types.pop()
        assert vt is not None
        if vt in (ValueType.INTEGER, ValueType.NUMBER):
            out.append(FieldInfo(path, vt, (), float(min(values)), float(max(values))))
        elif vt is ValueType.STRING:
            distinct = tuple(sorted(set(values)))
            out.append(FieldInfo(path, vt, distinct if len(distinct) <= ONE_OF_MAX else ()))
        elif vt is ValueType.ARRAY:
            items = {i for v in values for i in v if isinstance(i, str)}
            out.append(FieldInfo(path, vt, tuple(sorted(items))[:ONE_OF_MAX * 2]))
        else:
            out.append(FieldInfo(path, vt, (True, False)))
    return out


def decode_thumbs(rows: list[Any]) -> dict[str, QImage]:
    """Base64 JPEGs of the results as small images (runs in a worker thread)."""
    out: dict[str, QImage] = {}
    for r in rows:
        data = getattr(r, "thumbnail_data", None)
        if not data:
            continue
        try:
            raw = base64.b64decode(data, validate=False)
        except ValueError:
            continue
        image = QImage.fromData(raw)
        if not image.isNull():
            out[r.result_id] = image.scaledToHeight(THUMB_HEIGHT,
                                                    Qt.TransformationMode.SmoothTransformation)
    return out


def jpeg(picture: QImage, quality: int = 90) -> bytes:
    """The picture as JPEG bytes, at most FRAME_MAX_SIDE px a side (runs in a worker)."""
    if max(picture.width(), picture.height()) > FRAME_MAX_SIDE:
        picture = picture.scaled(FRAME_MAX_SIDE, FRAME_MAX_SIDE,
                                 Qt.AspectRatioMode.KeepAspectRatio,
                                 Qt.TransformationMode.SmoothTransformation)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    rgb: Any = picture.convertToFormat(QImage.Format.Format_RGB32)  # (the stub wants bytes,
    rgb.save(buffer, "JPG", quality)  # PySide6 a str)
    buffer.close()
    return bytes(data.data())


def run_label(run: Any) -> str:
    """Prompt name and when, to the second (two runs of a prompt in one minute differ)."""
    return f"{run.prompt_name} · {str(run.executed_at)[:19].replace('T', ' ')}"


def is_playground_run(run: Any) -> bool:
    context = run.run_context or {}
    return context.get("type") == "playground" or bool(context.get("is_playground"))


class SearchService(QObject):
    page_loaded = Signal(object)  # Page
    fields_loaded = Signal(str, list, list)  # index_id, list[FieldInfo], list[RunInfo]
    playground_runs_loaded = Signal(list)  # list[RunInfo]
    picture_loaded = Signal(str, str, str)  # file name, base64 of its bytes, how it is said
    media_matches = Signal(str, list)  # video_id, its results for the current search
    failed = Signal(str, object)

    def __init__(self, session: ApiSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._s = session
        self.generation = 0
        self.request: SearchRequest | None = None

    def _fail(self, action: str) -> Callable[[ApiProblem], None]:
        return self._s.reporter(self.failed, action)

    def search(self, request: SearchRequest, cursor: str | None = None) -> int:
        """Start this search (or its next page); the generation its answer will carry."""
        if cursor is None:
            self.generation += 1
            self.request = request
        generation = self.generation
        client = self._s.client

        async def fetch() -> Page:
            rows = await search_page(client, request, cursor)
            thumbs = await asyncio.to_thread(decode_thumbs, rows.items)
            return Page(generation, request, rows.items, rows.next_cursor, cursor is None,
                        thumbs, rows.problem())

        def ok(page: Page) -> None:
            self._s.mark_ok()
            if page.generation == self.generation:  # a newer search was started: drop it
                self.page_loaded.emit(page)

        self._s.jobs.run("search", fetch(), on_ok=ok, on_error=self._fail("Searching"),
                         replace=True)
        return generation

    def matches_in(self, request: SearchRequest, video_id: str) -> None:
        """Every result of this search that is in one media item: the widest search the
        API allows (top_k 100; filter pages up to MATCH_SCAN_MAX), kept to that media."""
        client = self._s.client
        wide = replace(request, top_k=TOP_K_MAX, page_size=TOP_K_MAX)
        kw = wide.sdk_kwargs()

        async def fetch() -> list[Any]:
            rows: list[Any] = []
            cursor: str | None = None
            while len(rows) < MATCH_SCAN_MAX:
                page = await search_page(client, wide, cursor, kw)
                rows += page.items
                cursor = page.next_cursor
                if not cursor:
                    break
            mine = [r for r in rows if r.video_id == video_id]
            return sorted(mine, key=lambda r: float(r.start_time or 0))

        def ok(rows: list[Any]) -> None:
            self._s.mark_ok()
            self.media_matches.emit(video_id, rows)

        self._s.jobs.run("search.in-media", fetch(), on_ok=ok,
                         on_error=self._fail("Finding every match in the media"))

    def cancel(self) -> None:
        """Nothing to search (the box was emptied): forget any answer still on its way."""
        self.generation += 1
        self.request = None
        self._s.jobs.cancel("search")

    def load_picture(self, path: str) -> None:
        """Read an example picture (in a worker) for an image search."""

        def read() -> tuple[str, str]:
            p = Path(path)
            size = p.stat().st_size
            if size > PICTURE_MAX_BYTES:
                raise UserFacingError(
                    f"“{p.name}” is {size // 1_000_000} MB; pick a picture under "
                    f"{PICTURE_MAX_BYTES // 1_000_000} MB (a frame or a thumbnail will do).")
            return p.name, base64.b64encode(p.read_bytes()).decode("ascii")

        def ok(found: tuple[str, str]) -> None:
            self.picture_loaded.emit(*found, "")

        self._s.jobs.run("search.picture", asyncio.to_thread(read), on_ok=ok,
                         on_error=lambda p: self.failed.emit("Reading the picture", p))

    def encode_frame(self, picture: QImage, said: str) -> None:
        """A frame from the player as a JPEG (in a worker) for an image search."""

        def encode() -> str:
            return base64.b64encode(jpeg(picture)).decode("ascii")

        def ok(data: str) -> None:
            self.picture_loaded.emit("frame.jpg", data, said)

        self._s.jobs.run("search.picture", asyncio.to_thread(encode), on_ok=ok,
                         on_error=lambda p: self.failed.emit("Reading the frame", p))

    def load_playground_runs(self) -> None:
        """The finished runs over the playground's media (newest first)."""
        client = self._s.client

        async def fetch() -> list[RunInfo]:
            runs = await client.prompt_runs.list(limit=200)
            done = [r for r in runs if is_playground_run(r) and str(r.status) in SEARCHABLE]
            done.sort(key=lambda r: str(r.executed_at), reverse=True)
            return [RunInfo(r.run_id, run_label(r)) for r in done]

        def ok(runs: list[RunInfo]) -> None:
            self._s.mark_ok()
            self.playground_runs_loaded.emit(runs)

        self._s.jobs.run("search.playground-runs", fetch(), on_ok=ok,
                         on_error=self._fail("Reading the playground's runs"))

    def load_fields(self, index_id: str) -> None:
        """The metadata keys (and runs) of an index, from a sample of its latest run."""
        client = self._s.client
        index = in_path(index_id)

        async def fetch() -> tuple[list[FieldInfo], list[RunInfo]]:
            runs = list((await client.indexes.list_prompt_runs(index, limit=50)).data)
            done = [r for r in runs if str(r.status) in SEARCHABLE]
            infos = [RunInfo(r.run_id, run_label(r)) for r in done]
            if not done:
                return [], infos
            page = await client.indexes.list_videos(index, limit=FIELD_SAMPLE_VIDEOS)
            metas: list[dict[str, Any]] = []
            for video in list(page.data)[:FIELD_SAMPLE_VIDEOS]:
                results = await client.prompt_runs.list_results(
                    in_path(done[0].run_id), video_id=video.video_id,
                    limit=FIELD_SAMPLE_SEGMENTS)
                metas += [dict(r.metadata) for r in results.data if r.metadata]
            return fields_of(metas), infos

        def ok(found: tuple[list[FieldInfo], list[RunInfo]]) -> None:
            self._s.mark_ok()
            self.fields_loaded.emit(index_id, found[0], found[1])

        self._s.jobs.run(f"search.fields.{index_id}", fetch(), on_ok=ok,
                         on_error=self._fail("Reading the index's fields"))

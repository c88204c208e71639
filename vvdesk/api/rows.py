"""Lists read row by row, and cursor pages that cannot loop.

The SDK validates a list answer as a whole (`[Model.model_validate(r) for r in answer]`),
so one malformed row (a missing id, a number where text belongs) fails the entire list.
These readers fetch the same endpoints through the SDK's own transport (same headers,
envelope and retries) and validate each row on its own: the good rows are returned, the
bad ones are counted and described for the log, and `Rows.problem()` says it in words.

`CursorTrail` remembers the cursors one listing has used: a server that answers a cursor
again (or pages without end) ends the listing with a problem instead of a request loop.
"""

from __future__ import annotations

import heapq
import logging
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vvdesk.api.errors import ApiProblem, ProblemKind, UserFacingError
from vvdesk.api.ids import in_path
from vvdesk.api.list_reader import MIB, ListRead, read_list
from vvdesk.worker_gil import breather

if TYPE_CHECKING:
    from videovector import AsyncVideoVector, Export, Index

log = logging.getLogger(__name__)
FREE_SLICE = 1000  # rows freed at a time (see let_go)
MAX_PAGES = 2000  # one listing never asks more pages than this (100k rows at 50 a page)


@dataclass
class Rows:
    """The readable rows of one answer (a list or a page) and what was wrong with the rest."""

    items: list[Any]
    noun: str  # what a row is, in words ("export", "run")
    skipped: list[str] = field(default_factory=list)  # per bad row, for the log
    has_more: bool = False
    next_cursor: str | None = None
    listed: int | None = None  # readable rows the server sent, when `items` keeps fewer

    @property
    def trimmed(self) -> bool:
        """The server listed more readable rows than `items` keeps (the newest)."""
        return self.listed is not None and self.listed > len(self.items)

    def problem(self) -> ApiProblem | None:
        """One message for every row that could not be read, or None when all could."""
        if not self.skipped:
            return None
        n = len(self.skipped)
        rows = f"{n:,} {self.noun}{'s' if n != 1 else ''}"
        shown = len(self.items)
        others = (f"{shown:,} {'are' if shown != 1 else 'is'} shown" if not self.trimmed
                  else f"{self.listed:,} were read (the newest {shown:,} are shown)")
        return ApiProblem(ProblemKind.BAD_RESPONSE, (
            f"The server sent {rows} that vvdesk cannot read (a value was missing or of the "
            f"wrong kind), so {'they are' if n != 1 else 'it is'} not shown; the other "
            f"{others}. Try again later; if it keeps happening, tell the server's admin."))


def unreadable(what: str) -> UserFacingError:
    return UserFacingError(f"The server answered with something that is not {what}. Try "
                           "again later; if it keeps happening, tell the server's admin.",
                           ProblemKind.BAD_RESPONSE)


def _why(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if not callable(errors):
        return str(exc)
    first = errors()[0] if errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ())) or "the row"
    return f"{where}: {first.get('msg', 'unreadable')}"


def let_go(rows: Rows) -> None:
    """Free `rows.items` a slice at a time (in a worker thread): freeing is one C call that
    never lets the UI thread in, and 250k rows freed at once held it ~40 ms."""
    items, rows.items = rows.items, []
    breathe = breather()
    while items:
        del items[-FREE_SLICE:]
        breathe()


def _checked(raw: Any, model: Any, key: str) -> Any:
    if not isinstance(raw, dict) or not raw.get(key) or not isinstance(raw[key], str):
        raise ValueError(f"{key}: missing or not text")
    return model.model_validate(raw)


def _skip(rows: Rows, i: int, raw: Any, key: str, exc: ValueError) -> None:
    ident = raw.get(key) if isinstance(raw, dict) else None
    rows.skipped.append(f"{rows.noun} #{i} ({ident!r}): {_why(exc)}")


def _log_skipped(rows: Rows) -> None:
    if rows.skipped:
        log.warning("skipped %d unreadable %s rows: %s", len(rows.skipped), rows.noun,
                    "; ".join(rows.skipped[:5]))


def read_rows(answer: Any, model: Any, noun: str, key: str) -> Rows:
    """Validate each row of a list answer on its own."""
    if not isinstance(answer, list):
        raise unreadable(f"a list of {noun}s")
    rows = Rows([], noun)
    for i, raw in enumerate(answer):
        try:
            rows.items.append(_checked(raw, model, key))
        except ValueError as exc:  # pydantic's ValidationError is a ValueError
            _skip(rows, i, raw, key, exc)
    _log_skipped(rows)
    return rows


def read_page(answer: Any, model: Any, noun: str, key: str) -> Rows:
    """A cursor page (`{data, pagination}`), validated row by row."""
    if not isinstance(answer, dict) or not isinstance(answer.get("data"), list):
        raise unreadable(f"a page of {noun}s")
    rows = read_rows(answer["data"], model, noun, key)
    pagination = answer.get("pagination")
    pagination = pagination if isinstance(pagination, dict) else {}
    cursor = pagination.get("next_cursor")
    rows.next_cursor = cursor if isinstance(cursor, str) and cursor else None
    rows.has_more = bool(pagination.get("has_more")) and rows.next_cursor is not None
    if not rows.has_more:
        rows.next_cursor = None
    return rows


class CursorTrail:
    """The cursors one listing has used; `follow` refuses a repeated one or one too many."""

    def __init__(self, max_pages: int = MAX_PAGES) -> None:
        self.max_pages = max_pages
        self.pages = 0
        self._seen: set[str] = set()

    def reset(self) -> None:
        self.pages, self._seen = 0, set()

    def follow(self, used: str | None, offered: str | None, noun: str) -> tuple[
            str | None, ApiProblem | None]:
        """The cursor to ask with next (None: the listing ends) and why it ended early."""
        self.pages += 1
        if used:
            self._seen.add(used)
        if offered is None:
            return None, None
        if offered in self._seen:
            return None, ApiProblem(ProblemKind.BAD_RESPONSE, (
                f"The server kept sending the same page of {noun}s, so vvdesk stopped "
                f"asking after {self.pages} page{'s' if self.pages != 1 else ''}. The list "
                "may be incomplete; refresh it later."))
        if self.pages >= self.max_pages:
            return None, ApiProblem(ProblemKind.BAD_RESPONSE, (
                f"The list of {noun}s is longer than vvdesk shows ({self.pages} pages); "
                "the rest is not loaded. Narrow it down (another index) to see the rest."))
        return offered, None


async def all_pages(fetch: Callable[[str | None], Awaitable[tuple[list[Any], str | None]]],
                    noun: str, max_pages: int = MAX_PAGES) -> tuple[list[Any], ApiProblem | None]:
    """Every item of a cursor listing, `fetch(cursor) -> (items, next_cursor)`; stops at a
    repeated cursor or after max_pages (for loops that page to the end by themselves)."""
    trail, items, cursor = CursorTrail(max_pages), [], None
    while True:
        page, offered = await fetch(cursor)
        items += page
        cursor, problem = trail.follow(cursor, offered, noun)
        if cursor is None:
            return items, problem


# long lists, read in a worker thread (api/list_reader.py) ---------------------------------
INDEX_LIST_CAP = 32 * MIB  # ~150k indexes; an endless answer stops here
EXPORT_LIST_CAP = 128 * MIB  # ~180k exports
EXPORTS_KEPT = 500  # the newest exports of one list answer kept (the API pages 100)


@dataclass(frozen=True, slots=True)
class IndexRow:
    """An index as the list keeps it: the fields of `videovector.Index` (validated by it)
    in a slotted row, a third of the memory of the model (100k indexes: ~40 MB)."""

    index_id: str
    name: str
    user_id: str
    created_at: str
    description: str | None = None
    sort_order: int | None = None
    is_default: bool = False

    @classmethod
    def of(cls, ix: Index) -> IndexRow:
        return cls(ix.index_id, ix.name, sys.intern(ix.user_id), ix.created_at,
                   ix.description, ix.sort_order, ix.is_default)


class ModelSink:
    """Every readable row, as the SDK's `model` validates it (`key`: the row's id), kept as
    `shape` makes it (the model itself by default; an index list keeps IndexRows)."""

    def __init__(self, model: Any, noun: str, key: str,
                 shape: Callable[[Any], Any] | None = None) -> None:
        self._model, self._key, self._shape = model, key, shape
        self._rows = Rows([], noun)
        self._seen = 0

    def add(self, raw: Any) -> None:
        i, self._seen = self._seen, self._seen + 1
        try:
            row = _checked(raw, self._model, self._key)
        except ValueError as exc:
            _skip(self._rows, i, raw, self._key, exc)
            return
        self._rows.items.append(row if self._shape is None else self._shape(row))

    def rows(self) -> Rows:
        _log_skipped(self._rows)
        return self._rows

    def discard(self) -> None:
        let_go(self._rows)


class NewestExportsSink:
    """The newest `keep` readable exports (newest first) and how many there were."""

    def __init__(self, keep: int = EXPORTS_KEPT) -> None:
        from videovector import Export

        self._model = Export
        self._keep = keep
        self._heap: list[tuple[str, int, Export]] = []  # the oldest kept on top
        self._rows = Rows([], "export")
        self._seen = self._readable = 0

    def add(self, raw: Any) -> None:
        i, self._seen = self._seen, self._seen + 1
        try:
            export = _checked(raw, self._model, "export_id")
        except ValueError as exc:
            _skip(self._rows, i, raw, "export_id", exc)
            return
        self._readable += 1
        entry = (export.created_at or "", -i, export)  # equal times: the earlier row wins
        if len(self._heap) < self._keep:
            heapq.heappush(self._heap, entry)
        elif entry[:2] > self._heap[0][:2]:
            heapq.heapreplace(self._heap, entry)

    def rows(self) -> Rows:
        self._rows.items = [e for *_, e in sorted(self._heap, key=lambda t: t[:2],
                                                  reverse=True)]
        self._rows.listed = self._readable
        _log_skipped(self._rows)
        return self._rows

    def discard(self) -> None:
        self._heap = []


# the lists vvdesk shows ------------------------------------------------------------------
async def list_exports(client: AsyncVideoVector, limit: int,
                       keep: int = EXPORTS_KEPT) -> Rows:
    """The account's exports (at most the newest `keep` of however many the server sends)."""
    return await read_list(client, ListRead("/exports", "the export list", "export",
                                            EXPORT_LIST_CAP, NewestExportsSink(keep)),
                           {"limit": limit})


async def list_runs(client: AsyncVideoVector, limit: int) -> Rows:
    from videovector import PromptRun

    return read_rows(await client._http.get("/prompt-runs", params={"limit": limit}),
                     PromptRun, "run", "run_id")


async def media_runs(client: AsyncVideoVector, video_id: str) -> Rows:
    from videovector import PromptRun

    return read_rows(await client._http.get(f"/videos/{in_path(video_id)}/prompt-runs"),
                     PromptRun, "run", "run_id")


async def index_runs_page(client: AsyncVideoVector, index_id: str, limit: int,
                          cursor: str | None) -> Rows:
    from videovector import PromptRun

    params: dict[str, Any] = {"limit": limit, "cursor": cursor}
    return read_page(await client._http.get(f"/indexes/{in_path(index_id)}/prompt-runs",
                                            params=params), PromptRun, "run", "run_id")


async def list_indexes(client: AsyncVideoVector, include_defaults: bool,
                       cap_bytes: int = INDEX_LIST_CAP) -> Rows:
    """Every index, as IndexRows."""
    from videovector import Index

    sink = ModelSink(Index, "index", "index_id", shape=IndexRow.of)
    return await read_list(client, ListRead("/indexes", "the index list", "index",
                                            cap_bytes, sink),
                           {"include_defaults": include_defaults})

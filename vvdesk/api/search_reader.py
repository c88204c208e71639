"""Search answers read off the UI thread, each result validated on its own.

A page of 100 results (each with its base64 picture) was decoded and validated by the SDK
on the loop's (UI) thread: 10-50 ms with nothing drawn. `search_page` still asks through
the SDK method for the search (its body checks, headers, errors; the transport's deadline),
but the answer's body goes to a `ListRead` (api/list_reader.py): parsed and validated in a
worker thread, result by result, while the SDK gets an empty answer of the same shape. A
result the SDK's model refuses is left out and said in words (`Rows.problem()`), the
others are shown, as for the long lists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vvdesk.api.ids import in_path
from vvdesk.api.list_reader import (
    MIB,
    ListRead,
    Malformed,
    NotAList,
    RowSink,
    read_through,
)
from vvdesk.api.rows import ModelSink, Rows
from vvdesk.search_query import SearchKind, SearchRequest
from vvdesk.worker_gil import breather

if TYPE_CHECKING:
    from videovector import AsyncVideoVector

SEARCH_ANSWER_CAP = 64 * MIB  # 100 results with pictures are ~1-5 MB
NOUN = "search result"
WHAT = "the search results"


def result_sink(model: Any) -> ModelSink:
    """Every readable result of an answer, as the SDK's `model` for it validates it."""
    return ModelSink(model, NOUN, "result_id")


class FilterPageSink:
    """A filter page, `{data, pagination}` or the legacy `{results, next_page_token}`: its
    results as `result_sink` reads them, and the cursor of the next page."""

    def __init__(self) -> None:
        from videovector import FilterSearchResponse, SearchResult

        self._envelope = FilterSearchResponse
        self._results = result_sink(SearchResult)
        self._cursor: str | None = None

    def add(self, page: Any) -> None:
        if not isinstance(page, dict):
            raise NotAList("not a page of results")
        results = page.get("data") or page.get("results") or []  # as the SDK picks them
        if not isinstance(results, list):
            raise NotAList("the page's results are not a list")
        try:  # the paging, read by the SDK's own model (legacy and cursor shapes)
            envelope = self._envelope.model_validate(
                {k: v for k, v in page.items() if k not in ("data", "results")})
        except ValueError:
            raise Malformed("the page's paging is unreadable") from None
        pag = envelope.pagination
        if pag is not None and pag.has_more and pag.next_cursor:
            self._cursor = pag.next_cursor
        elif envelope.next_page_token:
            self._cursor = envelope.next_page_token
        breathe = breather()
        for raw in results:
            self._results.add(raw)
            breathe()

    def discard(self) -> None:
        self._results.discard()

    def rows(self) -> Rows:
        rows = self._results.rows()
        rows.next_cursor = self._cursor
        rows.has_more = self._cursor is not None
        return rows


def _read(path: str, sink: RowSink, *, page: bool = False) -> ListRead:
    return ListRead(path, WHAT, NOUN, SEARCH_ANSWER_CAP, sink, method="POST",
                    stand_in=b"{}" if page else b"[]", whole=page)


async def search_page(client: AsyncVideoVector, request: SearchRequest,
                      cursor: str | None = None, kw: dict[str, Any] | None = None) -> Rows:
    """One page of this search (`next_cursor`: the next page's, or None). The one place
    that picks the `client.search` method for a search."""
    from videovector import ImageSearchResult, SearchResult

    kw = request.sdk_kwargs() if kw is None else kw
    search = client.search
    index = in_path(request.index_id) if request.index_id else ""
    if request.kind is SearchKind.FILTER:
        if request.in_playground:
            read = _read("/search/filter/playground", FilterPageSink(), page=True)
            return await read_through(read, lambda: search.filter_playground(cursor=cursor,
                                                                             **kw))
        read = _read(f"/search/filter/{request.index_id}", FilterPageSink(), page=True)
        return await read_through(read, lambda: search.filter(index, cursor=cursor, **kw))
    if request.kind is SearchKind.IMAGE:
        read = _read(f"/indexes/{request.index_id}/image-search",
                     result_sink(ImageSearchResult))
        return await read_through(read, lambda: search.image(index, **kw))
    if request.kind is SearchKind.MULTI_RUN:
        read = _read("/search/multi-run", result_sink(SearchResult))
        return await read_through(read, lambda: search.multi_run(**kw))
    if request.kind is SearchKind.PLAYGROUND:
        read = _read("/playground/search", result_sink(SearchResult))
        return await read_through(read, lambda: search.playground(**kw))
    read = _read(f"/indexes/{request.index_id}/search", result_sink(SearchResult))
    return await read_through(read, lambda: search.text(index, **kw))

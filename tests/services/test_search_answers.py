"""Search answers are read result by result (off the UI thread): every readable result is
shown, in the server's order, with its picture; one the app cannot read is left out and
said in words instead of failing the whole search; a garbled answer is said in words."""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest

from tests.sandbox.helpers import raw
from tests.stub_server import Reply, stub_server
from vvdesk.api.client import make_client
from vvdesk.search_query import Condition, SearchKind, SearchRequest, ValueType
from vvdesk.services.search import Page, SearchService
from vvdesk.services.session import ApiSession


def plain(text: str) -> None:
    for word in ("ValidationError", "TypeError", "Unexpected error", "result_id", "JSON"):
        assert word not in text, text
    assert text.strip() != "Request failed."


@pytest.fixture(scope="module")
def real_results(sandbox: Any) -> list[dict[str, Any]]:
    """Results exactly as the sandbox (faithful to the SDK models) answers them, pictures
    included."""
    for _ in range(600):
        resp = raw(sandbox, "POST", "/indexes/idx_demo_archive/search",
                   json={"query": "scene", "top_k": 100})
        assert resp.status_code == 200, resp.text
        found = resp.json()
        if len(found) >= 2 and all(r.get("thumbnail_data") for r in found):
            return found
        time.sleep(0.1)  # the demo run is pictured shortly after the sandbox starts
    raise AssertionError("the demo archive's results never had their pictures")


def broken(row: dict[str, Any]) -> list[Any]:
    """The same result without its id, one with a list where text belongs, and a number."""
    no_id = copy.deepcopy(row)
    no_id.pop("result_id")
    wrong = copy.deepcopy(row)
    wrong["result_id"] += "_wrong"
    wrong["text_content"] = ["not", "text"]
    return [no_id, wrong, 7]


def run_search(stub: Any, until: Any, arun: Any, request: SearchRequest,
               ) -> tuple[list[Page], list[Any]]:
    client = make_client(stub.base_url, "k" * 16, max_retries=0)
    session = ApiSession("p", stub.base_url, client, poll_client=client)
    service = SearchService(session)
    pages: list[Page] = []
    failed: list[Any] = []
    service.page_loaded.connect(pages.append)
    service.failed.connect(lambda _what, p: failed.append(p))
    try:
        service.search(request)
        until(lambda: pages or failed, "the search's answer")
    finally:
        arun(session.close())
    return pages, failed


def text_search() -> SearchRequest:
    return SearchRequest(kind=SearchKind.TEXT, index_id="idx_1", scope_label="Clips",
                         query="scene", top_k=100)


def test_unreadable_results_are_left_out_and_said_the_others_shown_with_pictures(
        arun, until, real_results):
    good = real_results
    body = [good[0], *broken(good[0]), *good[1:]]
    with stub_server() as stub:
        stub.answer("POST", "/api/v2/indexes/idx_1/search", Reply(200, body))
        pages, failed = run_search(stub, until, arun, text_search())
    assert not failed
    page = pages[0]
    assert [r.result_id for r in page.rows] == [r["result_id"] for r in good]
    assert page.rows[0].text_content == good[0]["text_content"]
    assert set(page.thumbs) == {r["result_id"] for r in good}
    assert not page.thumbs[good[0]["result_id"]].isNull()
    assert page.problem is not None
    plain(page.problem.message)
    assert "3 search results" in page.problem.message
    assert f"{len(good)} are shown" in page.problem.message


def test_a_filter_page_keeps_its_readable_results_and_its_next_cursor(
        arun, until, real_results):
    good = real_results[0]
    body = {"data": [good, *broken(good)],
            "pagination": {"limit": 50, "has_more": True, "next_cursor": "page-2"}}
    request = SearchRequest(kind=SearchKind.FILTER, index_id="idx_1", scope_label="Clips",
                            conditions=(Condition("mood", "equals", ValueType.STRING, "calm"),))
    with stub_server() as stub:
        stub.answer("POST", "/api/v2/search/filter/idx_1", Reply(200, body))
        pages, failed = run_search(stub, until, arun, request)
    assert not failed
    assert [r.result_id for r in pages[0].rows] == [good["result_id"]]
    assert pages[0].cursor == "page-2"
    assert pages[0].problem is not None and "3 search results" in pages[0].problem.message


@pytest.mark.parametrize("body", [b'[{"result_id": "r1", "video_id": "v', b'{"results": 3}',
                                  b"\xff\xfe not text"])
def test_a_garbled_answer_is_said_in_words(arun, until, body):
    with stub_server() as stub:
        stub.answer("POST", "/api/v2/indexes/idx_1/search", Reply(200, body))
        pages, failed = run_search(stub, until, arun, text_search())
    assert not pages
    plain(failed[0].message)
    assert "search results" in failed[0].message

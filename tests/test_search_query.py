"""What a search asks, as code and in words (no server: pure rules)."""

from __future__ import annotations

from videovector.resources.search import _build_filter_search_body

from vvdesk.search_query import (
    Condition,
    SearchKind,
    SearchRequest,
    ValueType,
    as_curl,
    as_sdk,
    marked_spans,
)

BASE = "https://127.0.0.1:8443/api/v2"


def filter_request() -> SearchRequest:
    return SearchRequest(SearchKind.FILTER, "idx_a", "“Archive”", index_ids=("idx_a", "idx_b"),
                         conditions=(Condition("label", "equals", ValueType.STRING, "harbor"),
                                     Condition("confidence", "greater_equal", ValueType.NUMBER,
                                               0.5),
                                     Condition("objects", "is_empty", ValueType.ARRAY)),
                         page_size=20, run_ids=("run_1",))


def test_a_filter_body_is_what_the_sdk_sends():
    req = filter_request()
    kw = req.sdk_kwargs()
    assert req.body("c1") == _build_filter_search_body(cursor="c1", **kw)


def test_the_code_names_the_key_variable_never_a_key():
    for req in (filter_request(), SearchRequest(SearchKind.TEXT, "idx_a", "“Archive”",
                                                query="harbor 'at night'", top_k=7,
                                                fields=("label",))):
        curl, sdk = as_curl(req, BASE), as_sdk(req, BASE)
        assert '-H "X-API-Key: $VIDEO_VECTOR_API_KEY"' in curl
        assert "os.environ['VIDEO_VECTOR_API_KEY']" in sdk
        assert BASE + req.path() in curl and f"base_url={BASE!r}" in sdk
        compile(sdk, "<copied>", "exec")  # pastes as valid Python
    assert "'\"'\"'at night'\"'\"'" in curl  # the quote inside the body survives the shell


def test_no_results_says_what_was_searched():
    text = filter_request().no_results()
    assert text.startswith("No results for segments where label is “harbor” and confidence "
                           "≥ 0.5 and objects is empty in “Archive” (run run_1).")
    words = SearchRequest(SearchKind.TEXT, "idx_a", "all 3 indexes", query=" harbour ")
    assert words.no_results().startswith("No results for “harbour” in all 3 indexes.")


def test_matched_words_are_marked_whole_or_by_their_start():
    text = "Kitchens and a kitchen, not akitchen; Harbor!"
    spans = marked_spans(text, ["kitchen", "harbor"])
    assert [text[a:b] for a, b in spans] == ["Kitchens", "kitchen", "Harbor"]
    assert marked_spans(text, []) == []
    cut = "fingerprint 0c9551be…"  # an elided cell keeps the visible start of the word marked
    assert [cut[a:b] for a, b in marked_spans(cut, ["0c9551beb15b0c3d"])] == ["0c9551be"]
    assert [text[a:b] for a, b in marked_spans(text, ["a"])] == ["a"]  # short words: whole


def test_multi_run_and_playground_bodies_and_code():
    from vvdesk.search_query import Aggregation

    multi = SearchRequest(SearchKind.MULTI_RUN, "idx_a", "“Archive”", query=" harbor ",
                          top_k=80, run_ids=("run_1", "run_2"),
                          run_labels=("Scenes · 2026-12-01 10:00", "Scenes · 2026-12-01 11:00"),
                          aggregation=Aggregation.WEIGHTED)
    assert multi.path() == "/search/multi-run"
    assert multi.body() == {"query": "harbor", "aggregation": "weighted", "top_k": 50,
                            "run_ids": ["run_1", "run_2"]}  # top_k is per run, at most 50
    assert "runs Scenes · 2026-12-01 10:00, Scenes · 2026-12-01 11:00 ranked one by one " \
           "(recent runs first)" in multi.what()
    every = SearchRequest(SearchKind.MULTI_RUN, "idx_a", "“Archive”", query="harbor")
    assert every.body()["index_id"] == "idx_a" and "every run ranked" in every.what()
    play = SearchRequest(SearchKind.PLAYGROUND, "", "the playground", query="harbor",
                         run_ids=("run_p",))
    assert play.has_scope and play.path() == "/playground/search?run_id=run_p"
    assert play.sdk_kwargs() == {"query": "harbor", "top_k": 30, "run_id": "run_p"}
    for req in (multi, every, play):
        sdk = as_sdk(req, BASE)
        compile(sdk, "<copied>", "exec")
        assert f"client.search.{req.kind.value}(\n    query=" in sdk  # no index argument
        assert BASE + req.path() in as_curl(req, BASE)

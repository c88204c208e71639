"""Issue 12 items 8 and 9: a repeating cursor cannot make a request loop, and one malformed
row does not fail a whole list (the good rows are shown, the bad ones said in words)."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import pytest

from tests.sandbox.helpers import raw
from tests.stub_server import Reply, stub_server
from vvdesk.api.client import make_client
from vvdesk.api.rows import all_pages
from vvdesk.services.automations import AutomationService
from vvdesk.services.export_tracker import ExportTracker
from vvdesk.services.journal import Journal
from vvdesk.services.media import MediaService
from vvdesk.services.runs import RunService
from vvdesk.services.session import ApiSession


def session_on(stub: Any) -> ApiSession:
    client = make_client(stub.base_url, "k" * 16, max_retries=0)
    return ApiSession("p", stub.base_url, client, poll_client=client)


def plain(text: str) -> None:
    for word in ("ValidationError", "TypeError", "Unexpected error", "ExceptionGroup"):
        assert word not in text, text
    assert text.strip() != "Request failed."


@pytest.fixture(scope="module")
def real_rows(sandbox: Any) -> dict[str, Any]:
    """Rows exactly as the sandbox (faithful to the SDK models) answers them."""
    resp = raw(sandbox, "POST", "/exports/index/idx_demo_archive")
    assert resp.status_code in (200, 201, 202), resp.text
    export = raw(sandbox, "GET", f"/exports/{resp.json()['export_id']}").json()
    run = raw(sandbox, "GET", "/prompt-runs/run_demo_archive").json()
    return {"export": export, "run": run}


def broken(row: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The same row without its id, and with a wrong-typed value."""
    no_id = copy.deepcopy(row)
    no_id.pop(key)
    wrong = copy.deepcopy(row)
    wrong[key] = wrong[key] + "_wrong"
    wrong["status"] = {"not": "a status"}
    return [no_id, wrong]


def test_exports_list_shows_the_good_rows_and_says_the_bad(arun, tmp_path, real_rows):
    good = real_rows["export"]
    with stub_server() as stub:
        stub.answer("GET", "/api/v2/exports", Reply(200, [good, *broken(good, "export_id")]))
        session = session_on(stub)
        journal = Journal(tmp_path / "j.sqlite3")
        tracker = ExportTracker(session, journal)
        tracker.autostart = False
        listed: list[Any] = []
        problems: list[Any] = []
        tracker.listed.connect(listed.append)
        tracker.problem.connect(lambda what, p: problems.append(p))
        try:
            arun(tracker.cycle())
            arun(tracker.cycle())
        finally:
            arun(session.close())
            journal.close()
    assert [e.export_id for e in listed[0]] == [good["export_id"]]
    assert len(problems) == 1, "said once, not every cycle"
    plain(str(problems[0]))
    assert "2 exports" in problems[0].message and "1 is shown" in problems[0].message


def test_runs_page_and_watch_list_keep_the_good_rows(arun, until, real_rows):
    good = real_rows["run"]
    page = {"data": [good, *broken(good, "run_id")],
            "pagination": {"has_more": False, "next_cursor": None}}
    with stub_server() as stub:
        stub.answer("GET", "/api/v2/indexes/idx_1/prompt-runs", Reply(200, page))
        stub.answer("GET", "/api/v2/videos/vid_1/prompt-runs",
                    Reply(200, [good, *broken(good, "run_id")]))
        session = session_on(stub)
        runs = RunService(session)
        loaded: list[Any] = []
        failed: list[Any] = []
        runs.loaded.connect(lambda rows, more, first: loaded.append(rows))
        runs.failed.connect(lambda what, p: failed.append(p))
        try:
            runs.load_index("idx_1")
            until(lambda: loaded and failed, "the index's runs")
            runs.load_media(["vid_1"])
            until(lambda: len(loaded) == 2 and len(failed) == 2, "the media's runs")
        finally:
            arun(session.close())
    assert [[r.run_id for r in rows] for rows in loaded] == [[good["run_id"]]] * 2
    for p in failed:
        plain(str(p))
        assert "2 runs" in p.message


def test_an_automation_answered_with_a_list_is_said_in_words(arun, until):
    with stub_server() as stub:
        stub.answer("GET", r"/api/v2/indexes/idx_1/automations/.*", Reply(200, [1, 2]))
        session = session_on(stub)
        service = AutomationService(session)
        failed: list[Any] = []
        service.failed.connect(lambda kind, action, p: failed.append(p))
        try:
            service.load("idx_1")
            until(lambda: failed, "the automations to fail")
        finally:
            arun(session.close())
    plain(str(failed[0]))
    assert "automation settings" in failed[0].message


def repeating_page(seen: Any) -> Reply:
    return Reply(200, {"data": [], "pagination": {"has_more": True, "next_cursor": "again"}})


def test_a_repeating_cursor_ends_the_media_and_runs_listings(arun, until):
    with stub_server() as stub:
        stub.answer("GET", "/api/v2/indexes/idx_1/videos", repeating_page)
        stub.answer("GET", "/api/v2/indexes/idx_1/prompt-runs", repeating_page)
        session = session_on(stub)
        media, runs = MediaService(session), RunService(session)
        failed: list[Any] = []
        media.failed.connect(lambda what, p: failed.append(p))
        runs.failed.connect(lambda what, p: failed.append(p))
        # what the views do: ask for the next page whenever one is offered
        media.page_loaded.connect(
            lambda scope, rows, cursor, first: cursor and media.load(scope, cursor))
        runs.loaded.connect(lambda rows, more, first: more and runs.fetch_more(more))
        try:
            media.load("idx_1")
            runs.load_index("idx_1")
            until(lambda: len(failed) == 2, "both listings to stop")
            arun(asyncio.sleep(1.0))  # nothing more is asked meanwhile
        finally:
            arun(session.close())
    assert len(stub.seen) <= 4, stub.paths()
    for p in failed:
        plain(str(p))
        assert "same page" in p.message


def test_paging_to_the_end_stops_at_a_repeat_or_the_cap(arun):
    asked: list[str | None] = []

    async def fetch(cursor: str | None) -> tuple[list[int], str | None]:
        asked.append(cursor)
        return [1], "same"

    items, problem = arun(all_pages(fetch, "import output"))
    assert asked == [None, "same"] and problem and "same page" in problem.message

    async def endless(cursor: str | None) -> tuple[list[int], str | None]:
        return [1], f"c{int((cursor or 'c0')[1:]) + 1}"

    items, problem = arun(all_pages(endless, "import output", max_pages=50))
    assert len(items) == 50 and problem and "50 pages" in problem.message

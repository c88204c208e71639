"""Issue 12 item 13: an id from the server never changes which endpoint is asked."""

from __future__ import annotations

from typing import Any

import pytest

from tests.stub_server import Reply, error, stub_server
from vvdesk.api.automations import AutomationsApi
from vvdesk.api.client import make_client
from vvdesk.api.ids import in_path
from vvdesk.services.downloads import DownloadService
from vvdesk.services.export_tracker import ExportTracker
from vvdesk.services.journal import Journal
from vvdesk.services.session import ApiSession

HOSTILE = ["../../x", "..", ".", "a/b?c=1#d", "%2e%2e", "x/../../../admin"]


@pytest.mark.parametrize("value", HOSTILE)
def test_an_id_is_exactly_one_path_segment(value):
    text = in_path(value)
    assert "/" not in text and "?" not in text and "#" not in text
    assert text not in (".", "..")
    assert in_path("exp_01HXYZ-abc_9") == "exp_01HXYZ-abc_9"  # ordinary ids are unchanged


def _session(stub: Any) -> ApiSession:
    return ApiSession("p", stub.base_url, make_client(stub.base_url, "k" * 16, max_retries=0))


def test_automation_paths_escape_the_index_id(arun):
    with stub_server() as stub:
        stub.answer("*", r".*", error(404, "resource_automation_not_found", "none"))
        client = make_client(stub.base_url, "k" * 16, max_retries=0)
        api = AutomationsApi(client)
        for value in ("../../x", ".."):
            assert arun(api.get(value, "import")) is None
        arun(client.close())
    assert stub.paths() == ["/api/v2/indexes/..%2F..%2Fx/automations/import",
                            "/api/v2/indexes/%2E%2E/automations/import"]


def test_tracker_and_download_escape_the_export_id(arun, until, tmp_path):
    with stub_server() as stub:
        stub.answer("GET", "/api/v2/exports", Reply(200, []))
        stub.answer("*", r"/api/v2/exports/.+", error(404, "resource_export_not_found", "gone"))
        session = _session(stub)
        journal = Journal(tmp_path / "j.sqlite3")
        tracker = ExportTracker(session, journal)
        tracker.autostart = False
        gone: list[str] = []
        tracker.gone.connect(lambda export_id, _p: gone.append(export_id))
        downloads = DownloadService(session)
        failed: list[Any] = []
        downloads.failed.connect(lambda export_id, p: failed.append(p))
        try:
            arun(tracker.add("../../x", "index", "idx_1"))
            arun(tracker.cycle())
            downloads.start("../../x", tmp_path / "out.json")
            until(lambda: failed, "the download to fail")
        finally:
            arun(session.close())
            journal.close()
    assert gone == ["../../x"]
    asked = [p for p in stub.paths() if p.startswith("/api/v2/exports/")]
    assert asked == ["/api/v2/exports/..%2F..%2Fx", "/api/v2/exports/..%2F..%2Fx/download"]
    # nothing else, besides the tracker's one question for the server's rate limit
    assert not [p for p in stub.paths() if not p.startswith("/api/v2/exports")
                and p != "/api/v2/rate-limit/status"]

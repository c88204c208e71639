"""Many exports finishing together: one notice for all of them, a few downloads at a time."""

from __future__ import annotations

import pytest

from tests.ui.helpers import add_profile
from tests.ui.test_exports_ui import DEMO_INDEX, live_app, shown, until_async
from vvdesk.app import Options
from vvdesk.controllers.exports import folder_key

N = 6


@pytest.mark.timeout(150)
@pytest.mark.usefixtures("secret_service")
def test_ready_exports_make_one_notice_and_download_two_at_a_time(
        qtbot, arun, settings, sandbox, isolated):
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    folder = isolated / "many"
    settings.set_value(folder_key("local"), str(folder))

    async def scenario() -> None:
        async with live_app(qtbot, settings, Options(profile="local")) as app:
            w = app.window
            exports = app.controllers.exports
            running, most = set(), [0]
            original = exports.downloads._download

            async def download(export_id: str, *a, **k):  # counts the transfers under way
                running.add(export_id)
                most[0] = max(most[0], len(running))
                try:
                    return await original(export_id, *a, **k)
                finally:
                    running.discard(export_id)

            exports.downloads._download = download
            sandbox.add_fault(method="GET", path=r"/exports/[^/]+/download$", latency=0.4,
                              times=N)
            try:
                with sandbox.paused():  # they all complete together once released
                    for _ in range(N):
                        made = await app.session.client.exports.create_index_export(
                            DEMO_INDEX)
                        await exports.tracker.add(made.export_id, "index", DEMO_INDEX)
                await until_async(lambda: not exports.tracker.tracked_ids(),
                                  "every export to finish")
                await until_async(lambda: any(t == "Exports ready" for t, _ in shown(app)),
                                  "the one notice")
                titles = [t for t, _ in shown(app)]
                assert "Export ready" not in titles, titles  # not one notice per export
                [text] = [x for t, x in shown(app) if t == "Exports ready"]
                assert f"{N} exports are ready" in text and str(folder) in text
                assert w.banner.action.text() == "Download all"

                w.banner.action.click()
                await until_async(lambda: len(list(folder.glob("*.json"))) == N,
                                  f"all {N} files", timeout=60)
                assert most[0] == 2, most  # the default: two downloads at once
                await until_async(lambda: not running, "the downloads to end")
                await until_async(lambda: any(t == "Exports downloaded"
                                              for t, _ in shown(app)), "the saved notice")
                said = [t for t, _ in shown(app) if t.startswith("Export")]
                assert len(said) < 1 + N, said  # gathered, not one per file
            finally:
                sandbox.clear_faults()

    arun(scenario(), 140)

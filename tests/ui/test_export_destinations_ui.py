"""Where exports end up, and what the user sees when the server says no.

Connector delivery (the file lands in the bucket, nothing to download), an expired file
(410: say so, offer the same export again) and rate limiting (429 + Retry-After: back off,
say when the next check is, don't hammer). Real app, real sandbox; dialogs answered
through their `ask` classmethods.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any

import httpx
import pytest

from tests.ui.helpers import add_profile
from tests.ui.test_exports_ui import (
    DEMO_INDEX,
    answer,
    live_app,
    open_index,
    sdk_bytes,
    shown,
    until_async,
)
from vvdesk.app import Options
from vvdesk.models.exports import ExportListModel
from vvdesk.ui.dialogs.create_export import CreateExportDialog
from vvdesk.ui.dialogs.download import DownloadDialog

pytestmark = [pytest.mark.usefixtures("secret_service"), pytest.mark.timeout(180)]
DOWNLOAD = {"prompt_run_ids": None, "connector_id": None, "subpath": None}
DESTINATION = [c.title for c in ExportListModel.columns].index("Destination")


async def create_connector(sandbox: Any, **fields: Any) -> Any:
    from videovector import AsyncVideoVector

    async with AsyncVideoVector(api_key=sandbox.api_key, base_url=sandbox.base_url,
                                max_retries=0) as vv:
        return await vv.connectors.create_s3(**fields)


def faults(sandbox: Any) -> list[dict[str, Any]]:
    response = httpx.get(f"{sandbox.base_url}/_sandbox/faults",
                         headers={"X-API-Key": sandbox.api_key}, timeout=10)
    response.raise_for_status()
    return response.json()


def cell(exports: Any, export_id: str, column: int) -> str:
    model = exports.model
    return str(model.index(model.row_of(export_id), column).data())


def test_index_export_delivered_to_a_connector_folder(
        qtbot, arun, settings, sandbox, monkeypatch):
    bucket = f"deliver-{uuid.uuid4().hex[:10]}"
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)

    async def scenario() -> None:
        conn = await create_connector(
            sandbox, name="Review bucket", bucket=bucket, region="eu-west-1",
            aws_access_key_id="AKIA_TEST", aws_secret_access_key="s3cr3t",
            scopes=["import", "export"], export_base_path="vv-exports")
        offered: list[str] = []

        def fill_dialog(cls: Any, parent: Any, title: str, runs: Any, connectors: list[Any],
                        note: str = "", **_kw: Any) -> dict[str, Any]:
            """The real dialog with what the app offers; the user picks the connector."""
            dlg = cls(parent, title, runs, connectors, note)
            offered.extend(dlg.connector.itemText(i) for i in range(dlg.connector.count()))
            dlg.to_connector.setChecked(True)
            dlg.connector.setCurrentIndex(dlg.connector.findData(conn.connector_id))
            dlg.subpath.setText("review/2026/")
            assert dlg.hint.text() == ""
            result = dlg.answer()
            dlg.deleteLater()
            return result

        monkeypatch.setattr(CreateExportDialog, "ask", classmethod(fill_dialog))
        async with live_app(qtbot, settings, Options(profile="local")) as app:
            w = await open_index(app)
            exports = w.tab_panes["Exports"]
            exports.act_create.trigger()
            await until_async(lambda: any(t == "Export delivered" for t, _ in shown(app)),
                              "Export delivered")
            assert f"Review bucket (s3, {bucket})" in offered
            export = exports.current_export()
            assert export.target_id == DEMO_INDEX and export.status == "completed"
            eid = export.export_id
            uri = f"s3://{bucket}/vv-exports/review/2026/{eid}.json"
            assert export.destination_uri == uri
            text = dict(shown(app))["Export delivered"]
            assert uri in text
            # the list says where it went
            await until_async(lambda: "Completed" in cell(exports, eid, 2), "the row completed")
            assert cell(exports, eid, DESTINATION) == f"To “Review bucket”: {uri}"
            # the details say where it was delivered; nothing to download
            assert f"Delivered to: {uri}" in exports.details.text()
            assert f"connector id: {conn.connector_id}" in exports.details.text()
            assert not exports.act_download.isEnabled()
            assert not (w.banner.isVisible() and w.banner.action.isVisible()
                        and w.banner.action.text() == "Download…")
            # and the file is in the bucket, where the connector's export folder says
            artifact = (sandbox.data_dir / "buckets" / bucket / "vv-exports" / "review"
                        / "2026" / f"{eid}.json")
            assert artifact.is_file()
            assert json.loads(artifact.read_text())  # a JSON document, not an empty file

    arun(scenario(), 120)


def test_expired_export_says_so_and_offers_the_same_export_again(
        qtbot, arun, settings, sandbox, monkeypatch, isolated):
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)

    async def scenario() -> None:
        async with live_app(qtbot, settings, Options(profile="local")) as app:
            w = await open_index(app)
            exports = w.tab_panes["Exports"]
            answer(monkeypatch, CreateExportDialog, DOWNLOAD)
            exports.act_create.trigger()
            await until_async(lambda: any(t == "Export ready" for t, _ in shown(app)),
                              "Export ready")
            first = exports.current_export().export_id
            sandbox.expire_export(first)

            out = isolated / "out"
            answer(monkeypatch, DownloadDialog, (str(out), "expired.json"))
            assert exports.act_download.isEnabled()
            exports.act_download.trigger()
            dlg = app.controllers.exports.download_dialogs[first]
            await until_async(lambda: "expired" in dlg.state.text(), "the expiry explained")
            assert "Create the same export again" in dlg.state.text()
            assert "410" not in dlg.state.text()
            assert not out.exists() or list(out.iterdir()) == []
            # The way forward is offered: export again, not a download retry that cannot work.
            assert dlg.again_btn.isVisible() and dlg.again_btn.text() == "Export again"
            assert not dlg.retry_btn.isVisible()

            dlg.again_btn.click()
            await until_async(
                lambda: (exports.current_export() is not None
                         and exports.current_export().export_id != first
                         and exports.current_export().status == "completed"),
                "the new export to complete")
            again = exports.current_export()
            assert (again.export_type, again.target_id) == ("index", DEMO_INDEX)
            assert again.destination_type == "download"
            # the banner still offers the first export until the new one's notice replaces it
            await until_async(lambda: w.banner.topic == again.export_id,
                              "the new export's Export ready notice")
            assert "The export of “Demo archive” is ready" in w.banner.label.text()
            assert w.banner.action.text() == "Download…" and w.banner.action.isVisible()
            w.banner.action.click()
            done = app.controllers.exports.download_dialogs[again.export_id]
            await until_async(lambda: done.open_btn.isVisible(), "the download to finish")
            assert (out / "expired.json").read_bytes() == await sdk_bytes(
                sandbox, again.export_id)

    arun(scenario(), 120)


def test_rate_limited_export_list_backs_off_says_when_and_recovers(
        qtbot, arun, settings, sandbox, monkeypatch, caplog):
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    caplog.set_level(logging.INFO)
    # The SDK itself retries a 429 three times (sleeping Retry-After); the fourth reaches
    # the tracker, which must then wait Retry-After (not its 1 s minimum) before the next.
    retry_after, times = 2, 4

    async def scenario() -> None:
        async with live_app(qtbot, settings, Options(profile="local")) as app:
            w = await open_index(app)
            exports = w.tab_panes["Exports"]
            tracker = app.controllers.exports.tracker
            await until_async(lambda: (tracker.cycles >= 1
                                       and not app.session.jobs.is_running(tracker.JOB)),
                              "the startup list to finish")
            answer(monkeypatch, CreateExportDialog, DOWNLOAD)
            sandbox.add_fault(path=r"/exports$", method="GET", status=429,
                              retry_after=str(retry_after), times=times)
            try:
                started = time.monotonic()
                exports.act_create.trigger()
                await until_async(lambda: "rate limiting" in w.banner.label.text(),
                                  "the rate-limit banner", timeout=30)
                said = w.banner.label.text()
                # told at the first 429, not after the SDK's silent retries (3 × Retry-After)
                assert time.monotonic() - started < retry_after * 2, "rate limit hidden"
                assert said.startswith("Checking exports failed: ")
                assert f"checked again in {retry_after} s" in said, said
                assert "Try again" not in said  # the app retries by itself
                assert any(f"checked again in {retry_after} s" in r.getMessage()
                           for r in caplog.records)
                # meanwhile the export stays tracked, not failed
                eid = tracker.tracked_ids()[0]
                await until_async(lambda: any(t == "Export ready" for t, _ in shown(app)),
                                  "the export to complete after the back-off", timeout=60)
                recovered = time.monotonic() - started
                assert exports.current_export().export_id == eid
                assert exports.current_export().status == "completed"
                assert w.banner.action.text() == "Download…"
                [rule] = faults(sandbox)
            finally:
                sandbox.clear_faults()
            assert rule["fired"] == times
            # Every 429 was followed by a wait of Retry-After, and few requests came after
            # the limit lifted: a poll loop that ignored Retry-After would show dozens.
            assert recovered >= times * retry_after * 0.95, recovered
            assert rule["seen"] <= times + 3, rule

    arun(scenario(), 150)

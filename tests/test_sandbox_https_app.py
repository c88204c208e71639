"""The app's embedded sandbox over https, end to end: run the UI's export → Download… path
and check the file arrived through the minted URL, with no API key sent to it."""

from __future__ import annotations

import io
import ssl
from typing import Any

import httpx
import pytest

from tests.ui.test_exports_ui import answer, export_index, live_app, open_index, until_async
from vvdesk.api.client import make_client
from vvdesk.app import Options
from vvdesk.ui.dialogs.download import DownloadDialog


def download_log(endpoint: Any) -> list[dict[str, Any]]:
    response = httpx.get(f"{endpoint.base_url}/_sandbox/download-log", timeout=10,
                         headers={"X-API-Key": endpoint.api_key},
                         verify=ssl.create_default_context(cafile=str(endpoint.ca_file)))
    response.raise_for_status()
    return response.json()


@pytest.mark.timeout(120)
def test_embedded_https_sandbox_downloads_through_the_minted_url(
        qtbot, arun, settings, tmp_path, monkeypatch, no_keyring):
    monkeypatch.setenv("VVDESK_DATA_DIR", str(tmp_path / "data"))

    async def scenario() -> None:
        async with live_app(qtbot, settings, Options(time_scale=20.0)) as app:
            endpoint = app._sandbox_endpoint
            assert endpoint.base_url.startswith("https://127.0.0.1:")
            assert endpoint.ca_file == tmp_path / "data" / "sandbox" / "tls" / "ca.pem"
            w = await open_index(app)
            export = await export_index(app, monkeypatch)
            assert w.banner.action.text() == "Download…"
            out = tmp_path / "out"
            answer(monkeypatch, DownloadDialog, (str(out), "archive.json"))
            w.banner.action.click()
            dlg = app.controllers.exports.download_dialogs[export.export_id]
            await until_async(lambda: dlg.open_btn.isVisible(), "the download to finish")

            client = make_client(endpoint.base_url, endpoint.api_key, max_retries=0,
                                 ca_file=endpoint.ca_file)
            try:
                expected = io.BytesIO()
                await client.exports.download(export.export_id, expected)
            finally:
                await client.close()
            assert (out / "archive.json").read_bytes() == expected.getvalue()
            assert [p.name for p in out.iterdir()] == ["archive.json"]
            [seen] = [e for e in download_log(endpoint) if e["export_id"] == export.export_id]
            assert seen["outcome"] == "accepted" and seen["credential_headers"] == []

    arun(scenario(), 110)

"""A dead embedded sandbox is said in plain words, restarted on its data and reconnected."""

from __future__ import annotations

import os
import signal

import pytest

from tests.ui.test_exports_ui import live_app, until_async
from vvdesk.api.client import make_client
from vvdesk.app import Options


@pytest.mark.timeout(150)
def test_killed_sandbox_is_restarted_and_the_session_reconnects(
        qtbot, arun, settings, tmp_path, monkeypatch, no_keyring):
    monkeypatch.setenv("VVDESK_DATA_DIR", str(tmp_path / "data"))

    async def scenario() -> None:
        async with live_app(qtbot, settings, Options(time_scale=20.0)) as app:
            w = app.window
            endpoint = app._sandbox_endpoint
            client = make_client(endpoint.base_url, endpoint.api_key, max_retries=0,
                                 ca_file=endpoint.ca_file)
            try:
                await client.indexes.create(name="Kept across the crash")
            finally:
                await client.close()
            w.indexes.act_refresh.trigger()
            names = lambda: [ix.name for ix in w.index_model.rows()]  # noqa: E731
            await until_async(lambda: "Kept across the crash" in names(), "the new index")
            old_session, old_pid = app.session, app.launcher.pid

            os.kill(old_pid, signal.SIGKILL)
            await until_async(lambda: "The local sandbox stopped" in w.banner.label.text(),
                              "the stopped sandbox to be said", timeout=30)
            assert "Restarting" in w.banner.label.text() or "restarted" in w.banner.label.text()
            await until_async(lambda: app.session is not None and app.session is not old_session
                              and "connected again" in w.banner.label.text(),
                              "the reconnection", timeout=60)
            assert app.launcher.pid != old_pid and app.launcher.running
            await until_async(lambda: "Kept across the crash" in names(),
                              "the index list from the restarted sandbox", timeout=30)
            assert "network" not in w.banner.label.text().lower()

    arun(scenario(), 140)

"""The UI thread never blocks on disk for HTTP setup: httpx reads the CA bundle from disk
whenever it builds a client (50-300 ms), so every client is built in a worker thread."""

from __future__ import annotations

import ssl
import threading
from typing import Any

import pytest

from tests.ui.helpers import add_profile, names, running_app
from vvdesk.api.probe import test_connection as probe_connection
from vvdesk.app import Options

pytestmark = pytest.mark.usefixtures("secret_service")


@pytest.fixture
def ca_loads(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """One entry per TLS context made by anyone: True when made on the UI (main) thread."""
    made: list[bool] = []
    real = ssl.create_default_context

    def recording(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        made.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(ssl, "create_default_context", recording)
    return made


def test_connecting_and_first_requests_build_http_clients_off_the_ui_thread(
        qtbot, arun, until, settings, sandbox, ca_loads):
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        until(lambda: len(names(app.window)) > 0, "the index list (the first requests)")
        assert ca_loads.count(False) >= 2  # the session's client and its polling client
        assert True not in ca_loads


def test_test_connection_builds_its_client_off_the_ui_thread(arun, sandbox, ca_loads):
    result = arun(probe_connection(sandbox.base_url, sandbox.api_key))
    assert result.ok
    assert ca_loads == [False]

"""The Exports tab's two options are the user's: saved, restored, and they take effect."""

from __future__ import annotations

import pytest

from tests.ui.helpers import add_profile, running_app
from vvdesk.app import Options

pytestmark = pytest.mark.usefixtures("secret_service")


def test_auto_download_and_notify_options(qtbot, arun, settings, sandbox):
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        pane = app.window.tab_panes["Exports"]
        notifier = app.notifier
        assert pane.notify.isChecked() and notifier.tray_enabled  # defaults
        assert not pane.auto_download.isChecked()
        pane.notify.setChecked(False)
        pane.auto_download.setChecked(True)
        assert notifier.tray_enabled is False
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        pane = app.window.tab_panes["Exports"]
        assert not pane.notify.isChecked() and not app.notifier.tray_enabled
        assert pane.auto_download.isChecked()

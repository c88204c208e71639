"""Profiles dialog with a real Secret Service: add, test, remove; wrong key/URL/host/TLS."""

from __future__ import annotations

import asyncio
import http.server
import threading
from pathlib import Path

import keyring
import pytest

from tests.stub_server import Reply, stub_server
from vvdesk.controllers.profiles import ProfilesController
from vvdesk.secrets import SERVICE, SecretVault
from vvdesk.services.jobs import JobManager
from vvdesk.services.profiles import ProfileService
from vvdesk.ui.dialogs import ask
from vvdesk.ui.dialogs.profiles import ProfileDialog


def make_dialog(qtbot, arun, settings, vault: SecretVault | None = None) -> ProfileDialog:
    vault = vault or arun(SecretVault.open())
    profiles = ProfilesController(ProfileService(settings, vault, JobManager()), None,
                                  lambda _name: None)
    dlg = profiles.make_dialog()
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def fill(dlg: ProfileDialog, name: str, url: str, key: str) -> None:
    dlg.add_btn.click()
    dlg.name.setText(name)
    dlg.url.setText(url)
    dlg.key.setText(key)


def settings_text(settings) -> str:
    settings._s.sync()
    return Path(settings._s.fileName()).read_text()


@pytest.mark.usefixtures("secret_service")
def test_add_test_save_remove_profile_with_keyring(qtbot, arun, until, settings, sandbox,
                                                   monkeypatch):
    dlg = make_dialog(qtbot, arun, settings)
    assert not dlg.banner.isVisible() and dlg.remember.isChecked()
    fill(dlg, "Studio", sandbox.base_url, sandbox.api_key)

    dlg.test_btn.click()
    until(lambda: dlg.outcome.text().startswith("✓"), "the connection test")
    assert "accepted the key" in dlg.outcome.text()

    dlg.save_btn.click()
    until(lambda: settings.profile("Studio") is not None, "the profile to be saved")
    assert keyring.get_password(SERVICE, "Studio") == sandbox.api_key
    assert sandbox.api_key not in settings_text(settings)
    assert dlg.key.text() == ""  # the key is never shown again

    dlg.test_btn.click()  # empty field: tests with the saved key
    until(lambda: dlg.outcome.text().startswith("✓"), "the test with the saved key")

    monkeypatch.setattr(ask, "confirm", lambda *a: True)
    dlg.remove_btn.click()
    until(lambda: settings.profile("Studio") is None, "the profile to be removed")
    until(lambda: keyring.get_password(SERVICE, "Studio") is None, "the key to be removed")


@pytest.mark.usefixtures("secret_service")
def test_rename_moves_the_key(qtbot, arun, until, settings, sandbox):
    dlg = make_dialog(qtbot, arun, settings)
    fill(dlg, "Old", sandbox.base_url, sandbox.api_key)
    dlg.save_btn.click()
    until(lambda: settings.profile("Old") is not None, "the profile")
    dlg.name.setText("New")
    dlg.save_btn.click()
    until(lambda: settings.profile("New") is not None, "the renamed profile")
    assert settings.profile("Old") is None
    assert keyring.get_password(SERVICE, "New") == sandbox.api_key
    assert keyring.get_password(SERVICE, "Old") is None


@pytest.mark.usefixtures("secret_service")
def test_wrong_key_is_reported_in_plain_words(qtbot, arun, until, settings, sandbox):
    dlg = make_dialog(qtbot, arun, settings)
    wrong = "sk_live_" + "f" * 48
    fill(dlg, "Wrong", sandbox.base_url, wrong)
    dlg.test_btn.click()
    until(lambda: dlg.outcome.text().startswith("✗"), "the failed test")
    assert "rejected the API key" in dlg.outcome.text()
    assert wrong not in dlg.outcome.text()


class _HtmlHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<html>hello</html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def html_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _HtmlHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/v2"
    server.shutdown()
    server.server_close()


@pytest.mark.usefixtures("secret_service")
def test_wrong_url_unreachable_host_tls_and_not_an_api(qtbot, arun, until, settings, sandbox,
                                                       html_server):
    dlg = make_dialog(qtbot, arun, settings)
    port = sandbox.base_url.split(":")[2].split("/")[0]
    cases = [
        ("http://127.0.0.1:1/api/v2", "Could not connect"),
        (f"https://127.0.0.1:{port}/api/v2", "secure (TLS) connection"),
        (html_server, "not a VideoVector API"),
        ("http://example.com/api/v2", "unencrypted"),
        (sandbox.base_url.removesuffix("/api/v2"), "should end in /api/v2"),
        ("not a url", "full address"),
    ]
    for url, expected in cases:
        fill(dlg, "X", url, sandbox.api_key)
        dlg.outcome.clear()
        dlg.test_btn.click()
        until(lambda: dlg.outcome.text() not in ("", "Testing…"), f"a verdict for {url}")
        assert expected in dlg.outcome.text(), (url, dlg.outcome.text())
        assert dlg.outcome.text().startswith("✗")


@pytest.mark.usefixtures("no_keyring")
def test_without_keyring_offers_session_only_key(qtbot, arun, until, settings, sandbox):
    vault = arun(SecretVault.open())
    dlg = make_dialog(qtbot, arun, settings, vault)
    assert dlg.banner.isVisible()
    assert "No system keyring" in dlg.banner.text()
    assert not dlg.remember.isEnabled() and not dlg.remember.isChecked()
    assert dlg.remember.isHidden() and "session only" in dlg.banner.text()
    fill(dlg, "Temp", sandbox.base_url, sandbox.api_key)
    dlg.save_btn.click()
    until(lambda: settings.profile("Temp") is not None, "the profile")
    assert "this session only" in dlg.outcome.text()
    assert vault.is_session_only("Temp")
    assert arun(vault.get("Temp")) == sandbox.api_key
    assert sandbox.api_key not in settings_text(settings)
    # a new app session (fresh vault) no longer has the key: nothing went to disk
    assert arun(_fresh_get("Temp")) is None


async def _fresh_get(name: str) -> str | None:
    return await (await SecretVault.open()).get(name)


def test_new_profile_needs_a_key_and_a_unique_name(qtbot, arun, settings, sandbox, no_keyring):
    dlg = make_dialog(qtbot, arun, settings)
    fill(dlg, "A", sandbox.base_url, "")
    dlg.save_btn.click()
    assert "Enter the API key" in dlg.outcome.text()
    fill(dlg, "", sandbox.base_url, "k")
    dlg.save_btn.click()
    assert "name" in dlg.outcome.text()


@pytest.mark.usefixtures("secret_service")
def test_stored_key_only_goes_to_the_origin_it_was_saved_for(qtbot, arun, until, settings,
                                                            sandbox):
    dlg = make_dialog(qtbot, arun, settings)
    fill(dlg, "Studio", sandbox.base_url, sandbox.api_key)
    dlg.save_btn.click()
    until(lambda: settings.profile("Studio") is not None, "the profile to be saved")
    assert not dlg.key_hint.isVisible()
    with stub_server() as stub:
        stub.answer("GET", ".*", Reply(200, {"valid": True}))
        dlg.url.setText(stub.base_url)  # another port: another origin
        assert dlg.key_hint.isVisible()
        assert "Type the API key again" in dlg.key_hint.text()
        dlg.test_btn.click()  # empty key field
        until(lambda: dlg.outcome.text().startswith("✗"), "the refused test")
        assert "Type the API key again" in dlg.outcome.text()
        dlg.save_btn.click()  # nor saved with the old key
        assert "Type the API key again" in dlg.outcome.text()
        arun(asyncio.sleep(0.2))  # the loop runs (qtbot.wait would not run its tasks)
        assert stub.seen == []
        assert settings.profile("Studio").base_url == sandbox.base_url
        dlg.url.setText(sandbox.base_url + "/")  # same origin again: the saved key may go
        assert not dlg.key_hint.isVisible()
        dlg.test_btn.click()
        until(lambda: dlg.outcome.text().startswith("✓"), "the test with the saved key")


def test_bad_addresses_and_keys_are_refused_at_the_field(qtbot, arun, until, settings,
                                                         no_keyring):
    dlg = make_dialog(qtbot, arun, settings)
    fill(dlg, "Bad", "", "sk_live_" + "f" * 48)
    for url, words in (("https://[::1/api/v2", "not well formed"),
                       ("https://example.com:99999/api/v2", "port"),
                       ("https://my host/api/v2", "no spaces"),
                       ("https://" + "a" * 10_000 + ".com/api/v2", "too long")):
        dlg.url.setText(url)
        assert dlg.url_hint.isVisible() and words in dlg.url_hint.text(), url
        dlg.save_btn.click()
        assert dlg.outcome.text().startswith("✗") and words in dlg.outcome.text(), url
    dlg.url.setText("https://api.vectormethods.com/api/v2")
    assert not dlg.url_hint.isVisible()
    for key, words in (("sk_live_ab\ncd", "line break"), ("sk_live_clé", "copy it again")):
        dlg.key.setText(key)
        assert dlg.key_hint.isVisible() and words in dlg.key_hint.text(), repr(key)
        dlg.save_btn.click()
        assert words in dlg.outcome.text()
        dlg.test_btn.click()
        assert words in dlg.outcome.text()
    arun(asyncio.sleep(0.1))  # the loop runs (qtbot.wait would not run its tasks)
    assert settings.profile("Bad") is None

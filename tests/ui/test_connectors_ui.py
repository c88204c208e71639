"""Connectors through the real dialogs, the service and a real sandbox.

`NewConnectorDialog.exec` is replaced by a stub that fills the real widget the way a user
would and presses Create; everything after that (the dialog's `ask`, the ConnectorsDialog,
the service, HTTP, the sandbox) is real.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QLineEdit

from tests.ui.helpers import add_profile, running_app, sdk, unique
from vvdesk.app import Options
from vvdesk.ui.dialogs import ask
from vvdesk.ui.dialogs.connectors import ConnectorsDialog
from vvdesk.ui.dialogs.new_connector import NewConnectorDialog

pytestmark = [pytest.mark.usefixtures("secret_service"), pytest.mark.timeout(180)]




def server_connectors(sandbox: Any, arun: Any) -> dict[str, Any]:
    return {c.connector_id: c for c in sdk(sandbox, arun, lambda vv: vv.connectors.list())}


def open_connectors(app: Any) -> ConnectorsDialog:
    app.window.act_connectors.trigger()
    return app.controllers.connectors.dialog


def fill(dlg: NewConnectorDialog, name: str, fields: dict[str, str], *,
         credentials: Path | None = None, export: bool = False, base: str = "") -> None:
    dlg.name.setText(name)
    for key, value in fields.items():
        dlg.edits[key].setText(value)
    if credentials is not None:
        dlg.credentials_path = str(credentials)
        dlg.cred_label.setText(credentials.name)
    dlg.scope_export.setChecked(export)
    dlg.export_base.setText(base)


def user_fills(monkeypatch: pytest.MonkeyPatch, seen: list[NewConnectorDialog],
               **how: Any) -> None:
    """Every NewConnectorDialog that opens gets filled like this, then Create is pressed."""

    def exec_(self: NewConnectorDialog) -> int:
        seen.append(self)
        fill(self, **how)
        assert self.problem() is None, self.problem()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(NewConnectorDialog, "exec", exec_)


def row_texts(dlg: ConnectorsDialog, connector_id: str) -> list[str]:
    row = dlg.model.row_of(connector_id)
    return [str(dlg.model.index(row, c).data()) for c in range(dlg.model.columnCount())]


def key_file(folder: Path, size: int | None = None) -> Path:
    doc = {"type": "service_account", "project_id": "vv-test", "private_key_id": "k1",
           "private_key": "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n",
           "client_email": "vvdesk@vv-test.iam.gserviceaccount.com"}
    if size is not None:
        doc["padding"] = "x" * size
    path = folder / ("big-key.json" if size else "key.json")
    path.write_text(json.dumps(doc))
    return path


def test_gcs_connector_from_the_dialog_and_an_oversized_key_is_refused_in_words(
        qtbot, arun, until, settings, sandbox, monkeypatch, tmp_path):
    bucket = unique("gcs-in")
    creds = key_file(tmp_path)
    # The real widget, filled in: no problem, and the values the service is given.
    dlg = NewConnectorDialog("gcs")
    qtbot.addWidget(dlg)
    fill(dlg, "Footage on GCS", {"bucket": bucket, "gcp_project_id": "vv-test"},
         credentials=creds)
    assert dlg.problem() is None
    assert dlg.values() == {"bucket": bucket, "gcp_project_id": "vv-test",
                            "name": "Footage on GCS", "scopes": ["import"],
                            "import_mode": "all", "credentials_path": str(creds)}

    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        conns = open_connectors(app)
        opened: list[NewConnectorDialog] = []
        user_fills(monkeypatch, opened, name="Footage on GCS",
                   fields={"bucket": bucket, "gcp_project_id": "vv-test"}, credentials=creds)
        conns.new_buttons["gcs"].click()
        assert opened and opened[0].provider == "gcs"
        until(lambda: "Created “Footage on GCS”" in conns.outcome.text(), "the created note")
        created = conns.current()
        assert created is not None and created.name == "Footage on GCS"
        # in words: the provider's name, what it is used for, its import mode and status
        assert row_texts(conns, created.connector_id)[:5] == [
            "Footage on GCS", "Google Cloud Storage", bucket, "Import", "All files"]
        assert row_texts(conns, created.connector_id)[6] == "Active"
        on_server = server_connectors(sandbox, arun)[created.connector_id]
        assert (on_server.provider, on_server.bucket, on_server.gcp_project_id) == (
            "gcs", bucket, "vv-test")
        assert (sandbox.data_dir / "buckets" / bucket).is_dir()

        # A "key" over 64 KiB is refused before anything is sent, in plain words.
        big = key_file(tmp_path, size=70 * 1024)
        big_bucket = unique("gcs-big")
        before = set(server_connectors(sandbox, arun))
        opened.clear()
        user_fills(monkeypatch, opened, name="Too big",
                   fields={"bucket": big_bucket, "gcp_project_id": "vv-test"}, credentials=big)
        conns.new_buttons["gcs"].click()
        until(lambda: "failed" in conns.outcome.text(), "the refusal")
        text = conns.outcome.text()
        assert text.startswith("Creating the connector failed: ")
        assert "64 KiB" in text and "big-key.json" in text
        assert "Unexpected error" not in text and "ValueError" not in text
        assert set(server_connectors(sandbox, arun)) == before
        assert conns.model.row_of(created.connector_id) >= 0
        assert not any(c.name == "Too big" for c in conns.model.rows())


def test_azure_connector_secret_is_masked_cleared_and_never_shown(
        qtbot, arun, until, settings, sandbox, monkeypatch, caplog):
    secret = "azure-" + uuid.uuid4().hex + "-SECRET"
    container = unique("az-out")
    fields = {"storage_account": "vvstore", "container": container, "tenant_id": "tenant-1",
              "client_id": "client-1", "client_secret": secret}
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    caplog.set_level(logging.DEBUG)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        conns = open_connectors(app)
        opened: list[NewConnectorDialog] = []
        user_fills(monkeypatch, opened, name="Azure deliveries", fields=fields, export=True,
                   base="vv/exports")
        conns.new_buttons["azure"].click()
        form = opened[0]
        assert form.edits["client_secret"].echoMode() == QLineEdit.EchoMode.Password
        assert form.edits["container"].echoMode() == QLineEdit.EchoMode.Normal
        # ask() has returned: every credential field of the dialog is empty again
        assert all(e.text() == "" for e in form.edits.values())

        until(lambda: "Created “Azure deliveries”" in conns.outcome.text(), "the created note")
        created = conns.current()
        assert row_texts(conns, created.connector_id)[:6] == [
            "Azure deliveries", "Azure Blob Storage", f"vvstore/{container}", "Import, Export",
            "All files", "vv/exports"]
        on_server = server_connectors(sandbox, arun)[created.connector_id]
        assert (on_server.storage_account, on_server.container) == ("vvstore", container)

        shown = [row_texts(conns, c.connector_id) for c in conns.model.rows()]
        assert secret not in repr(created)
        assert secret not in repr(conns.model.rows())
        assert all(secret not in cell for row in shown for cell in row)
        assert secret not in repr(app.controllers.connectors.service.connectors)
        assert secret not in conns.outcome.text()
    assert secret not in caplog.text


def test_delete_asks_first_declining_keeps_it_accepting_removes_it(
        qtbot, arun, until, settings, sandbox, monkeypatch):
    conn = sdk(sandbox, arun, lambda vv: vv.connectors.create_s3(
        name="Short-lived", bucket=unique("doomed"), region="eu", aws_access_key_id="a",
        aws_secret_access_key="b", scopes=["import"]))
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        conns = open_connectors(app)
        until(lambda: conns.model.row_of(conn.connector_id) >= 0, "the connector listed")
        assert not conns.delete_btn.isEnabled()  # nothing selected yet
        conns.select(conn.connector_id)
        assert conns.delete_btn.isEnabled()

        asked: list[str] = []
        monkeypatch.setattr(ask, "confirm",
                            lambda _p, title, text, ok: asked.append(f"{title}|{text}|{ok}")
                            or False)
        conns.delete_btn.click()
        assert len(asked) == 1 and "Short-lived" in asked[0] and "Delete connector" in asked[0]
        arun(asyncio.sleep(0.5))  # give a (wrong) delete the time to happen
        assert conns.model.row_of(conn.connector_id) >= 0
        assert conn.connector_id in server_connectors(sandbox, arun)
        assert conns.outcome.text() != "Connector deleted."

        monkeypatch.setattr(ask, "confirm", lambda *a: asked.append("again") or True)
        conns.delete_btn.click()
        until(lambda: conns.model.row_of(conn.connector_id) < 0, "the row to go")
        assert asked[-1] == "again"
        assert conns.outcome.text() == "Connector deleted."
        assert conn.connector_id not in server_connectors(sandbox, arun)
        assert all(c.connector_id != conn.connector_id
                   for c in app.controllers.connectors.service.connectors)


@pytest.mark.parametrize(("provider", "setup", "words"), [
    ("s3", {"name": ""}, "Give the connector a name (1 to 100 characters)."),
    ("s3", {"name": "x" * 101}, "Give the connector a name (1 to 100 characters)."),
    ("s3", {"drop": ["region", "aws_secret_access_key"]},
     "Fill in: Region, Secret access key."),
    ("azure", {"drop": ["tenant_id"]}, "Fill in: Tenant id."),
    ("gcs", {"no_credentials": True}, "Choose the service account key (a JSON file)."),
    ("s3", {"scopes": ()}, "Use the connector for import, export or both."),
    ("s3", {"base": "exports/../../elsewhere"},
     "The export folder must be a relative path inside the bucket."),
    ("s3", {"base": "/root"}, "The export folder must be a relative path inside the bucket."),
    ("s3", {"base": "a\\b"}, "The export folder must be a relative path inside the bucket."),
])
def test_new_connector_dialog_names_what_is_missing(qtbot, tmp_path, provider, setup, words):
    dlg = NewConnectorDialog(provider)
    qtbot.addWidget(dlg)
    complete = {"s3": {"bucket": "b-1", "region": "eu-west-1", "aws_access_key_id": "AKIA",
                       "aws_secret_access_key": "s"},
                "gcs": {"bucket": "b-1", "gcp_project_id": "p"},
                "azure": {"storage_account": "acc", "container": "c-1", "tenant_id": "t",
                          "client_id": "c", "client_secret": "s"}}[provider]
    fields = {k: v for k, v in complete.items() if k not in setup.get("drop", [])}
    creds = None if setup.get("no_credentials") or provider != "gcs" else key_file(tmp_path)
    fill(dlg, setup.get("name", "Archive"), fields, credentials=creds,
         base=setup.get("base", ""))
    scopes = setup.get("scopes", ("import",))
    dlg.scope_import.setChecked("import" in scopes)
    dlg.scope_export.setChecked("export" in scopes)
    assert dlg.problem() == words
    # Create keeps the dialog open and says why, inline.
    accepted: list[bool] = []
    dlg.accepted.connect(lambda: accepted.append(True))
    dlg.buttons.button(dlg.buttons.StandardButton.Ok).click()
    assert dlg.error.text() == words and not accepted
    # ...and once fixed, nothing is left to complain about.
    fill(dlg, "Archive", complete, base="exports/ok",
         credentials=key_file(tmp_path) if provider == "gcs" else None)
    dlg.scope_import.setChecked(True)
    assert dlg.problem() is None

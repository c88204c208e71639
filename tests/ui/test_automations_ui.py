"""Connectors and automations through the UI against a fast sandbox (time-scale 300).

At that scale the 5-minute debounce is 1 s, so "drop files → media appear → run starts"
is observable in a test without waiting for real minutes.
"""

from __future__ import annotations

import asyncio
import os
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.sandbox_proc import SandboxProcess
from tests.ui.helpers import add_profile, running_app, sdk, select_index, shoot
from vvdesk.app import Options
from vvdesk.ui.dialogs import ask
from vvdesk.ui.dialogs.connectors import ConnectorsDialog
from vvdesk.ui.dialogs.new_connector import NewConnectorDialog

pytestmark = [pytest.mark.usefixtures("secret_service"), pytest.mark.timeout(180)]
KEY = "sk_test_" + "c3" * 24


@pytest.fixture(scope="module")
def fast_sandbox(tmp_path_factory):
    with SandboxProcess(tmp_path_factory.mktemp("auto-sbx"), api_key=KEY, seed_demo=True,
                        time_scale=300.0) as proc:
        yield proc



def until_sdk(sandbox, arun, fn, predicate, what: str, timeout: float = 30.0):
    """Poll the server through the SDK until predicate(result) holds; return the result."""
    from videovector import AsyncVideoVector

    async def poll():
        async with AsyncVideoVector(api_key=sandbox.api_key, base_url=sandbox.base_url,
                                    max_retries=0) as vv:
            while True:
                result = await fn(vv)
                if predicate(result):
                    return result
                await asyncio.sleep(0.1)

    try:
        return arun(poll(), timeout)
    except TimeoutError:
        pytest.fail(f"timed out after {timeout} s waiting for: {what}")


async def video_titles(vv, index_id: str) -> list[str]:
    page = await vv.indexes.list_videos(index_id, limit=100)
    return sorted(v.title for v in page.data)


def put_file(folder: Path, name: str, size: int = 300_000) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(os.urandom(size))


S3 = {"name": "Archive bucket", "bucket": "archive-in", "region": "eu-west-1",
      "aws_access_key_id": "AKIA_TEST", "aws_secret_access_key": "super-secret-value",
      "scopes": ["import", "export"], "import_mode": "all",
      "export_base_path": "vvdesk-exports"}


def open_connectors(app) -> ConnectorsDialog:
    app.window.act_connectors.trigger()
    return app.controllers.connectors.dialog  # owned by the window


def test_connector_create_test_browse_then_import_automation_with_pause_and_resume(
        qtbot, arun, until, settings, fast_sandbox, monkeypatch):
    sb = fast_sandbox
    index = sdk(sb, arun, lambda vv: vv.indexes.create(name="Automated intake"))
    add_profile(arun, settings, "fast", sb.base_url, sb.api_key)
    with running_app(qtbot, arun, settings, Options(profile="fast")) as app:
        w = app.window
        monkeypatch.setattr(NewConnectorDialog, "ask", classmethod(lambda *a: dict(S3)))
        dlg = open_connectors(app)
        dlg.new_buttons["s3"].click()
        until(lambda: dlg.model.rowCount() == 1, "the new connector in the list")
        assert "Created “Archive bucket”" in dlg.outcome.text()
        row = [dlg.model.index(0, c).data() for c in range(dlg.model.columnCount())]
        assert row[:6] == ["Archive bucket", "Amazon S3", "archive-in", "Import, Export",
                           "All files", "vvdesk-exports"]
        assert "super-secret-value" not in repr(dlg.model.rows()[0])
        bucket = sb.data_dir / "buckets" / "archive-in"
        assert bucket.is_dir()

        dlg.test_btn.click()
        until(lambda: dlg.outcome.text().startswith("✓"), "the connector test result")

        put_file(bucket / "incoming", "old-1.mp4")
        connector_id = dlg.model.rows()[0].connector_id
        browser = app.controllers.connectors.browser(connector_id, "")
        until(lambda: browser.tree.topLevelItemCount() == 1
              and browser.tree.topLevelItem(0).text(0) == "incoming", "the bucket listing")
        browser.tree.setCurrentItem(browser.tree.topLevelItem(0))
        assert browser.chosen_folder() == "incoming/"
        browser.reject()
        shoot(dlg, "connectors-dialog.png")

        w.indexes.select(index.index_id)
        pane = w.tab_panes["Automations"]
        form = pane.forms["import"]
        until(lambda: form.isEnabled(), "the automations to load")
        assert "No automation yet" in form.state.text()
        until(lambda: form.connector.count() > 1 and form.prompt.count() > 1, "the pickers")
        form.connector.setCurrentIndex(form.connector.findData(connector_id))
        form.prefix.setText("incoming/")
        form.pattern.setText("*.mp4")
        form.debounce.setCurrentIndex(form.debounce.findData("5m"))
        form.prompt.setCurrentIndex(form.prompt.findData("prm_demo_scenes"))
        assert pane.dirty_label.text() == "● Unsaved changes"
        pane.save_btn.click()
        until(lambda: "Active" in form.state.text(), "the saved import automation")
        assert not pane.is_dirty()
        w.tabs.setCurrentWidget(pane)
        shoot(w, "automations-tab.png")
        saved = sdk(sb, arun, lambda vv: vv._http.get(
            f"/indexes/{index.index_id}/automations/import"))
        assert saved["debounce_interval"] == "5m" and saved["file_pattern"] == "*.mp4"
        assert saved["prompt_preset"]["prompt_id"] == "prm_demo_scenes"

        def titles(vv):
            return video_titles(vv, index.index_id)

        until_sdk(sb, arun, titles, lambda t: len(t) == 1,
                  "the file already there (import_mode all)")
        put_file(bucket / "incoming", "new-2.mp4")
        put_file(bucket / "incoming", "ignored.txt", 100)
        until_sdk(sb, arun, titles, lambda t: len(t) == 2,
                  "the new file imported after the debounce")
        until_sdk(sb, arun, lambda vv: vv.indexes.list_prompt_runs(index.index_id),
                  lambda page: bool(page.data), "a prompt run started by the automation")

        form.pause_btn.click()
        until(lambda: "Paused" in form.state.text(), "the paused state")
        assert form.resume_btn.isEnabled() and not form.pause_btn.isEnabled()
        put_file(bucket / "incoming", "while-paused.mp4")
        arun(asyncio.sleep(3))  # three debounce periods at this time-scale
        assert len(sdk(sb, arun, titles)) == 2, "a paused automation imported a file"
        assert form.connector.currentData() == connector_id  # configuration kept
        form.resume_btn.click()
        until(lambda: "Active" in form.state.text(), "the resumed state")
        until_sdk(sb, arun, titles, lambda t: len(t) == 3,
                  "the file added while paused, after resume")


@contextmanager
def automations_tab(qtbot, arun, until, settings, sb, index_name: str, **s3):
    """A new index and an S3 connector (made with the SDK), the app open on that index;
    yields (app, index, connector, automations pane)."""
    index = sdk(sb, arun, lambda vv: vv.indexes.create(name=index_name))
    fields = {"region": "eu", "aws_access_key_id": "a", "aws_secret_access_key": "b", **s3}
    conn = sdk(sb, arun, lambda vv: vv.connectors.create_s3(**fields))
    add_profile(arun, settings, "fast", sb.base_url, sb.api_key)
    with running_app(qtbot, arun, settings, Options(profile="fast")) as app:
        w = app.window
        select_index(w, until, index.index_id, "the index list")
        yield app, index, conn, w.tab_panes["Automations"]


def test_export_automation_delivers_into_the_connector_folder(qtbot, arun, until, settings,
                                                              fast_sandbox):
    sb = fast_sandbox
    with automations_tab(qtbot, arun, until, settings, sb, "Delivered", name="Out",
                         bucket="deliveries", scopes=["export"],
                         export_base_path="exports") as (_app, index, conn, pane):
        form = pane.forms["export"]
        until(lambda: form.isEnabled() and form.connector.findData(conn.connector_id) > 0,
              "the export form with its connector picker")
        form.connector.setCurrentIndex(form.connector.findData(conn.connector_id))
        form.subpath.setText("review/team")
        pane.save_btn.click()
        until(lambda: "Active" in form.state.text(), "the saved export automation")

        import io

        media = io.BytesIO(os.urandom(200_000))
        media.name = "clip.mp4"
        job = sdk(sb, arun, lambda vv: vv.videos.upload(file=media, title="clip",
                                                        index_id=index.index_id))
        until_sdk(sb, arun, lambda vv: vv.import_jobs.retrieve(job.job_id),
                  lambda j: j.status == "completed", "the upload to import")
        sdk(sb, arun, lambda vv: vv.prompt_runs.execute(
            prompt_id="prm_demo_scenes", target={"type": "index", "index_id": index.index_id}))
        target = sb.data_dir / "buckets" / "deliveries" / "exports" / "review" / "team"
        until(lambda: target.is_dir() and any(target.glob("*.json")),
              "the export artifact in the connector folder", 60)


def test_invalid_fields_get_inline_errors_and_server_422_lands_on_its_field(
        qtbot, arun, until, settings, fast_sandbox, monkeypatch):
    sb = fast_sandbox
    with automations_tab(qtbot, arun, until, settings, sb, "Validation", name="Both",
                         bucket="both", scopes=["import", "export"]) as (app, index, conn, pane):
        w = app.window
        imp, exp = pane.forms["import"], pane.forms["export"]
        until(lambda: imp.isEnabled() and imp.connector.findData(conn.connector_id) > 0,
              "the forms")

        imp.pattern.setText("*.mov")  # edited, but no connector, no prompt
        imp.debounce.addItem("2m (not supported)", "2m")
        imp.debounce.setCurrentIndex(imp.debounce.count() - 1)
        exp.connector.setCurrentIndex(exp.connector.findData(conn.connector_id))
        exp.subpath.setText("../outside")
        assert pane.save() is False
        assert imp.errors["connector_id"].text() == "Choose the connector to watch."
        assert imp.errors["debounce_interval"].isVisibleTo(imp)
        assert "5m, 10m, 1h or 1d" in imp.errors["debounce_interval"].text()
        assert "Choose the prompt" in imp.errors["prompt_preset"].text()
        assert "“..”" in exp.errors["destination_subpath"].text()
        assert pane.is_dirty()  # nothing lost

        exp.subpath.setText("/absolute")
        pane.save()
        assert "relative" in exp.errors["destination_subpath"].text()

        # the server's 422 is mapped onto the field it names: the connector vanished
        imp.connector.setCurrentIndex(imp.connector.findData(conn.connector_id))
        imp.debounce.setCurrentIndex(imp.debounce.findData("1h"))
        imp.prompt.setCurrentIndex(imp.prompt.findData("prm_demo_scenes"))
        exp.subpath.setText("ok/path")
        sdk(sb, arun, lambda vv: vv.connectors.delete(conn.connector_id))
        assert pane.save() is True
        until(lambda: imp.errors["connector_id"].isVisibleTo(imp), "the server's verdict")
        assert "does not exist" in imp.errors["connector_id"].text()

        # unsaved edits are guarded when switching index: cancel keeps them and the selection
        other = next(ix for ix in w.index_model.rows() if ix.index_id != index.index_id)
        monkeypatch.setattr(ask, "unsaved_changes", lambda *a: "cancel")
        w.indexes.select(other.index_id)
        until(lambda: w.indexes.current_index().index_id == index.index_id,
              "the selection back on the edited index")
        assert w.current_index().index_id == index.index_id
        assert imp.pattern.text() == "*.mov"
        monkeypatch.setattr(ask, "unsaved_changes", lambda *a: "discard")
        w.indexes.select(other.index_id)
        assert w.indexes.current_index().index_id == other.index_id


def test_folders_are_checked_as_typed_and_fixed_errors_clear_at_once(
        qtbot, arun, until, settings, fast_sandbox):
    """Issue 13: the import folder is checked inline like the export sub-folder (same
    rules), an error goes as soon as its field is right, and a server error under a field
    goes when that field is edited."""
    sb = fast_sandbox
    with automations_tab(qtbot, arun, until, settings, sb, "Inline", name="Inline bucket",
                         bucket="inline", scopes=["import", "export"]) as (
            _app, _index, conn, pane):
        imp, exp = pane.forms["import"], pane.forms["export"]
        until(lambda: imp.isEnabled() and imp.connector.findData(conn.connector_id) > 0,
              "the forms")

        def error(form, field: str) -> str:
            label = form.errors[field]
            return label.text() if label.isVisibleTo(form) else ""

        # typed, not saved: each folder says at once what is wrong with it
        for form, edit, field in ((imp, imp.prefix, "source_prefix"),
                                  (exp, exp.subpath, "destination_subpath")):
            for bad, says in (("/incoming", "leading “/”"), ("in//coming", "“//”"),
                              ("incoming/../up", "“..”"), ("a\\b", "backslash"),
                              ("in\x00coming", "control character"),
                              ("x" * 300, "255 bytes")):
                edit.setText(bad)
                assert says in error(form, field), (field, bad, error(form, field))
            edit.setText("incoming/today/")
            assert error(form, field) == "", field
        imp.prefix.setText("/incoming")  # the words say where the folder is
        assert "relative to the bucket" in error(imp, "source_prefix")
        exp.subpath.setText("/out")
        assert "relative to the connector's export folder" in error(exp, "destination_subpath")
        exp.subpath.setText("")

        # Save finds the rest; each error goes the moment its field is right
        imp.prefix.setText("incoming/")
        imp.debounce.addItem("2m (not supported)", "2m")
        imp.debounce.setCurrentIndex(imp.debounce.count() - 1)
        assert pane.save() is False
        assert error(imp, "connector_id") == "Choose the connector to watch."
        assert "5m, 10m, 1h or 1d" in error(imp, "debounce_interval")
        assert "Choose the prompt" in error(imp, "prompt_preset")
        imp.connector.setCurrentIndex(imp.connector.findData(conn.connector_id))
        assert error(imp, "connector_id") == ""
        assert error(imp, "prompt_preset")  # the others stay until they are right
        imp.debounce.setCurrentIndex(imp.debounce.findData("1h"))
        assert error(imp, "debounce_interval") == ""
        imp.prompt.setCurrentIndex(imp.prompt.findData("prm_demo_scenes"))
        assert error(imp, "prompt_preset") == ""
        imp.pattern.setText("")
        pane.save()
        assert "Enter a file pattern" in error(imp, "file_pattern")
        imp.pattern.setText("*.mp4")
        assert error(imp, "file_pattern") == ""

        # the server's verdict lands under its field, and goes when the field is edited
        sdk(sb, arun, lambda vv: vv.connectors.delete(conn.connector_id))
        exp.subpath.setText("")  # the export form stays as it was: only the import is sent
        assert pane.save() is True
        until(lambda: error(imp, "connector_id"), "the server's verdict")
        assert "does not exist" in error(imp, "connector_id")
        imp.connector.setCurrentIndex(0)  # "— choose —": what Save would say now
        assert error(imp, "connector_id") == "Choose the connector to watch."
        imp.connector.setCurrentIndex(imp.connector.findData(conn.connector_id))
        assert error(imp, "connector_id") == ""
        # a server that names a field differently still finds it by its label
        assert exp.field_for("connector_id") == "destination_connector_id"
        assert imp.field_for("prompt_preset.prompt_id") == "prompt_preset"
        assert exp.field_for("no_such_field") is None

"""One-time imports from a connector: File → Import from connector… through the real form
(filled the way a user would), the server's import job as a Transfers row with per-file
progress, failed and skipped files with reasons in words, cancel, retry, restart.

Only `ImportFromConnectorDialog.exec` (it fills the real widgets and presses Import) and
`ImportDetailsDialog.present` (kept, not shown) are replaced; the rest is real, against the
sandbox over HTTP. The sandbox fails a 0-byte bucket file and skips a .txt (its README).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog

from tests.ui.helpers import add_profile, running_app, sdk, select_index, shoot
from vvdesk.app import Options
from vvdesk.models.transfers import PROGRESS_COLUMN
from vvdesk.transfer_queue import TState
from vvdesk.ui.dialogs.import_details import ImportDetailsDialog
from vvdesk.ui.dialogs.import_from_connector import ImportFromConnectorDialog

pytestmark = [pytest.mark.usefixtures("secret_service"), pytest.mark.timeout(180)]
STATE_COLUMN = 5



def bucket_with_files(sandbox: Any, arun: Any, name: str) -> tuple[str, str, Path, Any]:
    """A connector named `name` over a new bucket with drop/: two clips, an empty clip and
    a text file; and an index "<name> index". (connector id, index id, drop folder, index)"""
    bucket = f"imp-{uuid.uuid4().hex[:10]}"
    drop = sandbox.data_dir / "buckets" / bucket / "drop"
    (drop / "day2").mkdir(parents=True)
    (drop / "harbour.mp4").write_bytes(os.urandom(40_000))
    (drop / "day2" / "pier.mp4").write_bytes(os.urandom(30_000))
    (drop / "broken.mp4").write_bytes(b"")
    (drop / "notes.txt").write_text("not media")

    async def make(vv: Any) -> tuple[str, Any]:
        conn = await vv.connectors.create_s3(
            name=name, bucket=bucket, region="eu-west-1",
            aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="s" * 32)
        index = await vv.indexes.create(name=f"{name} index")
        return conn.connector_id, index

    cid, index = sdk(sandbox, arun, make)
    return cid, index.index_id, drop, index


def user_fills(monkeypatch: pytest.MonkeyPatch, seen: list[dict[str, Any]], *,
               connector: str, folder: str, prompt: str | None = None) -> None:
    """Each import form that opens is filled like this (by names), then Import is pressed;
    `seen` gets what each form offered."""

    def exec_(self: ImportFromConnectorDialog) -> int:
        seen.append({"indexes": [self.index.itemText(i) for i in range(self.index.count())],
                     "index": self.index.currentText()})
        self.connector.setCurrentIndex(self.connector.findText(connector, flags_starts()))
        self.folder.setText(folder)
        self.pattern.setText("")
        self.recursive.setChecked(True)
        if prompt is not None:
            self.prompt.setCurrentIndex(self.prompt.findText(prompt))
        assert self.problem() is None, self.problem()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ImportFromConnectorDialog, "exec", exec_)


def flags_starts() -> Any:
    from PySide6.QtCore import Qt

    return Qt.MatchFlag.MatchStartsWith


def server_status(sandbox: Any, arun: Any, job_id: str, want: str = "cancelled") -> str:
    """The import job's status on the server, once it is `want` (or after 30 s)."""

    async def wait(vv: Any) -> str:
        deadline = asyncio.get_running_loop().time() + 30
        while (status := (await vv.import_jobs.retrieve(job_id)).status) != want:
            if asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.1)
        return str(status)

    return str(sdk(sandbox, arun, wait))


def import_rows(app: Any) -> list[Any]:
    return [t for t in app.controllers.transfers.service.transfers() if t.is_import]


def cell(dock: Any, transfer_id: str, column: int) -> str:
    return str(dock.model.index(dock.model.row_of(transfer_id), column).data())


def test_import_a_folder_follow_its_files_see_why_and_retry_the_failed_one(
        qtbot, arun, until, settings, sandbox, monkeypatch):
    cid, index_id, drop, _index = bucket_with_files(sandbox, arun, "Field archive")
    prompt = sdk(sandbox, arun, lambda vv: vv.prompts.list()).prompts[0]
    forms: list[dict[str, Any]] = []
    user_fills(monkeypatch, forms, connector="Field archive", folder="drop",
               prompt=prompt.name)
    shown: list[ImportDetailsDialog] = []
    monkeypatch.setattr(ImportDetailsDialog, "present", classmethod(
        lambda cls, *a: shown.append(cls(*a)) or shown[-1]))
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        select_index(w, until, index_id)
        dock = app.controllers.transfers.dock
        with sandbox.paused():
            w.act_import.trigger()
            until(lambda: len(import_rows(app)) == 1, "the import's row in Transfers", 15)
            # only the indexes one can write into, by name; the selected one by default
            writable = [ix.name for ix in w.index_model.rows() if not ix.is_default]
            assert "Field archive index" in forms[0]["indexes"] == writable
            assert forms[0]["index"] == "Field archive index"
            row = import_rows(app)[0]
            assert row.state is TState.IMPORTING and row.index_name == "Field archive index"
            assert row.name == "Import from Field archive: drop/"
            tid = row.transfer_id
            until(lambda: cell(dock, tid, PROGRESS_COLUMN) == "1 of 4 files",
                  "the skipped file counted before anything is imported", 10)
            assert cell(dock, tid, STATE_COLUMN) == "importing · 0 imported · 1 skipped"
        until(lambda: import_rows(app)[0].state is TState.FAILED, "the import ended", 30)
        row = import_rows(app)[0]
        assert cell(dock, tid, PROGRESS_COLUMN).startswith("4 of 4 files · ")
        state = cell(dock, tid, STATE_COLUMN)
        assert state.startswith("failed · 2 imported · 1 failed · 1 skipped: 1 of 3 files "
                                "could not be imported."), state
        assert "Retry imports the failed files again" in state
        # the Media tab of that index shows what came in
        until(lambda: app.controllers.media.model.rowCount() == 2, "the media refreshed", 15)
        # the files, with reasons in words
        dock.select(tid)
        assert dock.act_details.isEnabled() and dock.act_details in dock.view.actions()
        dock.view.doubleClicked.emit(dock.model.index(dock.model.row_of(tid), 0))
        until(lambda: len(shown) == 1, "the import's files listed", 10)
        rows = dict((name, (result, why)) for name, result, why in shown[0].rows())
        assert rows["drop/broken.mp4"] == ("Failed", "The file is empty (0 bytes).")
        assert rows["drop/notes.txt"] == (
            "Skipped", "Not a video, audio or image type the service imports.")
        assert rows["drop/harbour.mp4"][0] == rows["drop/day2/pier.mp4"][0] == "Imported"
        assert shown[0].rows()[0][1] == "Failed"  # what needs a look comes first
        shoot(shown[0], "import-details.png")
        # the prompt runs on what came in
        until(lambda: import_rows(app)[0].run_id is not None, "the prompt started", 15)
        run = sdk(sandbox, arun, lambda vv: vv.prompt_runs.retrieve(import_rows(app)[0].run_id))
        assert run.prompt_id == prompt.prompt_id and len(run.run_context["video_ids"]) == 2
        # the broken file is fixed in the bucket: Retry takes up only that one
        (drop / "broken.mp4").write_bytes(os.urandom(20_000))
        dock.act_retry.trigger()
        until(lambda: import_rows(app)[0].state is TState.DONE, "the retry done", 30)
        state = cell(dock, tid, STATE_COLUMN)
        assert state.startswith("done · 3 imported · 1 skipped"), state
        until(lambda: app.controllers.media.model.rowCount() == 3, "the media refreshed", 15)
        titles = sorted(v.title for v in sdk(
            sandbox, arun, lambda vv: vv.indexes.list_videos(index_id)).data)
        assert titles == ["broken", "harbour", "pier"]  # nothing imported twice
        shoot(dock, "transfers-connector-import.png")
    # the last choices are remembered (never a key)
    assert settings.value("connector_import/connector_id") == cid
    assert settings.value("connector_import/folder") == "drop/"
    assert settings.value("connector_import/prompt_id") == prompt.prompt_id


def test_cancel_an_import_then_a_restart_resumes_following_one(
        qtbot, arun, until, settings, sandbox, monkeypatch):
    _cid, index_id, _drop, _ = bucket_with_files(sandbox, arun, "Night shift")
    forms: list[dict[str, Any]] = []
    user_fills(monkeypatch, forms, connector="Night shift", folder="drop/day2")
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with sandbox.paused():
        with running_app(qtbot, arun, settings, Options(profile="local")) as app:
            select_index(app.window, until, index_id)
            dock = app.controllers.transfers.dock
            app.window.act_import.trigger()
            until(lambda: len(import_rows(app)) == 1, "the first import's row", 30)
            first = import_rows(app)[0]
            dock.select(first.transfer_id)
            dock.act_cancel.trigger()
            until(lambda: import_rows(app)[0].state is TState.CANCELLED, "cancelled", 10)
            assert server_status(sandbox, arun, first.job_id) == "cancelled"
            assert cell(dock, first.transfer_id, STATE_COLUMN).startswith("cancelled")
            app.window.act_import.trigger()  # a second one, left running at quit
            until(lambda: len(import_rows(app)) == 2, "the second import's row", 30)
            second = next(t for t in import_rows(app) if t.transfer_id != first.transfer_id)
            assert second.state is TState.IMPORTING
        with running_app(qtbot, arun, settings, Options(profile="local")) as app:
            dock = app.controllers.transfers.dock
            until(lambda: len(import_rows(app)) == 2, "both imports back from the journal", 30)
            back = {t.transfer_id: t for t in import_rows(app)}
            assert back[first.transfer_id].state is TState.CANCELLED
            assert back[second.transfer_id].state is TState.IMPORTING
            assert back[second.transfer_id].name == "Import from Night shift: drop/day2/"
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        until(lambda: {t.transfer_id: t.state for t in import_rows(app)}.get(
            second.transfer_id) is TState.DONE, "the resumed import done", 60)
        assert cell(app.controllers.transfers.dock, second.transfer_id, STATE_COLUMN) == \
            "done · 1 imported"
        # a retry of the cancelled one takes up that same job on the server
        dock = app.controllers.transfers.dock
        dock.select(first.transfer_id)
        dock.act_retry.trigger()
        until(lambda: {t.transfer_id: t.state for t in import_rows(app)}.get(
            first.transfer_id) is TState.DONE, "the cancelled import retried", 60)


def test_the_browser_starts_an_import_and_browse_fills_the_folder(
        qtbot, arun, until, settings, sandbox, monkeypatch):
    from PySide6.QtWidgets import QTreeWidgetItem

    from vvdesk.ui.dialogs.import_from_connector import ImportDefaults

    cid, index_id, _drop, _ = bucket_with_files(sandbox, arun, "Harbour cams")
    forms: list[dict[str, Any]] = []
    prefilled: list[tuple[str, str, bool]] = []

    def exec_(self: ImportFromConnectorDialog) -> int:
        prefilled.append((self.folder.text(), self.pattern.text(), self.recursive.isChecked()))
        forms.append({"connector": self.connector.currentText()})
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ImportFromConnectorDialog, "exec", exec_)
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)

    def child(item: QTreeWidgetItem, name: str) -> QTreeWidgetItem | None:
        return next((item.child(i) for i in range(item.childCount())
                     if item.child(i).text(0) == name), None)

    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        select_index(app.window, until, index_id)
        ctl = app.controllers.connectors
        until(lambda: ctl.connector(cid) is not None, "the connectors")
        browser = ctl.browser(cid)
        browser.show()
        root = browser.tree.invisibleRootItem()
        until(lambda: child(root, "drop") is not None, "the bucket's top folder")
        drop = child(root, "drop")
        assert drop is not None
        drop.setExpanded(True)
        until(lambda: child(drop, "harbour.mp4") is not None, "the folder's files")
        browser.tree.setCurrentItem(child(drop, "harbour.mp4"))  # one file
        browser.import_btn.click()
        until(lambda: len(import_rows(app)) == 1, "the import from the browser", 15)
        assert prefilled == [("drop/harbour.mp4", "harbour.mp4", False)]
        assert forms[0]["connector"].startswith("Harbour cams")
        until(lambda: import_rows(app)[0].state is TState.DONE, "one file imported", 30)
        assert import_rows(app)[0].files.words() == "1 imported"
        browser.close()

        # Browse… in the form opens the browser over it; the folder picked fills the field
        indexes = [ix for ix in app.window.index_model.rows() if not ix.is_default]
        opened: list[Any] = []
        form = ImportFromConnectorDialog(app.window, ctl.service.connectors, indexes, [],
                                         ImportDefaults(connector_id=cid), browse=(
                                             lambda *a: opened.append(
                                                 app.controllers.connector_import.browse(*a))))
        qtbot.addWidget(form)
        assert form.browse_button.isEnabled()
        form.browse_button.click()
        picker = opened[0]
        top = picker.tree.invisibleRootItem()
        until(lambda: child(top, "drop") is not None, "the browser over the form")
        picker.tree.setCurrentItem(child(top, "drop"))
        picker.use_btn.click()
        assert form.folder.text() == "drop/"
        form.folder.setText("/drop")
        assert form.problem() == ("Folder: The folder is inside the bucket: remove the "
                                  "leading “/”.")
        assert not form.ok.isEnabled() and form.hint.text() == form.problem()
        form.folder.setText("drop")
        form.pattern.setText("clip/*.mp4")
        assert form.problem().startswith("File pattern: ")
        form.pattern.setText("*.mp4")
        assert form.problem() is None and form.answer().source.prefix == "drop/"
        shoot(form, "import-from-connector.png")
        form.close()

        # the Connectors dialog's Import… opens the form for the selected connector
        app.window.act_connectors.trigger()
        dialog = ctl.dialog
        assert dialog is not None
        until(lambda: dialog.model.row_of(cid) >= 0, "the connector in the dialog")
        dialog.select(cid)
        assert dialog.import_btn.isEnabled()
        dialog.import_btn.click()
        until(lambda: len(import_rows(app)) == 2, "the import from the Connectors dialog", 15)
        assert prefilled[-1] == ("", "", True)  # the whole bucket, narrowed in the form
        assert forms[-1]["connector"].startswith("Harbour cams")
        until(lambda: all(t.state is not TState.IMPORTING for t in import_rows(app)),
              "the second import ended", 30)
        dialog.close()

"""Plain words and empty states (issue 13): statuses in words, targets by name, errors by
the field's label, download names that read well, and every empty table says why."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.sdk_calls import new_index
from tests.ui.helpers import add_profile, running_app, select_index, shoot
from vvdesk.api.client import make_client
from vvdesk.api.errors import describe
from vvdesk.app import Options
from vvdesk.models.exports import ExportColumn
from vvdesk.models.runs import RunColumn
from vvdesk.ui.dialogs.connectors import ConnectorsDialog
from vvdesk.ui.dialogs.download import DownloadDialog
from vvdesk.vocab import download_name, with_field_labels, words

pytestmark = [pytest.mark.usefixtures("secret_service"), pytest.mark.timeout(120)]
DEMO_INDEX = "idx_demo_archive"


def test_words_field_labels_and_download_names():
    assert words("not_processed") == "Not processed"
    assert words("completed_with_failures") == "Completed with failures"
    assert words("content_aware") == "Content-aware"
    assert words("brand_new_state") == "Brand new state"  # unknown: still readable
    assert with_field_labels("source_prefix must be a relative key prefix") == \
        "“Folder” must be a relative key prefix"
    assert download_name("Demo archive", "2026-12-01") == "Demo archive 2026-12-01.json"
    for hostile in ("../../etc/passwd", "a/b\\c:d*e?f", "..", "\n\x00"):
        name = download_name(hostile, "2026-12-01")
        assert "/" not in name and "\\" not in name and not name.startswith(".")
        assert name.endswith("2026-12-01.json") or name == "export.json"


def test_a_server_field_error_names_the_field_label(arun, sandbox):
    async def bad_connector() -> BaseException:
        vv = make_client(sandbox.base_url, sandbox.api_key)
        try:
            await vv.connectors.create_s3(name="x", bucket="b", region="r",
                                          aws_access_key_id="a", aws_secret_access_key="s",
                                          import_mode="sometimes")
        except Exception as exc:
            return exc
        finally:
            await vv.close()
        raise AssertionError("the server accepted a bad import mode")

    problem = describe(arun(bad_connector()))
    assert "“Import”" in problem.message and "import_mode" not in problem.message


def create_index_export(sandbox: Any, arun: Any, index_id: str) -> str:
    async def create() -> str:
        vv = make_client(sandbox.base_url, sandbox.api_key)
        try:
            return (await vv.exports.create_index_export(index_id)).export_id
        finally:
            await vv.close()

    return arun(create())


def test_statuses_targets_and_file_names_read_as_words(qtbot, arun, until, settings, sandbox,
                                                       monkeypatch):
    export_id = create_index_export(sandbox, arun, DEMO_INDEX)
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    offered: list[str] = []
    monkeypatch.setattr(DownloadDialog, "ask",
                        classmethod(lambda _c, _p, _folder, name: offered.append(name)))
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        select_index(w, until, DEMO_INDEX, "the demo index")
        runs, exports = w.tab_panes["Runs"], w.tab_panes["Exports"]
        until(lambda: runs.model.rowCount() > 0, "the demo runs")
        shown = {runs.model.index(r, RunColumn.STATUS).data()
                 for r in range(runs.model.rowCount())}
        assert shown and not any("_" in s or s.islower() for s in shown), shown
        model = exports.model
        until(lambda: model.row_of(export_id) >= 0
              and model.row_for(export_id).status == "completed", "the export, completed", 30)
        row = model.row_of(export_id)
        assert model.index(row, ExportColumn.TARGET).data() == "Demo archive"
        assert DEMO_INDEX in model.index(row, ExportColumn.TARGET).data(
            3)  # Qt.ToolTipRole: the id stays available
        assert model.index(row, ExportColumn.STATUS).data().startswith("Completed")
        exports.select(export_id)
        assert "Index export of Demo archive" in exports.details.text()
        assert export_id in exports.details.text()  # ids stay in the details
        exports.act_download.trigger()
        assert offered and re.fullmatch(r"Demo archive \d{4}-\d\d-\d\d\.json", offered[0])


def test_every_empty_table_says_why_and_what_to_do(qtbot, arun, until, settings, sandbox):
    fresh = new_index(sandbox, arun, "Empty shelf")
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        media, runs, exports = (w.tab_panes[t] for t in ("Media", "Runs", "Exports"))
        select_index(w, until, fresh, "the new index")
        until(lambda: "No media in “Empty shelf” yet" in media.empty.text(), "media empty")
        assert "Upload" in media.empty.text()
        until(lambda: "No prompt runs on “Empty shelf”" in runs.empty.text(), "runs empty")
        assert "Start run" in runs.empty.text()
        until(lambda: "No exports of “Empty shelf”" in exports.empty.text(), "exports empty")
        assert "Export index" in exports.empty.text()
        dock = app.controllers.transfers.dock
        assert "No uploads" in dock.empty.text()
        w.resize(1024, 640)
        shoot(w, "empty-index-1024x640.png")

        w.indexes.select(DEMO_INDEX)
        until(lambda: media.proxy.rowCount() > 0, "the demo media")
        assert media.empty.text() == ""  # rows: no overlay
        media.filter.setText("no such title anywhere")
        assert "No loaded media match “no such title anywhere”" in media.empty.text()
        media.filter.clear()
        assert media.empty.text() == ""

    dialog = ConnectorsDialog([])
    qtbot.addWidget(dialog)
    dialog.show()
    assert "No connectors yet" in dialog.empty.text()
    button = dialog.empty.button
    assert button is not None and button.isVisible() and "Add a connector" in button.text()
    shoot(dialog, "connectors-empty.png")
    dialog.close()

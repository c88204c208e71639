"""The connector browser as a user meets it: a lazily loaded folder tree of a real sandbox
bucket (sizes, local dates, file filter, errors in words), "Use this folder" from every
place it opens (Connectors dialog, export dialog, automations form), import requests, and
the Connectors dialog's Edit and Close.

Everything below the widgets is real: controller, service, HTTP, the sandbox's bucket
folders. Requests are counted with a sandbox fault rule that never fires (its `seen`).
"""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QTreeWidgetItem

from tests.ui.helpers import add_profile, running_app, sdk, select_index, shoot, unique
from vvdesk.app import Options
from vvdesk.ui import keyboard
from vvdesk.ui.dialogs.browse_connector import BrowseConnectorDialog
from vvdesk.ui.dialogs.create_export import CreateExportDialog

pytestmark = [pytest.mark.usefixtures("secret_service"), pytest.mark.timeout(240)]

OLD = time.mktime((2025, 3, 4, 5, 6, 0, 0, 0, -1))  # a local time, as a timestamp




def s3(sandbox: Any, arun: Any, **fields: Any) -> Any:
    base = {"name": "Footage", "bucket": unique("browse"), "region": "eu",
            "aws_access_key_id": "a", "aws_secret_access_key": "b", "scopes": ["import"]}
    return sdk(sandbox, arun, lambda vv: vv.connectors.create_s3(**(base | fields)))


def put(bucket: Path, key: str, size: int = 1000, mtime: float | None = None) -> None:
    path = bucket / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(os.urandom(size))
    if mtime is not None:
        os.utime(path, (mtime, mtime))


def counter(sandbox: Any, connector_id: str) -> Any:
    """How many browse requests the sandbox has seen for this connector from now on."""
    sandbox.add_fault(method="POST", path=f"/connectors/{connector_id}/browse$", nth=1_000_000)

    def seen() -> int:
        rules = sandbox._control("GET", "/faults")
        return next(r["seen"] for r in rules if connector_id in r["path"] and r["nth"] > 1000)

    return seen


def kids(item: QTreeWidgetItem, shown_only: bool = False) -> list[str]:
    return [item.child(i).text(0) for i in range(item.childCount())
            if not (shown_only and item.child(i).isHidden())]


def top(browser: BrowseConnectorDialog) -> QTreeWidgetItem:
    return browser.tree.invisibleRootItem()


def child(item: QTreeWidgetItem, name: str) -> QTreeWidgetItem:
    return next(item.child(i) for i in range(item.childCount()) if item.child(i).text(0) == name)


def loaded(item: QTreeWidgetItem) -> bool:
    return item.childCount() > 0 and not kids(item)[0].startswith("Loading")


def test_lazy_folder_tree_with_sizes_local_dates_filter_and_import_requests(
        qtbot, arun, until, settings, sandbox):
    conn = s3(sandbox, arun)
    bucket = sandbox.data_dir / "buckets" / conn.bucket
    put(bucket, "notes.txt", 1500, mtime=OLD)
    put(bucket, "incoming/a.mp4", 300_000)
    put(bucket, "incoming/b.mov", 2000)
    put(bucket, "incoming/deep/c.mp4", 10)
    put(bucket, "zeta/x.mp4", 20)
    seen = counter(sandbox, conn.connector_id)
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    try:
        with running_app(qtbot, arun, settings, Options(profile="local")) as app:
            ctl = app.controllers.connectors
            until(lambda: ctl.connector(conn.connector_id) is not None, "the connectors")
            imports: list[tuple] = []
            ctl.import_requested.connect(lambda *a: imports.append(a))
            browser = ctl.browser(conn.connector_id)
            asked: list[str] = []
            browser.list_requested.connect(lambda _c, prefix: asked.append(prefix))
            browser.show()
            root = top(browser)
            until(lambda: loaded(root), "the top folder")
            # folders first, then files; the folders are not listed until opened
            assert kids(root) == ["incoming", "zeta", "notes.txt"]
            assert child(root, "incoming").childCount() == 0 and seen() == 1
            notes = child(root, "notes.txt")
            assert notes.text(1) == "1.5 KB"
            assert notes.text(2) == datetime.fromtimestamp(OLD).strftime("%Y-%m-%d %H:%M")
            assert child(root, "incoming").text(1) == "302.0 KB"  # everything below it
            assert "Footage" in browser.windowTitle() and conn.bucket in browser.where.text()
            keyboard.tidy(browser)
            assert keyboard.unlabelled(browser) == []
            # nothing chosen: nothing to use or import
            assert not browser.use_btn.isEnabled() and not browser.import_btn.isEnabled()

            incoming = child(root, "incoming")
            incoming.setExpanded(True)
            assert kids(incoming) == ["Loading…"]
            until(lambda: loaded(incoming), "the opened folder")
            assert kids(incoming) == ["deep", "a.mp4", "b.mov"]
            assert asked == ["incoming/"] and seen() == 2  # that folder only
            assert child(incoming, "deep").childCount() == 0
            assert child(incoming, "a.mp4").text(1) == "300.0 KB"

            # the filter hides files, not folders, without asking again
            browser.pattern.setText("*.mp4")
            assert kids(incoming, shown_only=True) == ["deep", "a.mp4"]
            assert kids(root, shown_only=True) == ["incoming", "zeta"]
            browser.pattern.setText("*.{mp4,mov}")
            assert kids(incoming, shown_only=True) == ["deep", "a.mp4", "b.mov"]
            assert seen() == 2

            # a file: its folder is the one to use; one file is imported exactly
            browser.tree.setCurrentItem(child(incoming, "a.mp4"))
            assert browser.chosen_folder() == "incoming/" and browser.use_btn.isEnabled()
            browser.import_btn.click()
            assert imports[-1] == (conn.connector_id, "incoming/a.mp4", "a.mp4", False)
            # two files of one folder
            child(incoming, "b.mov").setSelected(True)
            browser.import_btn.click()
            assert imports[-1] == (conn.connector_id, "incoming/", "{a.mp4,b.mov}", False)
            # a folder: everything below it that matches the filter
            browser.tree.clearSelection()
            browser.tree.setCurrentItem(incoming)
            browser.import_btn.click()
            assert imports[-1] == (conn.connector_id, "incoming/", "*.{mp4,mov}", True)
            # a folder and a file of another folder: refused, with the reason
            notes.setHidden(False)
            browser.pattern.setText("")
            notes.setSelected(True)
            assert not browser.import_btn.isEnabled()
            assert "one folder" in browser.import_btn.toolTip()

            # Right arrow opens a folder (and lists it) like a click on its arrow
            deep = child(incoming, "deep")
            browser.tree.clearSelection()
            browser.tree.setCurrentItem(deep)
            browser.tree.setFocus()
            qtbot.keyClick(browser.tree, Qt.Key.Key_Right)
            assert deep.isExpanded()
            until(lambda: loaded(deep), "deep listed")
            assert kids(deep) == ["c.mp4"]
            # Enter opens a closed folder; on an open one it uses it
            chosen: list[str] = []
            browser.folder_chosen.connect(chosen.append)
            browser.tree.clearSelection()
            zeta = child(root, "zeta")
            browser.tree.setCurrentItem(zeta)
            browser.tree.setFocus()
            qtbot.keyClick(browser.tree, Qt.Key.Key_Return)
            assert zeta.isExpanded()
            until(lambda: loaded(zeta), "zeta listed")
            qtbot.keyClick(browser.tree, Qt.Key.Key_Return)
            assert chosen == ["zeta/"] and not browser.isVisible()
    finally:
        sandbox.clear_faults()


def test_a_folder_closed_while_loading_ignores_the_late_answer_and_errors_are_in_words(
        qtbot, arun, until, settings, sandbox):
    conn = s3(sandbox, arun)
    bucket = sandbox.data_dir / "buckets" / conn.bucket
    put(bucket, "slow/one.mp4")
    put(bucket, "broken/two.mp4")
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    path = f"/connectors/{conn.connector_id}/browse$"
    try:
        with running_app(qtbot, arun, settings, Options(profile="local")) as app:
            ctl = app.controllers.connectors
            browser = ctl.browser(conn.connector_id)
            browser.show()
            root = top(browser)
            until(lambda: loaded(root), "the top folder")
            slow = child(root, "slow")
            sandbox.add_fault(method="POST", path=path, latency=1.5)
            slow.setExpanded(True)
            assert kids(slow) == ["Loading…"]
            slow.setExpanded(False)  # changed my mind
            assert slow.childCount() == 0
            arun(__import__("asyncio").sleep(2.0))  # the slow answer arrives meanwhile
            assert slow.childCount() == 0 and not slow.isExpanded()
            slow.setExpanded(True)  # asked again, answered this time
            until(lambda: loaded(slow), "slow listed")
            assert kids(slow) == ["one.mp4"]

            broken = child(root, "broken")
            sandbox.add_fault(method="POST", path=path, status=503, times=10)
            broken.setExpanded(True)
            until(lambda: loaded(broken), "the failure")
            words = kids(broken)[0]
            assert words.startswith("Could not list “broken/”: ")
            assert words.endswith("Close and open the folder to try again.")
            assert "service_unavailable" not in words and "Traceback" not in words
            assert browser.status.text() == words
            broken.setSelected(False)
            browser.tree.setCurrentItem(broken.child(0))
            assert browser.chosen_folder() is None  # an error row is not a choice
            sandbox.clear_faults()
            broken.setExpanded(False)
            broken.setExpanded(True)
            until(lambda: kids(broken) == ["two.mp4"], "broken listed on the second try")

            # closing the dialog while a folder loads: it is gone, the late answer goes
            # nowhere (a delivery to the deleted dialog would raise in the slot)
            sandbox.add_fault(method="POST", path=path, latency=1.0)
            listed: list[str] = []
            ctl.service.folder_listed.connect(lambda _c, prefix, _l: listed.append(prefix))
            browser.refresh()
            browser.reject()
            until(lambda: listed == [""], "the late answer")
            assert not shiboken6.isValid(browser)
    finally:
        sandbox.clear_faults()


def test_rows_the_server_garbles_are_left_out_and_counted_in_words(
        qtbot, arun, until, settings, sandbox):
    conn = s3(sandbox, arun)
    put(sandbox.data_dir / "buckets" / conn.bucket, "odd/real.mp4")
    good = {"path": "odd/fine.mp4", "name": "fine.mp4", "size_bytes": 2000,
            "last_modified": "2026-05-06T07:08:09Z", "content_type": "video/mp4",
            "extension": "mp4"}
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    try:
        with running_app(qtbot, arun, settings, Options(profile="local")) as app:
            browser = app.controllers.connectors.browser(conn.connector_id)
            browser.show()
            until(lambda: loaded(top(browser)), "the top folder")
            sandbox.add_fault(method="POST", path=f"/connectors/{conn.connector_id}/browse$",
                              body=[good, {"path": "odd/no-size.mp4", "name": "no-size.mp4"},
                                    {"name": "no path"}])
            odd = child(top(browser), "odd")
            odd.setExpanded(True)
            until(lambda: loaded(odd), "the garbled answer")
            assert kids(odd) == ["fine.mp4"] and child(odd, "fine.mp4").text(1) == "2.0 KB"
            assert browser.status.text() == (
                "“odd/”: 0 folders, 1 file. The server sent 2 entries vvdesk cannot read; "
                "they are not shown.")
    finally:
        sandbox.clear_faults()


def test_use_this_folder_from_the_export_dialog_delivers_into_it(
        qtbot, arun, until, settings, sandbox, monkeypatch):
    conn = s3(sandbox, arun, name="Deliveries", scopes=["export"],
              export_base_path="vv-exports")
    bucket = sandbox.data_dir / "buckets" / conn.bucket
    put(bucket, "vv-exports/2026/q1/old.json")
    put(bucket, "elsewhere/x.json")
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    picked: list[str] = []

    def exec_(dlg: CreateExportDialog) -> int:
        """The user: to a connector, Browse…, opens 2026, picks q1, Use this folder."""
        dlg.to_connector.setChecked(True)
        dlg.connector.setCurrentIndex(dlg.connector.findData(conn.connector_id))
        assert dlg.browse_btn.isVisible() or dlg.browse_btn.isEnabled()
        dlg.browse_btn.click()
        browser = dlg.findChild(BrowseConnectorDialog)
        assert (browser is not None and browser.isModal()) or browser.windowModality()
        root = top(browser)
        qtbot.waitUntil(lambda: loaded(root), timeout=20_000)
        assert kids(root) == ["2026"]  # inside the export folder only
        folder = child(root, "2026")
        folder.setExpanded(True)
        qtbot.waitUntil(lambda: loaded(folder), timeout=20_000)
        browser.tree.setCurrentItem(child(folder, "q1"))
        browser.use_btn.click()
        picked.append(dlg.subpath.text())
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(CreateExportDialog, "exec", exec_)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        select_index(w, until, "idx_demo_archive", "the demo index")
        exports = w.tab_panes["Exports"]
        exports.act_create.trigger()
        until(lambda: picked, "the export dialog's browse")
        assert picked == ["2026/q1"]
        until(lambda: exports.current_export() is not None, "the created export")
        export_id = exports.current_export().export_id
        export = sdk(sandbox, arun, lambda vv: vv.exports.retrieve(export_id))
        assert export.destination_connector_id == conn.connector_id
        assert export.destination_subpath == "2026/q1"


def test_use_this_folder_from_the_automation_forms(qtbot, arun, until, settings, sandbox):
    index = sdk(sandbox, arun, lambda vv: vv.indexes.create(name="Browsed intake"))
    conn = s3(sandbox, arun, name="Both ways", scopes=["import", "export"],
              export_base_path="out")
    bucket = sandbox.data_dir / "buckets" / conn.bucket
    put(bucket, "in/2026/a.mp4")
    put(bucket, "out/review/team/r.json")
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        select_index(w, until, index.index_id, "the index")
        pane = w.tab_panes["Automations"]
        w.tabs.setCurrentWidget(pane)
        for kind in ("import", "export"):
            form = pane.forms[kind]
            until(lambda f=form: f.isEnabled() and f.connector.findData(conn.connector_id) > 0,
                  f"the {kind} form")
            form.connector.setCurrentIndex(form.connector.findData(conn.connector_id))
        # import: the folder of the chosen file
        pane.forms["import"].browse.click()
        browser = pane.findChild(BrowseConnectorDialog)
        assert browser.isVisible() and browser.windowModality() == Qt.WindowModality.WindowModal
        assert not browser.import_btn.isVisible()  # a folder picker for the form
        root = top(browser)
        until(lambda: loaded(root), "the bucket")
        assert kids(root) == ["in", "out"]
        folder = child(root, "in")
        folder.setExpanded(True)
        until(lambda: loaded(folder), "in/")
        sub = child(folder, "2026")
        sub.setExpanded(True)
        until(lambda: loaded(sub), "in/2026/")
        browser.tree.setCurrentItem(child(sub, "a.mp4"))
        browser.use_btn.click()
        assert pane.forms["import"].prefix.text() == "in/2026/"
        until(lambda: pane.findChild(BrowseConnectorDialog) is None, "the browser gone")
        # opening again goes down to the folder in the field by itself
        pane.forms["import"].browse.click()
        again = pane.findChild(BrowseConnectorDialog)
        until(lambda: again.chosen_folder() == "in/2026/", "the folder revealed")
        again.reject()
        until(lambda: pane.findChild(BrowseConnectorDialog) is None, "the browser gone")

        # export: inside the connector's export folder, the sub-folder relative to it
        pane.forms["export"].browse.click()
        browser = pane.findChild(BrowseConnectorDialog)
        root = top(browser)
        until(lambda: loaded(root), "the export folder")
        assert kids(root) == ["review"]
        review = child(root, "review")
        review.setExpanded(True)
        until(lambda: loaded(review), "review/")
        browser.tree.setCurrentItem(child(review, "team"))
        browser.use_btn.click()
        assert pane.forms["export"].subpath.text() == "review/team/"


def test_connectors_dialog_edit_patches_close_and_browse_copies(
        qtbot, arun, until, settings, sandbox):
    conn = s3(sandbox, arun, name="Old name", export_base_path="exp")
    put(sandbox.data_dir / "buckets" / conn.bucket, "clips/a.mp4")
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        app.window.act_connectors.trigger()
        dlg = app.controllers.connectors.dialog
        until(lambda: dlg.model.row_of(conn.connector_id) >= 0, "the connector listed")
        assert not dlg.edit_btn.isEnabled()
        dlg.select(conn.connector_id)
        dlg.edit_btn.click()
        form = dlg.edit_form
        assert form is not None and form.isVisible() and form.windowTitle() == "Edit “Old name”"
        assert form.name.text() == "Old name" and form.edits["bucket"].text() == conn.bucket
        assert form.edits["bucket"].isReadOnly() and not form.edits["bucket"].isEnabled()
        assert "kept" in form.edits["aws_access_key_id"].placeholderText()
        secret = form.edits["aws_secret_access_key"]
        assert not secret.isEnabled() and "kept" in secret.placeholderText()
        assert "credentials stay as they are stored" in form.kept_note.text()
        assert form.export_base.text() == "exp" and form.scope_import.isChecked()
        shoot(form, "connector-edit.png")
        keyboard.tidy(form)
        keyboard.tidy(dlg)
        assert keyboard.unlabelled(dlg) == []  # the form is inside: its fields too

        # a change the server refuses: said by the field's label, the form stays open
        form.export_base.setText("a//b")
        form.save_btn.click()
        until(lambda: "not saved" in form.error.text(), "the refusal")
        assert "“Export folder”" in form.error.text()
        assert "export_base_path" not in form.error.text() and form.isVisible()

        form.name.setText("New name")
        form.export_base.setText("")
        form.scope_export.setChecked(True)
        form.save_btn.click()
        until(lambda: dlg.outcome.text() == "Saved the changes to “New name”.", "the save")
        assert dlg.edit_form is None and not shiboken6.isValid(form)  # closed and gone
        server = sdk(sandbox, arun, lambda vv: vv.connectors.retrieve(conn.connector_id))
        assert (server.name, server.scopes, server.export_base_path) == (
            "New name", ["import", "export"], None)
        row = dlg.model.row_of(conn.connector_id)
        assert dlg.model.index(row, 0).data() == "New name"

        # the connector went away meanwhile: the form says so in words
        dlg.edit_btn.click()
        form = dlg.edit_form
        form.name.setText("Newer name")
        sdk(sandbox, arun, lambda vv: vv.connectors.delete(conn.connector_id))
        form.save_btn.click()
        until(lambda: "not saved" in form.error.text(), "the 404 in words")
        assert "“New name” no longer exists on the server" in form.error.text()
        said = form.error.text().split(" (request id ")[0]  # the id may hold any digits
        assert "404" not in said and conn.connector_id not in said
        form.reject()

        # Browse from here: the folder's path goes to the clipboard
        other = s3(sandbox, arun, name="Browsable")
        put(sandbox.data_dir / "buckets" / other.bucket, "clips/a.mp4")
        app.controllers.connectors.service.refresh()
        until(lambda: dlg.model.row_of(other.connector_id) >= 0, "the other connector")
        dlg.select(other.connector_id)
        dlg.browse_btn.click()
        browser = dlg.findChild(BrowseConnectorDialog)
        assert browser.use_btn.text() == "Copy folder path" and browser.import_btn.isVisible()
        until(lambda: loaded(top(browser)), "the bucket")
        browser.tree.setCurrentItem(child(top(browser), "clips"))
        browser.use_btn.click()
        assert QGuiApplication.clipboard().text() == "clips/"
        assert "Copied the folder “clips/” of “Browsable”" in dlg.outcome.text()

        # Close, and Esc
        assert dlg.isVisible()
        dlg.close_btn.click()
        assert not dlg.isVisible()
        app.window.act_connectors.trigger()
        assert dlg.isVisible()
        qtbot.keyClick(dlg, Qt.Key.Key_Escape)
        assert not dlg.isVisible()


@pytest.fixture
def restore_theme(qapp: Any) -> Any:
    yield
    from vvdesk.settings import ColorSchemeChoice
    from vvdesk.ui import theme

    theme.apply(ColorSchemeChoice.SYSTEM)


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (1024, 640)])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_browser_fits_and_reads_on_small_screens_in_light_and_dark(
        qtbot, arun, until, settings, sandbox, restore_theme, scheme, width, height):
    """Every column readable (dates not cut), the dialog inside the window, and the
    chosen/status lines in the palette's colours; saved as screenshots for a look."""
    from PySide6.QtGui import QPainter, QPalette

    from vvdesk.settings import ColorSchemeChoice
    from vvdesk.ui import theme

    conn = s3(sandbox, arun, name="Studio archive")
    bucket = sandbox.data_dir / "buckets" / conn.bucket
    for key, size in [("footage/2026-11 harbor/dawn timelapse.mp4", 1_284_000_000),
                      ("footage/2026-11 harbor/crane cam B.mov", 742_500_000),
                      ("footage/2026-11 harbor/notes.txt", 2_400),
                      ("footage/2026-11 harbor/raw/cam-a-0001.mp4", 96_000_000),
                      ("footage/2026-10 festival/stage.mp4", 2_100_000_000),
                      ("interviews/mayor.wav", 58_000_000), ("stills/poster.png", 3_400_000),
                      ("README.txt", 1_800)]:
        path = bucket / key
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            f.truncate(size)  # sparse: the size is what is listed
        os.utime(path, (OLD, OLD))
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        theme.apply(ColorSchemeChoice.DARK if scheme == "dark" else ColorSchemeChoice.LIGHT)
        arun(__import__("asyncio").sleep(0.1))
        assert theme.is_dark(w.palette()) == (scheme == "dark")
        w.resize(width, height)
        select_index(w, until, "idx_demo_archive", "the demo index")
        ctl = app.controllers.connectors
        until(lambda: ctl.connector(conn.connector_id) is not None, "the connectors")
        browser = ctl.pick_folder(conn.connector_id, lambda _f: None, parent=w,
                                  start="footage/2026-11 harbor/", offer_import=True)
        until(lambda: browser.chosen_folder() == "footage/2026-11 harbor/", "the start folder")
        harbor = browser.tree.currentItem()
        until(lambda: loaded(harbor), "the folder's files")
        harbor.setExpanded(True)
        browser.pattern.setText("*.{mp4,mov}")
        browser.tree.setCurrentItem(child(harbor, "dawn timelapse.mp4"))
        arun(__import__("asyncio").sleep(0.2))

        assert browser.width() <= width and browser.height() <= height
        header = browser.tree.header()
        view = browser.tree.viewport().width()
        assert header.sectionPosition(2) + header.sectionSize(2) <= view  # no column cut
        dates = child(harbor, "dawn timelapse.mp4").text(2)
        metrics = browser.tree.fontMetrics()
        assert header.sectionSize(2) >= metrics.horizontalAdvance(dates)
        assert child(harbor, "dawn timelapse.mp4").text(1) == "1.3 GB"
        assert browser.import_btn.isEnabled() and browser.use_btn.isEnabled()
        text = browser.chosen.palette().color(QPalette.ColorRole.WindowText)
        ground = browser.palette().color(QPalette.ColorRole.Window)
        assert theme.contrast(text, ground) >= theme.AA

        # the window with the dialog over it, as a screen shows them
        shot = w.grab()
        painter = QPainter(shot)
        painter.drawPixmap((shot.width() - browser.width()) // 2,
                           (shot.height() - browser.height()) // 2, browser.grab())
        painter.end()
        if os.environ.get("VVDESK_SCREENSHOTS") and width == 1024:  # the small screen
            out = Path(__file__).resolve().parents[2] / "screenshots"
            suffix = "-dark" if scheme == "dark" else ""
            shot.save(str(out / f"connector-browser{suffix}.png"))
        browser.reject()


def test_the_edit_form_sends_only_what_changed_and_keeps_the_gcs_key(qtbot):
    from videovector import Connector

    from vvdesk.ui.dialogs.new_connector import NewConnectorDialog

    c = Connector(connector_id="con_1", name="Cloud", provider="gcs", status="active",
                  scopes=["import"], import_mode="all", bucket="b-1", gcp_project_id="p-1",
                  export_base_path="out/x")
    form = NewConnectorDialog("gcs", existing=c)
    qtbot.addWidget(form)
    assert not form.cred_pick.isEnabled() and "kept" in form.cred_label.text()
    assert form.edits["gcp_project_id"].text() == "p-1"
    assert form.problem() is None and form.changes() == {}
    sent: list[dict] = []
    form.submitted.connect(sent.append)
    closed: list[int] = []
    form.finished.connect(closed.append)
    form.save_btn.click()  # nothing changed: nothing sent, the form closes
    assert sent == [] and closed
    form = NewConnectorDialog("gcs", existing=c)
    qtbot.addWidget(form)
    form.submitted.connect(sent.append)
    form.import_mode.setCurrentIndex(form.import_mode.findData("new_only"))
    form.export_base.setText("")
    form.save_btn.click()
    assert sent == [{"import_mode": "new_only", "export_base_path": None}]
    assert not form.save_btn.isEnabled() and form.save_btn.text() == "Saving…"
    form.name.setText("")
    form.show_save_failed("“Name” is required")
    assert form.save_btn.isEnabled()
    assert form.error.text() == "The changes were not saved: “Name” is required"

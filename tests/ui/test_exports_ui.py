"""Exports through the UI against a real sandbox: run → export → tracked → downloaded.

Dialogs are answered through their `ask` classmethods; everything else is real: the
window, the services, the tracker, HTTP to the sandbox, files on disk.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.ui.helpers import add_profile, shoot
from vvdesk.app import Options, VvdeskApp
from vvdesk.ui.dialogs import ask
from vvdesk.ui.dialogs.create_export import CreateExportDialog
from vvdesk.ui.dialogs.download import DownloadDialog
from vvdesk.ui.dialogs.start_run import StartRunDialog
from vvdesk.ui.main_window import MainWindow

pytestmark = pytest.mark.usefixtures("secret_service")
DEMO_INDEX = "idx_demo_archive"


async def sdk_bytes(sandbox: Any, export_id: str) -> bytes:
    import io

    from videovector import AsyncVideoVector

    async def fetch() -> bytes:
        buf = io.BytesIO()
        async with AsyncVideoVector(
            api_key=sandbox.api_key, base_url=sandbox.base_url, max_retries=0
        ) as vv:
            await vv.exports.download(export_id, buf)
        return buf.getvalue()

    return await fetch()


async def until_async(predicate: Any, what: str, timeout: float = 30.0) -> None:
    """Wait inside a running scenario (the loop stays running: no qasync stop/start races)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for: {what}")
        await asyncio.sleep(0.02)


@contextlib.asynccontextmanager
async def live_app(qtbot: Any, settings: Any, options: Options) -> AsyncIterator[VvdeskApp]:
    """The real app, started and shut down inside one running loop (see until_async)."""
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.show()
    app = VvdeskApp(options, settings, window)
    await app.start()
    try:
        yield app
    finally:
        await app.shutdown()
        window.close()


def answer(monkeypatch: Any, cls: Any, value: Any, seen: list | None = None) -> None:
    def fake(_cls: Any, *args: Any, **kw: Any) -> Any:
        if seen is not None:
            seen.append(args)
        return value

    monkeypatch.setattr(cls, "ask", classmethod(fake))


async def open_index(app: Any) -> Any:
    w = app.window
    await until_async(lambda: w.index_model.row_of(DEMO_INDEX) >= 0, "the demo index")
    w.indexes.select(DEMO_INDEX)
    return w


async def export_index(app: Any, monkeypatch: Any, outcome: str = "Export ready") -> Any:
    """Create a download export of the open index through its dialog; wait for `outcome`."""
    answer(monkeypatch, CreateExportDialog,
           {"prompt_run_ids": None, "connector_id": None, "subpath": None})
    exports = app.window.tab_panes["Exports"]
    exports.act_create.trigger()
    await until_async(lambda: any(t == outcome for t, _ in shown(app)), outcome)
    return exports.current_export()


def shown(app: Any) -> list[tuple[str, str]]:
    return app.notify_view.shown


def test_run_then_export_then_download_equals_the_server_file(
    qtbot, arun, until, settings, sandbox, monkeypatch, isolated
):
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)

    async def scenario() -> None:

        async with live_app(qtbot, settings, Options(profile="local")) as app:
            w = await open_index(app)
            runs = w.tab_panes["Runs"]
            await until_async(
                lambda: runs.model.row_of("run_demo_archive") >= 0, "the demo run listed"
            )

            # Start a run: the estimate is shown before the user confirms.
            answer(
                monkeypatch,
                StartRunDialog,
                {
                    "prompt_id": "prm_demo_scenes",
                    "target": {"type": "index", "index_id": DEMO_INDEX},
                    "video_segmentation_type": "fixed",
                    "video_segment_duration": 30,
                    "audio_segmentation_type": "content_aware",
                },
            )
            asked: list[str] = []
            monkeypatch.setattr(
                ask, "confirm", lambda _p, _t, text, _o: asked.append(text) or True
            )
            runs.act_start.trigger()
            await until_async(
                lambda: (
                    runs.current_run() is not None
                    and runs.current_run().run_id != "run_demo_archive"
                ),
                "the new run selected",
            )
            assert asked and "Estimated cost" in asked[0] and "MT" in asked[0]
            run_id = runs.current_run().run_id
            await until_async(
                lambda: (
                    runs.model.row_for(run_id).status
                    in ("completed", "completed_with_failures")
                ),
                "the watcher to see the run complete",
            )
            await until_async(
                lambda: (
                    "Segments:" in runs.details.toPlainText()
                    and "failed segments" in runs.details.toPlainText().lower()
                ),
                "run details",
            )
            w.tabs.setCurrentIndex(1)
            shoot(runs, "runs-pane.png")

            # Export this run; the tracker follows it; a notification offers Download…
            w.tabs.setCurrentIndex(2)
            answer(
                monkeypatch,
                CreateExportDialog,
                {"prompt_run_ids": None, "connector_id": None, "subpath": None},
            )
            assert runs.act_export.isEnabled()
            runs.act_export.trigger()
            await until_async(
                lambda: any(t == "Export ready" for t, _ in shown(app)), "Export ready"
            )
            exports = w.tab_panes["Exports"]
            export = exports.current_export()
            assert export.export_type == "prompt_run" and export.target_id == run_id
            assert w.banner.action.text() == "Download…"

            out = isolated / "out"
            answer(monkeypatch, DownloadDialog, (str(out), "my-run.json"))
            w.banner.action.click()
            dialogs = app.controllers.exports.download_dialogs
            dlg = dialogs[export.export_id]
            await until_async(lambda: dlg.open_btn.isVisible(), "the download to finish")
            target = out / "my-run.json"
            assert target.read_bytes() == await sdk_bytes(sandbox, export.export_id)
            assert dlg.folder_btn.isVisible() and str(target) in dlg.state.text()
            assert [p.name for p in out.iterdir()] == ["my-run.json"]  # no temporary left
            assert settings.value("exports/folder/local") == str(out)
            await until_async(
                lambda: exports.model.row_for(export.export_id).status == "completed", "row"
            )
            shoot(exports, "exports-pane.png")
            shoot(dlg, "download-dialog.png")

            # Asked before overwriting; refusing leaves the file as it is.
            monkeypatch.setattr(ask, "confirm", lambda *a: False)
            exports.select(export.export_id)
            exports.act_download.trigger()
            await until_async(
                lambda: "already exists" in dialogs[export.export_id].state.text(),
                "the overwrite refusal",
            )
            assert target.read_bytes() == await sdk_bytes(sandbox, export.export_id)

    arun(scenario(), 120)


def test_subpath_is_checked_inline_before_sending(qtbot):
    dlg = CreateExportDialog(None, "Export", None, [], "No connector takes exports yet.")
    qtbot.addWidget(dlg)
    assert not dlg.to_connector.isEnabled()
    assert "No connector takes exports" in dlg.connector_note.text()

    class Conn:
        connector_id, name, provider, bucket, container = "con_1", "Archive", "s3", "b", None

    dlg = CreateExportDialog(None, "Export", None, [Conn()], "")
    qtbot.addWidget(dlg)
    ok = dlg.buttons.button(dlg.buttons.StandardButton.Ok)
    dlg.to_connector.setChecked(True)
    for bad, reason in (
        ("/abs", "relative"),
        ("a\\b", "backslash"),
        ("a//b", "empty"),
        ("x/../y", ".."),
    ):
        dlg.subpath.setText(bad)
        assert reason in dlg.hint.text() and not ok.isEnabled(), bad
    dlg.subpath.setText("reports/2026/")
    assert dlg.hint.text() == "" and ok.isEnabled()
    assert dlg.answer() == {
        "prompt_run_ids": None,
        "connector_id": "con_1",
        "subpath": "reports/2026",
    }


def test_failed_export_is_reported_and_can_be_retried(
    qtbot, arun, until, settings, sandbox, monkeypatch, isolated
):
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)

    async def scenario() -> None:

        async with live_app(qtbot, settings, Options(profile="local")) as app:
            w = await open_index(app)
            exports = w.tab_panes["Exports"]
            sandbox.fail_next_export("Disk quota exceeded on the export worker")
            await export_index(app, monkeypatch, "Export failed")
            assert "Disk quota exceeded" in w.banner.label.text()
            assert w.banner.action.text() == "Export again"
            first = exports.current_export().export_id
            assert "Disk quota exceeded" in exports.details.text()
            w.banner.action.click()
            await until_async(
                lambda: any(t == "Export ready" for t, _ in shown(app)), "the retried export"
            )
            again = exports.current_export()
            assert again.export_id != first and again.status == "completed"
            assert again.target_id == DEMO_INDEX

    arun(scenario(), 120)


def test_tracking_resumes_after_restart_and_downloads(
    qtbot, arun, until, settings, monkeypatch, isolated
):
    """An export created just before quitting completes and downloads in the next session."""
    from tests.conftest import TEST_KEY
    from tests.sandbox_proc import SandboxProcess

    folder = isolated / "auto"
    settings.set_value("exports/auto_download", True)
    settings.set_value("exports/folder/slowish", str(folder))
    with SandboxProcess(isolated / "sb", api_key=TEST_KEY, time_scale=2.0) as sb:
        add_profile(arun, settings, "slowish", sb.base_url, sb.api_key)
        answer(
            monkeypatch,
            CreateExportDialog,
            {"prompt_run_ids": None, "connector_id": None, "subpath": None},
        )
        ids: list[str] = []

        async def scenario() -> None:

            async with live_app(qtbot, settings, Options(profile="slowish")) as app:
                w = await open_index(app)
                w.tab_panes["Exports"].act_create.trigger()
                tracker = app.controllers.exports.tracker
                await until_async(lambda: tracker.tracked_ids(), "the export to be tracked")
                ids.extend(tracker.tracked_ids())

        with sb.paused():  # it stays pending until after the quit, however slow the machine
            arun(scenario(), 120)
        export_id = ids[0]
        assert not folder.exists()  # quit before it completed

        async def scenario() -> None:

            async with live_app(qtbot, settings, Options(profile="slowish")) as app:
                tracker = app.controllers.exports.tracker

                def saved() -> list[Path]:  # "<index name> <date> <time>.json"
                    return list(folder.glob("* ????-??-?? ??-??-??.json")) \
                        if folder.exists() else []

                await until_async(
                    lambda: export_id in tracker.tracked_ids() or saved(),
                    "tracking resumed",
                )
                await until_async(lambda: bool(saved()), "the automatic download", timeout=60)
                assert saved()[0].read_bytes() == await sdk_bytes(sb, export_id)
                model = app.controllers.exports.model
                await until_async(lambda: model.note(export_id) == "saved", "the saved note")

        arun(scenario(), 120)


def test_dropped_download_leaves_nothing_and_can_be_retried(
    qtbot, arun, until, settings, sandbox, monkeypatch, isolated
):
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)

    async def scenario() -> None:

        async with live_app(qtbot, settings, Options(profile="local")) as app:
            w = await open_index(app)
            export = await export_index(app, monkeypatch)
            out = isolated / "drop"
            answer(monkeypatch, DownloadDialog, (str(out), "../../escape.json"))
            sandbox.add_fault(
                path=r"/exports/[^/]+/download$", method="GET", drop_response_after=200
            )
            try:
                w.banner.action.click()
                dlg = app.controllers.exports.download_dialogs[export.export_id]
                await until_async(lambda: dlg.retry_btn.isVisible(), "the download to fail")
            finally:
                sandbox.clear_faults()
            assert "connection dropped" in dlg.state.text()
            assert list(out.iterdir()) == []  # neither the file nor a partial temporary
            assert not (isolated / "escape.json").exists()
            dlg.retry_btn.click()
            await until_async(lambda: dlg.open_btn.isVisible(), "the retried download")
            assert [p.name for p in out.iterdir()] == ["escape.json"]  # kept inside the folder
            assert (out / "escape.json").read_bytes() == await sdk_bytes(
                sandbox, export.export_id
            )

    arun(scenario(), 120)


def test_cancelled_download_says_so_and_leaves_nothing(
    qtbot, arun, until, settings, sandbox, monkeypatch, isolated
):
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)

    async def scenario() -> None:
        async with live_app(qtbot, settings, Options(profile="local")) as app:
            w = await open_index(app)
            export = await export_index(app, monkeypatch)
            out = isolated / "cancelled"
            answer(monkeypatch, DownloadDialog, (str(out), "slow.json"))
            sandbox.add_fault(path=r"/exports/[^/]+/download$", method="GET", latency=10)
            try:
                w.banner.action.click()
                dlg = app.controllers.exports.download_dialogs[export.export_id]
                await asyncio.sleep(0.5)
                started = asyncio.get_running_loop().time()
                dlg.cancel_btn.click()
                await until_async(lambda: "ancel" in dlg.state.text(), "the cancelled state", 30)
                assert asyncio.get_running_loop().time() - started < 1.0
            finally:
                sandbox.clear_faults()
            assert not dlg.cancel_btn.isVisible() and dlg.retry_btn.isVisible()
            await until_async(lambda: not out.exists() or list(out.iterdir()) == [],
                              "the temporary file to be removed", 2)

    arun(scenario(), 60)

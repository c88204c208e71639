"""Wire the Exports tab, the one export tracker, downloads and notifications."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QStandardPaths

from vvdesk.models.exports import ExportListModel
from vvdesk.services.downloads import DownloadService, target_path
from vvdesk.services.export_tracker import ExportTracker
from vvdesk.services.exports import ExportService
from vvdesk.services.journal import Journal, default_journal_path
from vvdesk.services.notifier import Notifier
from vvdesk.ui.dialogs import ask
from vvdesk.ui.dialogs.create_export import CreateExportDialog
from vvdesk.ui.dialogs.download import DownloadDialog, DownloadProgress
from vvdesk.ui.notify import NotifyView
from vvdesk.ui.panes.exports import ExportsPane
from vvdesk.wiring import SessionContext

ORDER = 40
AUTO_DOWNLOAD = "exports/auto_download"
NOTIFY = "exports/notify"


def folder_key(profile: str) -> str:
    return f"exports/folder/{profile}"


def default_folder() -> str:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation)
    return f"{base}/vvdesk"


def _flag(value: Any, default: bool) -> bool:
    if value is None:
        return default
    return value if isinstance(value, bool) else str(value).lower() in ("true", "1")


def bind(ctx: SessionContext) -> None:
    s, w, wire, settings = ctx.session, ctx.window, ctx.wire, ctx.settings
    journal = ctx.services.get("journal")
    if journal is None:
        journal = ctx.services["journal"] = Journal(default_journal_path())
        ctx.services["exports_owns_journal"] = True
    tracker = ExportTracker(s, journal, parent=s)
    service = ExportService(s, tracker, s)
    downloads = DownloadService(s, s)
    notifier = Notifier(s)
    notifier.tray_enabled = _flag(settings.value(NOTIFY), True)
    model = ExportListModel(s)
    pane = ExportsPane(model)
    pane.notify.setChecked(notifier.tray_enabled)
    pane.auto_download.setChecked(_flag(settings.value(AUTO_DOWNLOAD), False))

    def set_notify(on: bool) -> None:
        notifier.tray_enabled = on
        settings.set_value(NOTIFY, on)

    wire(pane.notify.toggled, set_notify)
    wire(pane.auto_download.toggled, lambda on: settings.set_value(AUTO_DOWNLOAD, on))
    dialogs: dict[str, DownloadProgress] = {}
    jobs: dict[str, tuple[str, int]] = {}  # export_id → (path, total)
    pending: dict[str, Any] = {}  # create dialog waiting for connectors
    ctx.services.update(exports=service, export_tracker=tracker, downloads=downloads,
                        notifier=notifier, exports_model=model, exports_pane=pane,
                        download_dialogs=dialogs)

    def folder() -> str:
        return str(settings.value(folder_key(s.profile_name)) or default_folder())

    def start_download(export: Any, path: str, *, overwrite: bool = False) -> None:
        jobs[export.export_id] = (path, export.file_size_bytes or 0)
        model.set_note(export.export_id, "downloading")
        downloads.start(export.export_id, path, total=export.file_size_bytes or 0,
                        overwrite=overwrite)

    def ask_download(export: Any) -> None:
        choice = DownloadDialog.ask(pane, folder(), f"{export.export_id}.json")
        if choice is None:
            return
        chosen_folder, name = choice
        settings.set_value(folder_key(s.profile_name), chosen_folder)
        path = str(target_path(chosen_folder, name, f"{export.export_id}.json"))
        dlg = dialogs.get(export.export_id)
        if dlg is not None:
            dlg.close()
            dlg.deleteLater()
        dlg = DownloadProgress(w, export.export_id, path)
        dlg.cancel_requested.connect(downloads.cancel)
        dlg.retry_requested.connect(lambda eid: retry(eid))
        dlg.recreate_requested.connect(lambda eid: export_again(eid))
        dialogs[export.export_id] = dlg
        dlg.show()
        start_download(export, path)

    def retry(export_id: str) -> None:
        export = model.row_for(export_id)
        if export is not None and export_id in jobs:
            if (dlg := dialogs.get(export_id)) is not None:
                dlg.restart()
            start_download(export, jobs[export_id][0])

    def export_again(export_id: str) -> None:
        if (export := model.row_for(export_id)) is not None:
            service.recreate(export)
        if (dlg := dialogs.get(export_id)) is not None:
            dlg.close()

    def progress(export_id: str, done: int, total: int) -> None:
        if (dlg := dialogs.get(export_id)) is not None:
            dlg.set_progress(done, total)
        if total:
            model.set_note(export_id, f"downloading {100 * done // total} %")

    def downloaded(export_id: str, path: str) -> None:
        if not path:  # the file exists: ask before overwriting
            target = jobs[export_id][0]
            export = model.row_for(export_id)
            if export is not None and ask.confirm(
                    w, "Replace file?", f"{target} already exists. Replace it?", "Replace"):
                start_download(export, target, overwrite=True)
            else:
                model.set_note(export_id, "")
                if (dlg := dialogs.get(export_id)) is not None:
                    dlg.set_failed("Not downloaded: the file already exists.")
            return
        model.set_note(export_id, "saved")
        if (dlg := dialogs.get(export_id)) is not None:
            dlg.set_done(path)
        notifier.notify("Export downloaded", f"{export_id} saved to {path}")

    def download_failed(export_id: str, problem: Any) -> None:
        model.set_note(export_id, "download cancelled" if problem.kind.value == "cancelled"
                       else "download failed")
        if (dlg := dialogs.get(export_id)) is not None:
            dlg.set_failed(str(problem), recreate=problem.status == 410)
        elif problem.kind.value != "cancelled":
            notifier.notify("Download failed", str(problem), "error",
                            "Export again" if problem.status == 410 else "Download…",
                            export_id)

    def finished(export: Any) -> None:
        model.upsert(export)
        model.tracked.discard(export.export_id)
        eid = export.export_id
        if export.status == "failed":
            notifier.notify("Export failed", export.error_message or "The export failed.",
                            "error", "Export again", eid)
        elif export.destination_type == "connector":
            notifier.notify("Export delivered", f"{eid} delivered to "
                            f"{export.destination_uri or export.destination_connector_id}")
        elif _flag(settings.value(AUTO_DOWNLOAD), False):
            path = str(target_path(folder(), f"{eid}.json", f"{eid}.json"))
            start_download(export, path)
        else:
            notifier.notify("Export ready", f"{eid} is ready to download.", "info",
                            "Download…", eid)

    def on_action(action: str, export_id: str) -> None:
        export = model.row_for(export_id)
        if export is None:
            return
        if action == "Export again":
            service.recreate(export)
        elif action == "Download…":
            ask_download(export)

    def created(export: Any) -> None:
        model.tracked.add(export.export_id)
        model.upsert(export)
        pane.select(export.export_id)
        w.statusBar().showMessage(f"Export {export.export_id} created; it is tracked until "
                                  "it completes.", 5000)

    def create(kind: str, target_id: str, title: str,
               runs: list[tuple[str, str, bool]] | None) -> None:
        pending.update(kind=kind, target=target_id, title=title, runs=runs)
        service.load_connectors()

    def connectors(items: list[Any], note: str) -> None:
        if not pending:
            return
        p = dict(pending)
        pending.clear()
        answer = CreateExportDialog.ask(pane, p["title"], p["runs"], items, note)
        if answer is not None:
            service.create(p["kind"], p["target"], prompt_run_ids=answer["prompt_run_ids"],
                           connector_id=answer["connector_id"], subpath=answer["subpath"])

    def index_runs(index_id: str, picked: str | None = None) -> list[tuple[str, str, bool]]:
        runs_model = ctx.services.get("runs_model")
        rows = runs_model.rows() if runs_model is not None else []
        return [(r.run_id, f"{r.prompt_name} — {r.status} — {r.executed_at[:19]}",
                 picked is None or r.run_id == picked) for r in rows
                if r.status in ("completed", "completed_with_failures")]

    def export_index(index: Any) -> None:
        create("index", index.index_id, f"Export “{index.name}”", index_runs(index.index_id))

    def export_run(run: Any) -> None:
        create("prompt_run", run.run_id, f"Export run {run.run_id}", None)

    def export_with_others(run: Any) -> None:
        index = w.indexes.current_index()
        if index is not None:
            create("index", index.index_id, f"Export runs of “{index.name}”",
                   index_runs(index.index_id, picked=run.run_id))

    def runs_changed(*_: Any) -> None:
        runs_model = ctx.services.get("runs_model")
        if runs_model is not None:
            pane.set_run_ids({r.run_id for r in runs_model.rows()})

    view = NotifyView(notifier, w, on_action)
    ctx.services["notify_view"] = view
    wire(notifier.message, view.show)
    wire(tracker.listed, model.merge_listed)
    wire(tracker.export_changed, model.upsert)
    wire(tracker.finished, finished)
    wire(tracker.gone, lambda eid, p: model.set_note(eid, "gone from the server"))
    wire(tracker.problem, w.show_problem)
    wire(tracker.tracking_changed, lambda _n: setattr(model, "tracked",
                                                      set(tracker.tracked_ids())))
    wire(service.created, created)
    wire(service.failed, w.show_problem)
    wire(service.connectors_loaded, connectors)
    wire(downloads.progress, progress)
    wire(downloads.finished, downloaded)
    wire(downloads.failed, download_failed)
    wire(pane.create_requested, export_index)
    wire(pane.download_requested, ask_download)
    wire(pane.recreate_requested, service.recreate)
    wire(pane.refresh_requested, tracker.refresh)
    if (runs_pane := ctx.services.get("runs_pane")) is not None:
        wire(runs_pane.export_run_requested, export_run)
        wire(runs_pane.export_with_others_requested, export_with_others)
        runs_model = ctx.services["runs_model"]
        for sig in (runs_model.rowsInserted, runs_model.rowsRemoved, runs_model.modelReset):
            wire(sig, runs_changed)
    w.set_tab("Exports", pane)
    s.jobs.run("exports.resume", tracker.resume())


def unbind(ctx: SessionContext) -> None:
    if (view := ctx.services.get("notify_view")) is not None:
        view.close()
    for dlg in ctx.services.get("download_dialogs", {}).values():
        dlg.close()
        dlg.deleteLater()
    if ctx.services.pop("exports_owns_journal", False):
        ctx.services.pop("journal").close()

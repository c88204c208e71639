"""Exports: creating one (a flow: connectors → the user's choices → create → track),
the one tracker, downloads with their progress dialogs, and the notices they raise.

Where does clicking "Export index…" go? `ExportsPane.create_requested` →
`ExportsController.export_index` → `_export_flow` (below), run by the session's jobs.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Literal

from PySide6.QtCore import QStandardPaths, QTimer

from vvdesk.api.errors import ApiProblem
from vvdesk.controllers.connectors import ConnectorsController
from vvdesk.controllers.links import Links, answer
from vvdesk.controllers.options import (
    AUTO_DOWNLOAD,
    MAX_AUTO_DOWNLOADS,
    MAX_AUTO_DOWNLOADS_DEFAULT,
    NOTIFY,
    flag,
    whole,
)
from vvdesk.controllers.runs import RunsController
from vvdesk.format import when
from vvdesk.models import gradual
from vvdesk.models.exports import ExportListModel
from vvdesk.services.downloads import DownloadService, target_path
from vvdesk.services.export_tracker import ExportTracker
from vvdesk.services.exports import ExportService
from vvdesk.services.notifier import Notifier
from vvdesk.services.session import ApiSession
from vvdesk.settings import Settings
from vvdesk.ui.dialogs import ask
from vvdesk.ui.dialogs.create_export import CreateExportDialog
from vvdesk.ui.dialogs.download import DownloadDialog, DownloadProgress
from vvdesk.ui.main_window import MainWindow
from vvdesk.ui.notify import NotifyView
from vvdesk.ui.panes.exports import ExportsPane
from vvdesk.vocab import (
    NoticeAction,
    ProblemKind,
    download_name,
    run_is_exportable,
    status_text,
    words,
)

if TYPE_CHECKING:
    from videovector import Export, Index, PromptRun


EXPIRED = 410
NOTICE_GATHER_MS = 1500  # outcomes this close together make one notice
READY_BATCH = "exports:ready"  # the key of a "N exports are ready" notice


class Outcome(Enum):
    READY = "ready"
    FAILED = "failed"
    DELIVERED = "delivered"
    DOWNLOADED = "downloaded"


@dataclass
class Gathered:
    """Outcomes waiting to be told, one notice per kind (not one per export)."""

    ids: dict[Outcome, list[str]] = field(default_factory=lambda: {o: [] for o in Outcome})
    detail: dict[str, str] = field(default_factory=dict)  # export id → what to say of it


def run_name(run: PromptRun) -> str:
    """A run as a person names it: its prompt and when it ran."""
    return f"run “{run.prompt_name}” of {when(run.executed_at)}"


def folder_key(profile: str) -> str:
    return f"exports/folder/{profile}"


def default_folder() -> str:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation)
    return f"{base}/vvdesk"


@dataclass(frozen=True)
class ExportTarget:
    """What the user asked to export: an index (optionally some of its runs) or a run."""

    kind: Literal["index", "prompt_run"]
    target_id: str
    title: str
    runs: list[tuple[str, str, bool]] | None = None  # (run id, label, checked); None: no list


@dataclass
class Download:
    path: str
    total: int


class ExportsController:
    def __init__(self, session: ApiSession, window: MainWindow, settings: Settings,
                 service: ExportService, tracker: ExportTracker, downloads: DownloadService,
                 model: ExportListModel, pane: ExportsPane, runs: RunsController,
                 notifier: Notifier, notices: NotifyView, *,
                 connectors: ConnectorsController | None = None) -> None:
        self.session, self.window, self.settings = session, window, settings
        self.connectors = connectors  # browses a connector for the export's sub-folder
        self.service, self.tracker, self.downloads = service, tracker, downloads
        self.model, self.pane, self.runs = model, pane, runs
        self.notifier = notifier
        self.download_dialogs: dict[str, DownloadProgress] = {}
        self._downloads: dict[str, Download] = {}
        self._gathered = Gathered()
        self._ready_batch: list[str] = []  # the exports a "Download all" would fetch
        self._auto_waiting: deque[tuple[Export, str]] = deque()
        self._auto_running: set[str] = set()
        self._notice_timer = QTimer()
        self._notice_timer.setSingleShot(True)
        self._notice_timer.setInterval(NOTICE_GATHER_MS)
        self._notice_timer.timeout.connect(self._tell)
        pane.notify.setChecked(notifier.tray_enabled)
        pane.auto_download.setChecked(flag(settings.value(AUTO_DOWNLOAD), False))
        self._links = Links()
        link = self._links.connect
        link(pane.notify.toggled, self._set_notify)
        link(pane.auto_download.toggled, lambda on: settings.set_value(AUTO_DOWNLOAD, on))
        link(notices.acted, self._notice_acted)
        link(notices.acted, self._notice_acted_on_batch)
        link(tracker.listed, self._listed)
        link(tracker.export_changed, model.upsert)
        link(tracker.finished, self._finished)
        link(tracker.gone, self._gone)
        link(tracker.problem, window.show_problem)
        link(tracker.tracking_changed, self._tracking_changed)
        link(service.created, self._created)
        link(service.failed, window.show_problem)
        link(downloads.progress, self._progress)
        link(downloads.finished, self._downloaded)
        link(downloads.failed, self._download_failed)
        link(pane.create_requested, self.export_index)
        link(pane.download_requested, self.ask_download)
        link(pane.recreate_requested, self._recreate)
        link(pane.refresh_requested, tracker.refresh)
        link(runs.pane.export_run_requested, self.export_run)
        link(runs.pane.export_with_others_requested, self.export_with_others)
        for sig in (runs.model.rowsInserted, runs.model.rowsRemoved, runs.model.modelReset):
            link(sig, self._runs_changed)
        indexes = window.index_model
        link(indexes.rowsInserted, lambda _parent, first, last: self._learn_names(first, last))
        link(indexes.dataChanged, lambda top, bottom, *_: self._learn_names(top.row(),
                                                                            bottom.row()))
        link(indexes.modelReset, self._learn_names)
        link(tracker.listed_count, pane.set_listed)
        self._learn_names()
        window.set_tab("Exports", pane)
        session.jobs.run("exports.resume", tracker.resume())

    # creating: one flow ------------------------------------------------------------
    def export_index(self, index: Index) -> None:
        self.create(ExportTarget("index", index.index_id, f"Export “{index.name}”",
                                 self._index_runs()))

    def export_run(self, run: PromptRun) -> None:
        self.create(ExportTarget("prompt_run", run.run_id, f"Export {run_name(run)}"))

    def export_with_others(self, run: PromptRun) -> None:
        index = self.window.current_index()
        if index is not None:
            self.create(ExportTarget("index", index.index_id, f"Export runs of “{index.name}”",
                                     self._index_runs(picked=run.run_id)))

    def create(self, target: ExportTarget) -> None:
        self.session.jobs.run(f"exports.flow:{target.kind}:{target.target_id}",
                              self._export_flow(target),
                              on_error=self.service.report(target.kind))

    async def _export_flow(self, target: ExportTarget) -> None:
        connectors, note = await self.service.export_connectors()
        self.model.set_names({c.connector_id: c.name for c in connectors})
        bases = {c.connector_id: c.export_base_path or "" for c in connectors}

        def browse(dlg: CreateExportDialog, connector_id: str, subpath: str) -> None:
            if self.connectors is not None:  # the sub-folder lies inside the export folder
                self.connectors.pick_folder(connector_id, dlg.set_subpath, start=subpath,
                                            root=bases.get(connector_id, ""), parent=dlg)

        choice = await answer(lambda: CreateExportDialog.ask(
            self.pane, target.title, target.runs, connectors, note, browse=browse))
        if choice is None:
            return
        export = await self.service.create_export(
            target.kind, target.target_id, prompt_run_ids=choice["prompt_run_ids"],
            connector_id=choice["connector_id"], subpath=choice["subpath"])
        self._created(export)

    def _index_runs(self, picked: str | None = None) -> list[tuple[str, str, bool]]:
        return [(r.run_id, f"{r.prompt_name} — {words(r.status)} — {when(r.executed_at)}",
                 picked is None or r.run_id == picked)
                for r in self.runs.model.rows() if run_is_exportable(r.status)]

    def _created(self, export: Export) -> None:
        self.model.tracked.add(export.export_id)
        self.model.upsert(export)
        self.pane.select(export.export_id)
        self.window.statusBar().showMessage(
            f"Export of {self._name(export)} created; vvdesk follows it until it completes.",
            5000)

    def _listed(self, items: list[Export]) -> None:
        """A list call's exports join the list a slice at a time (it may hold 500)."""
        self.session.jobs.run("exports.listed", self._merge_listed(items))

    async def _merge_listed(self, items: list[Export]) -> None:
        await gradual.append(self.model, items)
        self.model.set_loaded()

    # names -------------------------------------------------------------------------
    def _learn_names(self, first: int = 0, last: int | None = None) -> None:
        """Index names for the export list: of the rows that arrived or changed (a long
        index list arrives a slice at a time), or all of them."""
        rows = self.window.index_model.rows_between(first, last)
        self.model.set_names({ix.index_id: ix.name for ix in rows})

    def _name(self, export: Export) -> str:
        """What an export is of, as a person reads it in a sentence."""
        name = self.model.name_of(export.target_id)
        return f"“{name}”" if export.export_type == "index" and name else \
            (name or self.model.target_name(export))

    def _name_of(self, export_id: str) -> str:
        export = self.model.row_for(export_id)
        return self._name(export) if export is not None else "an export"

    def _unclaimed(self, path: str) -> str:
        """A path no other download of this session writes to: "name (2).json" if taken."""
        taken = {d.path for d in self._downloads.values()} | {p for _e, p in self._auto_waiting}
        stem, dot, ext = path.rpartition(".")
        n, candidate = 1, path
        while candidate in taken:
            n += 1
            candidate = f"{stem} ({n}){dot}{ext}"
        return candidate

    def _file_name(self, export: Export, precise: bool = False) -> str:
        """`<index or run name> <date>.json`: reads well, never escapes the folder."""
        run = self.runs.model.row_for(export.target_id)
        if run is not None:
            name = f"{run.prompt_name} run"
        else:
            name = self.model.name_of(export.target_id) or (
                "Index export" if export.export_type == "index" else "Run export")
        # automatic downloads add the time: several exports of one index finish in a day
        date = when(export.completed_at or export.created_at)[:19 if precise else 10]
        return download_name(name, date)

    def _recreate(self, export: Export) -> None:
        self.notifier.withdraw(export.export_id)
        self.service.recreate(export)

    # tracking ----------------------------------------------------------------------
    def _tracking_changed(self, _count: int) -> None:
        self.model.tracked = set(self.tracker.tracked_ids())

    def _finished(self, export: Export) -> None:
        self.model.upsert(export)
        self.model.tracked.discard(export.export_id)
        eid = export.export_id
        if status_text(export.status) == "failed":
            self._gather(Outcome.FAILED, eid, export.error_message or "The export failed.")
        elif export.destination_type == "connector":
            self._gather(Outcome.DELIVERED, eid, str(
                export.destination_uri or self.model.name_of(export.destination_connector_id
                                                             or "") or "its connector"))
        elif flag(self.settings.value(AUTO_DOWNLOAD), False):
            self._queue_auto(export)
        else:
            self._gather(Outcome.READY, eid, "")

    # notices: gathered for a moment, then one per kind ------------------------------
    def _gather(self, outcome: Outcome, export_id: str, detail: str) -> None:
        self._gathered.ids[outcome].append(export_id)
        self._gathered.detail[export_id] = detail
        if not self._notice_timer.isActive():
            self._notice_timer.start()

    def _tell(self) -> None:
        gathered, self._gathered = self._gathered, Gathered()
        for outcome, ids in gathered.ids.items():
            if len(ids) == 1:
                self._tell_one(outcome, ids[0], gathered.detail[ids[0]])
            elif ids:
                self._tell_many(outcome, ids, gathered.detail)

    def _tell_one(self, outcome: Outcome, eid: str, detail: str) -> None:
        if outcome is Outcome.FAILED:
            self.notifier.notify("Export failed", detail, "error",
                                 NoticeAction.EXPORT_AGAIN, eid)
        elif outcome is Outcome.DELIVERED:
            self.notifier.notify("Export delivered",
                                 f"The export of {self._name_of(eid)} was delivered to {detail}.")
        elif outcome is Outcome.DOWNLOADED:
            self.notifier.notify("Export downloaded",
                                 f"The export of {self._name_of(eid)} was saved to {detail}.")
        else:
            self.notifier.notify("Export ready",
                                 f"The export of {self._name_of(eid)} is ready to download.",
                                 "info", NoticeAction.DOWNLOAD, eid)

    def _tell_many(self, outcome: Outcome, ids: list[str], detail: dict[str, str]) -> None:
        n = len(ids)
        if outcome is Outcome.FAILED:
            self.notifier.notify(
                "Exports failed", f"{n} exports failed (the first: {detail[ids[0]]}). "
                "Select one in the Exports tab and choose Export again.", "error")
        elif outcome is Outcome.DELIVERED:
            self.notifier.notify("Exports delivered",
                                 f"{n} exports were delivered to their connectors.")
        elif outcome is Outcome.DOWNLOADED:
            self.notifier.notify("Exports downloaded", f"{n} exports were saved to "
                                 f"{self._folder()}.")
        else:
            self._ready_batch = [*self._ready_batch, *ids]
            total = len(self._ready_batch)
            self.notifier.notify(
                "Exports ready", f"{total} exports are ready. Download all saves them to "
                f"{self._folder()}, {self._max_auto()} at a time.", "info",
                NoticeAction.DOWNLOAD_ALL, READY_BATCH)

    def _download_all(self) -> None:
        batch, self._ready_batch = self._ready_batch, []
        self.notifier.withdraw(READY_BATCH)
        for eid in batch:
            if (export := self.model.row_for(eid)) is not None:
                self._queue_auto(export)

    def _gone(self, export_id: str, _problem: ApiProblem) -> None:
        self.model.set_note(export_id, "gone from the server")
        self.notifier.withdraw(export_id)

    def _notice_acted(self, action: str, export_id: str) -> None:
        export = self.model.row_for(export_id)
        if export is None:
            return
        todo = NoticeAction(action)
        if todo is NoticeAction.EXPORT_AGAIN:
            self._recreate(export)
        elif todo is NoticeAction.DOWNLOAD:
            self.ask_download(export)

    def _notice_acted_on_batch(self, action: str, key: str) -> None:
        if key == READY_BATCH and NoticeAction(action) is NoticeAction.DOWNLOAD_ALL:
            self._download_all()

    def _set_notify(self, on: bool) -> None:
        self.notifier.tray_enabled = on
        self.settings.set_value(NOTIFY, on)

    def _runs_changed(self, *_: Any) -> None:
        rows = self.runs.model.rows()
        self.pane.set_run_ids({r.run_id for r in rows})
        self.model.set_names({r.run_id: f"Run “{r.prompt_name}” of {when(r.executed_at)}"
                              for r in rows})

    # downloading -------------------------------------------------------------------
    def _folder(self) -> str:
        return str(self.settings.value(folder_key(self.session.profile_name))
                   or default_folder())

    def ask_download(self, export: Export) -> None:
        eid = export.export_id
        choice = DownloadDialog.ask(self.pane, self._folder(), self._file_name(export))
        if choice is None:
            return
        folder, name = choice
        self.settings.set_value(folder_key(self.session.profile_name), folder)
        path = str(target_path(folder, name, f"{eid}.json"))
        if (old := self.download_dialogs.pop(eid, None)) is not None:
            old.close()
            old.deleteLater()
        dlg = DownloadProgress(self.window, eid, path, f"The export of {self._name(export)}")
        dlg.cancel_requested.connect(self.downloads.cancel)
        dlg.retry_requested.connect(self._retry)
        dlg.recreate_requested.connect(self._export_again)
        self.download_dialogs[eid] = dlg
        dlg.show()
        self._start_download(export, path)

    def _max_auto(self) -> int:
        return whole(self.settings.value(MAX_AUTO_DOWNLOADS), MAX_AUTO_DOWNLOADS_DEFAULT)

    def _queue_auto(self, export: Export) -> None:
        """Download without asking, into the profile's folder; a few at a time."""
        eid = export.export_id
        path = self._unclaimed(str(target_path(self._folder(), self._file_name(export, True),
                                               f"{eid}.json")))
        self._auto_waiting.append((export, path))
        self.model.set_note(eid, "waiting to download")
        self._pump()

    def _pump(self) -> None:
        while self._auto_waiting and len(self._auto_running) < self._max_auto():
            export, path = self._auto_waiting.popleft()
            self._auto_running.add(export.export_id)
            self._start_download(export, path)

    def _auto_ended(self, export_id: str) -> None:
        if export_id in self._auto_running:
            self._auto_running.discard(export_id)
            self._pump()

    def _start_download(self, export: Export, path: str, *, overwrite: bool = False) -> None:
        total = export.file_size_bytes or 0
        self._downloads[export.export_id] = Download(path, total)
        self.model.set_note(export.export_id, "downloading")
        self.downloads.start(export.export_id, path, total=total, overwrite=overwrite)

    def _retry(self, export_id: str) -> None:
        export, job = self.model.row_for(export_id), self._downloads.get(export_id)
        if export is not None and job is not None:
            if (dlg := self.download_dialogs.get(export_id)) is not None:
                dlg.restart()
            self._start_download(export, job.path)

    def _export_again(self, export_id: str) -> None:
        if (export := self.model.row_for(export_id)) is not None:
            self._recreate(export)
        if (dlg := self.download_dialogs.get(export_id)) is not None:
            dlg.close()

    def _progress(self, export_id: str, done: int, total: int) -> None:
        if (dlg := self.download_dialogs.get(export_id)) is not None:
            dlg.set_progress(done, total)
        if total:
            self.model.set_note(export_id, f"downloading {100 * done // total} %")

    def _downloaded(self, export_id: str, path: str) -> None:
        self._auto_ended(export_id)
        dlg = self.download_dialogs.get(export_id)
        if not path:  # the file exists: ask before overwriting
            target = self._downloads[export_id].path
            export = self.model.row_for(export_id)
            if export is not None and ask.confirm(
                    self.window, "Replace file?", f"{target} already exists. Replace it?",
                    "Replace"):
                self._start_download(export, target, overwrite=True)
            else:
                self.model.set_note(export_id, "")
                if dlg is not None:
                    dlg.set_failed("Not downloaded: the file already exists.")
            return
        self.model.set_note(export_id, "saved")
        self.notifier.withdraw(export_id)  # "ready… Download" no longer applies
        if dlg is not None:
            dlg.set_done(path)
        self._gather(Outcome.DOWNLOADED, export_id, path)

    def _download_failed(self, export_id: str, problem: ApiProblem) -> None:
        self._auto_ended(export_id)
        cancelled = problem.kind is ProblemKind.CANCELLED
        expired = problem.status == EXPIRED
        self.model.set_note(export_id, "download cancelled" if cancelled
                            else "download failed")
        if expired:
            self.notifier.withdraw(export_id)  # its file is gone: nothing to download
        if (dlg := self.download_dialogs.get(export_id)) is not None:
            dlg.set_failed(str(problem), recreate=expired)
        elif not cancelled:
            self.notifier.notify("Download failed", str(problem), "error",
                                 NoticeAction.EXPORT_AGAIN if expired
                                 else NoticeAction.DOWNLOAD, export_id)

    def close(self) -> None:
        from vvdesk.ui.panes.placeholder import PlaceholderPane

        self._links.close()
        self._notice_timer.stop()
        self._auto_waiting.clear()
        for dlg in self.download_dialogs.values():
            dlg.close()
            dlg.deleteLater()
        self.download_dialogs.clear()
        self.window.set_tab("Exports", PlaceholderPane("exports"))

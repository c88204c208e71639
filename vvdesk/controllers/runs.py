"""The Runs tab: runs of the selected index or media, details, cancel, and starting a run
as one flow (prompts → the user's choice → estimate → the user's yes → start)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from vvdesk.controllers.links import Links, answer
from vvdesk.controllers.media import MediaController
from vvdesk.models.runs import RunListModel
from vvdesk.services.notifier import Notifier
from vvdesk.services.runs import RunService
from vvdesk.services.session import ApiSession
from vvdesk.ui.dialogs import ask, start_run
from vvdesk.ui.main_window import MainWindow
from vvdesk.ui.panes.runs import RunsPane
from vvdesk.vocab import run_is_terminal, status_text, words

if TYPE_CHECKING:
    from videovector import Index, PromptRun, PromptRunCostEstimate



MT_MEANS = "MT are the credits your VideoVector balance is counted in."


def scope_text(request: dict[str, Any], index: Index | None,
               est: PromptRunCostEstimate | None = None) -> str:
    """What a run request covers, in words: "3 media in “Demo archive”"."""
    target = request.get("target") or {}
    where = f" in “{index.name}”" if index is not None else ""
    if target.get("type") == "videos":
        n = len(target.get("video_ids") or [])
        return f"{n} selected media{where}" if n != 1 else f"1 selected media item{where}"
    breakdown = getattr(est, "breakdown", None)
    count = breakdown.get("media_items") if isinstance(breakdown, dict) else None
    if count is None:
        return f"every media item{where}"
    return f"all {count} media{where}"


def estimate_text(est: PromptRunCostEstimate) -> str:
    parts = [f"Estimated cost: {est.estimated_mt:g} MT"]
    if getattr(est, "current_balance_mt", None) is not None:
        parts.append(f"balance {est.current_balance_mt:g} MT")
    if getattr(est, "sufficient_balance", True) is False:
        parts.append("the balance is NOT sufficient")
    return ", ".join(parts) + "."


class RunsController:
    def __init__(self, session: ApiSession, window: MainWindow, service: RunService,
                 model: RunListModel, pane: RunsPane, media: MediaController,
                 notifier: Notifier | None = None) -> None:
        self.session, self.window, self.service = session, window, service
        self.model, self.pane, self.media = model, pane, media
        self.notifier = notifier
        self._links = Links()
        link = self._links.connect
        link(service.loaded, self._loaded)
        link(service.changed, self._changed)
        link(service.details_loaded, pane.show_details)
        link(service.prompt_created, lambda p: window.statusBar().showMessage(
            f"Created prompt “{p.name}”.", 5000))
        link(service.failed, window.show_problem)
        link(model.more_wanted, service.fetch_more)
        link(pane.start_requested, self.start)
        link(pane.new_prompt_requested, self._new_prompt)
        link(pane.cancel_requested, service.cancel)
        link(pane.details_requested, service.load_details)
        link(pane.refresh_requested, lambda: self._media_selected(pane.video_ids))
        link(window.index_changed, self._index_changed)
        link(media.pane.selection_changed, self._media_selected)
        window.set_tab("Runs", pane)
        self._index_changed(window.current_index())

    # lists -------------------------------------------------------------------------
    def _index_changed(self, index: Index | None) -> None:
        self.pane.set_index(index)
        self.model.clear()
        if index is not None:
            self.service.load_index(index.index_id)

    def _media_selected(self, video_ids: list[str]) -> None:
        self.pane.set_media(video_ids)
        if video_ids:
            self.service.load_media(video_ids)
        else:
            self._index_changed(self.pane.index)

    def _loaded(self, runs: list[PromptRun], cursor: str | None, first: bool) -> None:
        self.model.set_page(runs, cursor, first=first)

    def _changed(self, run: PromptRun) -> None:
        before = self.model.row_for(run.run_id)
        self.model.upsert(run)
        if run_is_terminal(run.status) and (before is None
                                            or not run_is_terminal(before.status)):
            self.media.run_finished(run)
            if before is not None and self.notifier is not None:  # seen running: say so
                self._tell_finished(run)

    def _tell_finished(self, run: PromptRun) -> None:
        """A run this window watched has ended: a notice in words (tray + status bar)."""
        status = status_text(run.status)
        failed = status in ("failed", "completed_with_failures")
        title = "Run finished" if status != "cancelled" else "Run cancelled"
        text = f"The run of “{run.prompt_name}” is {words(run.status).lower()}."
        if failed and run.error_message:
            text += f" {run.error_message}"
        if failed:
            text += " Its details in the Runs tab say what failed."
        assert self.notifier is not None
        self.notifier.notify(title, text, "error" if status == "failed" else "info")

    # starting ----------------------------------------------------------------------
    def start(self) -> None:
        index, video_ids = self.pane.index, list(self.pane.video_ids)
        self.session.jobs.run("runs.start", self._start_flow(index, video_ids),
                              on_error=self.service.report("Starting the run"))

    async def _start_flow(self, index: Index | None, video_ids: list[str]) -> None:
        """Form → estimate → yes; "no" at the estimate goes back to the filled-in form."""
        prompts = await self.service.prompts()
        request: dict[str, Any] | None = None
        while True:
            request = await answer(partial(start_run.StartRunDialog.ask, self.pane, prompts,
                                           index, video_ids, request))
            if request is None:
                return
            estimate = await self.service.estimate(request)
            prompt = next((p.name for p in prompts if p.prompt_id == request["prompt_id"]),
                          "the prompt")
            text = (f"Run “{prompt}” on {scope_text(request, index, estimate)}.\n\n"
                    f"{estimate_text(estimate)} {MT_MEANS}\n\nStart the run now?")
            if await answer(partial(ask.confirm, self.pane, "Start the run?", text,
                                    "Start run")):
                break
        run = await self.service.start(request)
        self.model.upsert(run)
        self.pane.select(run.run_id)
        self.window.statusBar().showMessage(
            f"Started “{run.prompt_name or prompt}” on {scope_text(request, index)}.", 5000)

    def _new_prompt(self) -> None:
        reply = start_run.NewPromptDialog.ask(self.pane)
        if reply is not None:
            self.service.create_prompt(*reply)

    def close(self) -> None:
        from vvdesk.ui.panes.placeholder import PlaceholderPane

        self._links.close()
        self.window.set_tab("Runs", PlaceholderPane("runs"))

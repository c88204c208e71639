"""Wire the Runs tab: runs of the selected index/media, details, cancel, start with estimate."""

from __future__ import annotations

from typing import Any

from vvdesk.models.runs import RunListModel
from vvdesk.services.runs import RunService
from vvdesk.ui.dialogs import ask
from vvdesk.ui.dialogs.start_run import NewPromptDialog, StartRunDialog
from vvdesk.ui.panes.runs import RunsPane
from vvdesk.wiring import SessionContext

ORDER = 30


def estimate_text(est: Any) -> str:
    parts = [f"Estimated cost: {est.estimated_mt:g} MT"]
    if getattr(est, "current_balance_mt", None) is not None:
        parts.append(f"balance {est.current_balance_mt:g} MT")
    if getattr(est, "sufficient_balance", True) is False:
        parts.append("the balance is NOT sufficient")
    return ", ".join(parts) + "."


def bind(ctx: SessionContext) -> None:
    s, w, wire = ctx.session, ctx.window, ctx.wire
    service = RunService(s, s)
    model = RunListModel(s)
    pane = RunsPane(model)
    ctx.services.update(runs=service, runs_model=model, runs_pane=pane)
    state: dict[str, Any] = {"starting": False}

    def load_index(index: Any | None) -> None:
        pane.set_index(index)
        model.clear()
        if index is not None:
            service.load_index(index.index_id)

    def media_selected(video_ids: list[str]) -> None:
        pane.set_media(video_ids)
        if video_ids:
            service.load_media(video_ids)
        else:
            load_index(pane.index)

    def start() -> None:
        state["starting"] = True
        service.load_prompts()

    def prompts(items: list[Any]) -> None:
        if not state.pop("starting", False):
            return
        request = StartRunDialog.ask(pane, items, pane.index, pane.video_ids)
        if request is not None:
            service.estimate(request)

    def estimated(request: dict[str, Any], est: Any) -> None:
        if ask.confirm(pane, "Start the run?", estimate_text(est) + " Start the run now?",
                       "Start run"):
            service.execute(request)

    def started(run: Any) -> None:
        model.upsert(run)
        pane.select(run.run_id)
        w.statusBar().showMessage(f"Started run {run.run_id} ({run.prompt_name}).", 5000)

    def new_prompt() -> None:
        answer = NewPromptDialog.ask(pane)
        if answer is not None:
            service.create_prompt(*answer)

    wire(service.loaded, lambda runs, more, first: model.set_page(runs, more, first=first))
    wire(service.changed, model.upsert)
    wire(service.details_loaded, pane.show_details)
    wire(service.prompts_loaded, prompts)
    wire(service.prompt_created, lambda p: w.statusBar().showMessage(
        f"Created prompt “{p.name}”.", 5000))
    wire(service.estimated, estimated)
    wire(service.started, started)
    wire(service.failed, w.show_problem)
    wire(model.more_requested, service.fetch_more)
    wire(pane.start_requested, start)
    wire(pane.new_prompt_requested, new_prompt)
    wire(pane.cancel_requested, service.cancel)
    wire(pane.details_requested, service.load_details)
    wire(pane.refresh_requested, lambda: media_selected(pane.video_ids))
    wire(w.indexes.current_changed, load_index)
    wire(w.media_selected, media_selected)
    w.set_tab("Runs", pane)
    load_index(w.indexes.current_index())

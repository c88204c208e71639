"""Wire the Media tab (list, details, segments, delete, register, status poll) to its service."""

from __future__ import annotations

from typing import Any

from vvdesk.models.media import MediaModel
from vvdesk.models.segments import SegmentModel
from vvdesk.services.media import MediaService
from vvdesk.ui.panes.media import MediaPane
from vvdesk.wiring import SessionContext

ORDER = 20


def bind(ctx: SessionContext) -> None:
    s, w, wire = ctx.session, ctx.window, ctx.wire
    service = MediaService(s, s)
    model, segments = MediaModel(s), SegmentModel(s)
    pane = MediaPane(model, segments)
    ctx.services["media"] = service
    ctx.services["media_pane"] = pane
    current: dict[str, Any] = {"video": None, "run": ""}

    def scope_changed(scope: str | None) -> None:
        model.clear()
        segments.clear()
        service.watch([])
        service.load(scope)

    def page_loaded(scope: str, rows: list[Any], cursor: str | None, first: bool) -> None:
        if scope != pane.scope():
            return
        model.set_page(rows, cursor, first=first)
        service.watch(model.in_progress_ids())

    def statuses(items: list[Any]) -> None:
        model.apply_statuses(items)
        video = current["video"]
        if video is not None and any(st.video_id == video.video_id for st in items):
            pane.details.labels["Status"].setText(
                next(str(st.status) for st in items if st.video_id == video.video_id))

    def selection(ids: list[str]) -> None:
        w.media_selected.emit(ids)
        video = pane.current_video()
        current["video"] = video
        if video is None:
            pane.details.show_video(None, [])
        else:
            service.details(video.video_id)

    def details_loaded(video: Any, runs: list[Any]) -> None:
        if current["video"] is not None and video.video_id == current["video"].video_id:
            pane.details.show_video(video, runs)

    def segments_requested(video_id: str, run_id: str) -> None:
        current["run"] = run_id
        segments.clear()
        service.segments(video_id, run_id or None)

    def segments_loaded(video_id: str, rows: list[Any], cursor: str | None,
                        first: bool) -> None:
        if current["video"] is not None and video_id == current["video"].video_id:
            segments.set_page(rows, cursor, first=first)

    def more_segments(cursor: str) -> None:
        if current["video"] is not None:
            service.segments(current["video"].video_id, current["run"] or None, cursor)

    def deleted(video_id: str) -> None:
        model.remove(video_id)
        w.statusBar().showMessage("Media deleted.", 5000)

    def registered(job: Any) -> None:
        w.statusBar().showMessage(f"Registered media (import {job.job_id}: {job.status}).",
                                  8000)

    wire(pane.scope_changed, scope_changed)
    wire(pane.refresh_requested, lambda: service.load(pane.scope()))
    wire(pane.selection_changed, selection)
    wire(pane.segments_requested, segments_requested)
    wire(pane.delete_requested, service.delete)
    wire(pane.register_requested, service.register)
    wire(model.more_wanted, lambda cursor: service.load(pane.scope(), cursor))
    wire(segments.more_wanted, more_segments)
    wire(service.page_loaded, page_loaded)
    wire(service.statuses, statuses)
    wire(service.details_loaded, details_loaded)
    wire(service.segments_loaded, segments_loaded)
    wire(service.deletion_progress, model.set_deletion)
    wire(service.deleted, deleted)
    wire(service.registered, registered)
    wire(service.failed, w.show_problem)
    w.set_tab("Media", pane)


def unbind(ctx: SessionContext) -> None:
    from vvdesk.ui.panes.placeholder import PlaceholderPane

    ctx.window.set_tab("Media", PlaceholderPane("media"))

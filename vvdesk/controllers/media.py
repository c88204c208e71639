"""The Media tab: pages of the index's media (or the playground), details, segments,
delete, register, the status poll, and reloads when uploads or runs finish."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vvdesk.controllers.links import Links
from vvdesk.models.media import MediaModel
from vvdesk.models.segments import SegmentModel
from vvdesk.services.media import MediaService
from vvdesk.services.media_facts import MediaFactsService
from vvdesk.services.thumbnails import ThumbnailService
from vvdesk.settings import Settings
from vvdesk.ui.main_window import MainWindow
from vvdesk.ui.panes.media import MediaPane
from vvdesk.vocab import words

if TYPE_CHECKING:
    from videovector import ImportJob, PromptRun, Segment, Video, VideoStatus

    from vvdesk.api.media_probe import MediaProbe

GRID_KEY = "media/grid"  # the media list shown as a thumbnail grid


class MediaController:
    def __init__(self, window: MainWindow, settings: Settings, service: MediaService,
                 thumbnails: ThumbnailService, facts: MediaFactsService, model: MediaModel,
                 segments: SegmentModel, pane: MediaPane) -> None:
        self.window, self.settings, self.service = window, settings, service
        self.thumbnails, self.facts = thumbnails, facts
        self.model, self.segments, self.pane = model, segments, pane
        self.video: Video | None = None  # the one selected media whose details are shown
        self._run = ""  # the run whose segments are shown ('' = latest)
        self._links = Links()
        link = self._links.connect
        link(pane.scope_changed, self._scope_changed)
        link(pane.refresh_requested, self.reload)
        link(pane.selection_changed, self._selection)
        link(pane.segments_requested, self._segments_requested)
        link(pane.delete_requested, service.delete)
        link(pane.register_requested, service.register)
        link(model.more_wanted, lambda cursor: service.load(pane.scope(), cursor))
        link(segments.more_wanted, self._more_segments)
        link(service.page_loaded, self._page_loaded)
        link(service.page_failed, self._page_failed)
        link(service.statuses, self._statuses)
        link(service.details_loaded, self._details_loaded)
        link(service.segments_loaded, self._segments_loaded)
        link(service.deletion_progress, model.set_deletion)
        link(service.deleted, self._deleted)
        link(service.registered, self._registered)
        link(service.failed, window.show_problem)
        link(pane.visible_changed, self._visible)
        link(pane.grid_toggled, lambda on: settings.set_value(GRID_KEY, on))
        link(thumbnails.pictures, model.set_pictures)
        link(thumbnails.failed, window.show_problem)
        link(facts.facts, self._facts_read)
        link(facts.failed, window.show_problem)
        pane.set_grid(settings.value(GRID_KEY, False) in (True, "true"))
        window.set_tab("Media", pane)

    # what other features tell us ----------------------------------------------------
    def reload(self) -> None:
        """The list of the scope shown (rows update in place) and the open details."""
        self.service.load(self.pane.scope())
        self.thumbnails.forget_absent()
        self.facts.forget_failed()
        self._visible(self.pane.visible_ids())  # the rows on screen ask again at once
        if self.video is not None:
            self.service.details(self.video.video_id)

    def uploads_finished(self, index_ids: set[str | None]) -> None:
        for index_id in index_ids:
            self.service.refresh_if(index_id)

    def run_finished(self, run: PromptRun) -> None:
        """A run settled: statuses and segments of the media it ran on changed."""
        if self.pane.scope() is not None:
            self.reload()

    # list --------------------------------------------------------------------------
    def _visible(self, video_ids: list[str]) -> None:
        """Thumbnails for the rows on screen that have none in memory; in the list, also
        the length, size and dimensions of those that miss any."""
        self.thumbnails.want([i for i in video_ids if not self.model.has_picture(i)])
        if self.pane.views.currentWidget() is self.pane.table:
            self.facts.want([(i, row.video_uri) for i in video_ids
                             if (row := self.model.row_for(i)) is not None
                             and not self.model.facts_complete(i)])

    def _facts_read(self, found: dict[str, MediaProbe]) -> None:
        for video_id, probe in found.items():
            self.model.set_facts(video_id, duration=probe.duration, size=probe.size,
                                 width=probe.width, height=probe.height)

    def _scope_changed(self, scope: str | None) -> None:
        self.model.clear()
        self.segments.clear()
        self.service.watch([])
        self.service.load(scope)

    def _page_loaded(self, scope: str, rows: list[Video], cursor: str | None,
                     first: bool) -> None:
        if scope != self.pane.scope():
            return
        self.model.set_page(rows, cursor, first=first)
        self.service.watch(self.model.in_progress_ids())

    def _page_failed(self, scope: str, problem: object) -> None:
        if scope == self.pane.scope():
            self.model.set_problem(f"The media could not be loaded: {problem}")

    def _statuses(self, items: list[VideoStatus]) -> None:
        self.model.apply_statuses(items)
        if self.video is not None:
            for st in items:
                if st.video_id == self.video.video_id:
                    self.pane.details.labels["Status"].setText(words(st.status))

    def _deleted(self, video_id: str) -> None:
        self.model.remove(video_id)
        self.window.statusBar().showMessage("Media deleted.", 5000)

    def _registered(self, job: ImportJob) -> None:
        self.window.statusBar().showMessage(
            f"Registered media (import {job.job_id}: {job.status}).", 8000)

    # one media ---------------------------------------------------------------------
    def _selection(self, ids: list[str]) -> None:
        self.video = self.pane.current_video()
        if self.video is None:
            self.pane.details.show_video(None, [])
        else:
            self.service.details(self.video.video_id)

    def _details_loaded(self, video: Video, runs: list[PromptRun]) -> None:
        if self.video is not None and video.video_id == self.video.video_id:
            self.video = video
            self.pane.details.show_video(video, runs)

    def _segments_requested(self, video_id: str, run_id: str) -> None:
        self._run = run_id
        self.segments.clear()
        self.service.segments(video_id, run_id or None)

    def _segments_loaded(self, video_id: str, rows: list[Segment], cursor: str | None,
                         first: bool) -> None:
        if self.video is not None and video_id == self.video.video_id:
            self.segments.set_page(rows, cursor, first=first)
            if cursor is None and rows:  # every segment is in: the last one ends the media
                self.model.set_facts(video_id, duration=max(s.end_time for s in rows))

    def _more_segments(self, cursor: str) -> None:
        if self.video is not None:
            self.service.segments(self.video.video_id, self._run or None, cursor)

    def close(self) -> None:
        from vvdesk.ui.panes.placeholder import PlaceholderPane

        self._links.close()
        self.window.set_tab("Media", PlaceholderPane("media"))

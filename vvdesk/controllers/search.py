"""The Search tab: searches as the user types or filters, result pages, the fields of the
index, copying the search as code, and opening a result in the Media tab at its segment."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QAction, QGuiApplication, QImage, QKeySequence

from vvdesk.controllers.links import Links
from vvdesk.controllers.media import MediaController
from vvdesk.models.search import SearchResultModel
from vvdesk.search_query import SearchKind, SearchRequest, as_curl, as_sdk
from vvdesk.services.result_strips import StripService
from vvdesk.services.search import FieldInfo, Page, RunInfo, SearchService
from vvdesk.services.session import ApiSession
from vvdesk.ui.main_window import MainWindow
from vvdesk.ui.panes.search import CopyAs, Field, SearchPane

if TYPE_CHECKING:
    from videovector import SearchResult, Video


OpenPreview = Callable[["Video", float], None]


class SearchController:
    def __init__(self, session: ApiSession, window: MainWindow, service: SearchService,
                 model: SearchResultModel, pane: SearchPane, media: MediaController,
                 strips: StripService, open_preview: OpenPreview | None = None) -> None:
        """open_preview(video, seconds): the media pane's player, to start a result at its
        segment (None: the result's segment is selected in the media details only)."""
        self.session, self.window, self.service = session, window, service
        self.model, self.pane, self.media = model, pane, media
        self.strips = strips
        self.open_preview = open_preview
        # video, segment, start, run of the result to show (its run's segments are listed)
        self.opening: tuple[str, str, float, str] | None = None
        self._pinned = False
        self._previewed = ""  # the opened media the preview was asked to start
        self.matches: list[Any] = []  # “all matches in this media”: what is selected
        self._matches_run = ""
        self._cursor: str | None = None
        self._own_action: QAction | None = None
        self._links = Links()
        link = self._links.connect
        link(pane.search_requested, self.search)
        link(pane.cleared, service.cancel)
        link(pane.more_requested, self.more)
        link(pane.open_requested, self.open_result)
        link(pane.all_in_media_requested, self.all_in_media)
        link(service.media_matches, self._media_matches)
        link(pane.copy_requested, self.copy)
        link(pane.strip_wanted, strips.want)
        link(strips.ready, pane.show_strip)
        link(strips.failed, lambda _a, _p: pane.strip.show_note(
            "The pictures around this result could not be loaded; select it again to retry."))
        link(pane.moment_requested, self.open_moment)
        link(pane.fields_wanted, service.load_fields)
        link(pane.playground_runs_wanted, service.load_playground_runs)
        link(service.playground_runs_loaded,
             lambda runs: pane.set_playground_runs([(r.run_id, r.label) for r in runs]))
        link(pane.image_chosen, service.load_picture)
        link(service.picture_loaded, self._picture_loaded)
        link(media.pane.player.find_frame, self.find_frame)
        link(service.page_loaded, self._page_loaded)
        link(service.fields_loaded, self._fields_loaded)
        link(service.failed, self._failed)
        indexes = window.index_model
        for signal in (indexes.rowsInserted, indexes.rowsRemoved, indexes.modelReset,
                       indexes.dataChanged, indexes.merge_done):
            link(signal, self._indexes_changed)
        segments = media.segments
        link(segments.rowsInserted, self._segments_arrived)
        link(segments.modelReset, self._segments_arrived)
        link(media.service.details_loaded, self._segments_arrived)
        self.act_find = self._find_action()
        link(self.act_find.triggered, self.focus)
        window.set_tab("Search", pane)
        self._indexes_changed()

    def _find_action(self) -> QAction:
        """Ctrl+F anywhere in the window: the main window's Search action when it has one,
        else one of ours (removed again on close)."""
        existing = getattr(self.window, "act_search", None)
        if isinstance(existing, QAction):
            existing.setEnabled(True)
            return existing
        act = QAction("Search", self.window)
        act.setShortcut(QKeySequence.StandardKey.Find)
        act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.window.addAction(act)
        self._own_action = act
        return act

    # searching -----------------------------------------------------------------------
    def search(self, request: SearchRequest) -> None:
        self._cursor = None
        self.service.search(request)

    def more(self) -> None:
        if self.service.request is not None and self._cursor:
            self.service.search(self.service.request, self._cursor)

    def focus(self) -> None:
        self.window.tabs.setCurrentWidget(self.pane)
        self.pane.focus_query()

    def _page_loaded(self, page: Page) -> None:
        self._cursor = page.cursor
        self.pane.show_page(page.request, page.rows, page.thumbs, page.cursor, page.first)
        if page.problem is not None:  # some results could not be read: the others are shown
            self.window.show_problem("Reading the search results", page.problem)

    def find_frame(self, picture: QImage, seconds: float) -> None:
        """“Find this frame” in the player: an image search by it, shown in the Search tab."""
        video = self.media.video
        title = video.title if video is not None and video.title else "the media"
        said = f"a frame of “{title}” at {_clock(seconds)}"
        self.window.tabs.setCurrentWidget(self.pane)
        if not self.pane.scope_ids()[0]:
            self.pane.show_status("Searching by a picture works in indexes, not in the "
                                  "playground: choose an index in “Search in”, then Find this "
                                  "frame again.")
            return
        self.pane.show_status(f"Searching by {said}…")
        self.service.encode_frame(picture, said)

    def _picture_loaded(self, name: str, data: str, said: str) -> None:
        request = self.pane.request(image=(name, data), image_said=said)
        if request.has_scope:
            self.pane.show_status(f"Searching {request.what()}…")
            self.search(request)

    def _fields_loaded(self, index_id: str, fields: list[FieldInfo], runs: list[RunInfo]) -> None:
        if self.pane.index is not None and self.pane.index.index_id == index_id:
            self.pane.set_fields([Field(f.path, f.value_type, f.values) for f in fields],
                                 [(r.run_id, r.label) for r in runs])

    def _failed(self, action: str, problem: Any) -> None:
        self.pane.show_status(f"{action} failed: {problem}")
        self.window.show_problem(action, problem)

    def _indexes_changed(self, *_: object) -> None:
        if self.window.index_model.is_merging:  # once at merge_done, not once per slice
            return
        self.pane.set_indexes(self.window.index_model.rows())

    # as code -------------------------------------------------------------------------
    def copy_text(self, kind: CopyAs) -> str:
        request = self.service.request or self.pane.request()
        base = self.session.base_url
        return as_curl(request, base) if kind is CopyAs.CURL else as_sdk(request, base)

    def copy(self, kind: CopyAs) -> None:
        QGuiApplication.clipboard().setText(self.copy_text(kind))
        what = "curl command" if kind is CopyAs.CURL else "SDK call"
        self.window.statusBar().showMessage(
            f"Copied the search as a {what}. Set VIDEO_VECTOR_API_KEY before running it.", 8000)

    # opening a result ------------------------------------------------------------------
    def all_in_media(self, result: SearchResult) -> None:
        self._matches_run = result.run_id or ""
        if self.service.request is not None:
            self.pane.show_status(f"Finding every match in “{result.video_name or 'the media'}”…")
            self.service.matches_in(self.service.request, result.video_id)

    def _media_matches(self, video_id: str, rows: list[Any]) -> None:
        """The matches of the run the clicked result came from (its segments are listed)."""
        if self._matches_run:
            rows = [r for r in rows if (r.run_id or "") == self._matches_run]
        if not rows:
            self.pane.show_status("This media has no matches for the search any more.")
            return
        self.open_result(rows[0], rows)
        player = self.media.pane.player
        player.set_matches(video_id, [(float(r.start_time or 0),
                                       float(r.end_time or r.start_time or 0)) for r in rows])
        player.setFocus()  # N / Shift+N go from match to match at once
        request = self.service.request
        what = request.what() if request is not None else "the search"
        n = len(rows)
        self.pane.show_status(f"{n} match{'es' if n != 1 else ''} for {what} in "
                              f"“{rows[0].video_name or 'the media'}”: marked on its timeline "
                              "in the Media tab (N / Shift+N: next / previous match).")

    def open_moment(self, result: SearchResult, frame: Any) -> None:
        """A picture of the result's strip clicked: its media at that segment."""
        self.open_result(result.model_copy(update={
            "segment_id": frame.segment_id, "start_time": frame.start,
            "end_time": frame.end}))

    def open_result(self, result: SearchResult, matches: list[Any] | None = None) -> None:
        """Media tab, that index, that media selected, its segment selected in the details
        (the preview, once there is one, is to seek to the segment's start)."""
        index_id = result.source_index_id or (self.pane.scope_ids()[0])
        current = self.window.current_index()
        if index_id and (current is None or current.index_id != index_id):
            self.window.indexes.select(index_id)
        pane = self.media.pane
        request = self.service.request
        playground = request is not None and (request.kind is SearchKind.PLAYGROUND
                                              or request.in_playground)
        if pane.playground.isChecked() != playground:
            pane.playground.setChecked(playground)  # where the media is listed
        self.window.tabs.setCurrentWidget(pane)
        self.opening = (result.video_id, result.segment_id or "", float(result.start_time or 0),
                        result.run_id or result.prompt_run_id or "")
        self._previewed, self._pinned = "", False
        self.matches = list(matches or [])
        if not self.matches:
            self.media.pane.player.set_matches("", [])  # one result: no marks of an older one
        pane.reveal(result.video_id)
        self._segments_arrived()
        start = _clock(result.start_time)
        self.window.statusBar().showMessage(
            f"Opened “{result.video_name or 'the media'}” at {start}.", 6000)

    def _segments_arrived(self, *_: object) -> None:
        """Select the opened result's segment once the media's segments are listed."""
        if self.opening is None:
            return
        video_id, segment_id, start, run_id = self.opening
        video = self.media.video
        if video is None or video.video_id != video_id:
            return
        details = self.media.pane.details
        if run_id and not self._pinned and details.video is not None and (
                details.video.video_id == video_id):
            self._pinned = True
            if details.run_selector.findData(run_id) >= 0:
                details.pin_run(run_id)  # the segments of the run the result came from
            else:
                run_id = ""  # not among the media's runs: match the segment by its time
                self.opening = (video_id, "", start, "")
                segment_id = ""
        if self.open_preview is not None and self._previewed != video_id:
            self._previewed = video_id
            self.open_preview(video, start)
        segments = self.media.segments
        row = segments.row_of(segment_id) if segment_id else -1
        if row < 0 and not segment_id:
            row = next((i for i, s in enumerate(segments.rows())
                        if float(s.start_time or 0) <= start < float(s.end_time or 0)), -1)
        if row < 0:
            return
        view = self.media.pane.details.segments
        view.setCurrentIndex(segments.index(row, 0, QModelIndex()))
        view.selectRow(row)
        view.scrollTo(segments.index(row, 0))
        if self.matches:
            picked = QItemSelection()
            for r in self.matches:
                i = segments.row_of(r.segment_id or "")
                if i >= 0:
                    last = segments.index(i, len(segments.columns) - 1)
                    picked.select(segments.index(i, 0), last)
            view.selectionModel().select(picked, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.opening = None

    def close(self) -> None:
        from vvdesk.ui.panes.placeholder import PlaceholderPane

        self._links.close()
        self.service.cancel()
        if self._own_action is not None:
            self.window.removeAction(self._own_action)
            self._own_action.deleteLater()
        else:
            self.act_find.setEnabled(False)  # the window's: nothing to search until connected
        self.window.set_tab("Search", PlaceholderPane("search"))


def _clock(seconds: float | None) -> str:
    s = int(seconds or 0)
    return f"{s // 60}:{s % 60:02d}"

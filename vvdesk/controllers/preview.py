"""The preview beside the media details: which bytes to play (local original or signed
link), the segment timeline, and the segment list and timeline following playback.

`open_at(video, seconds)` is the way in for other features (search results): it selects the
media when its row is listed and starts the preview at that moment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex

from vvdesk.controllers.links import Links
from vvdesk.controllers.media import MediaController
from vvdesk.models.keyed import OBJECT_ROLE
from vvdesk.services.preview import PreviewService, PreviewSource
from vvdesk.ui.main_window import MainWindow
from vvdesk.ui.widgets.segment_timeline import span_of

if TYPE_CHECKING:
    from videovector import Video


class PreviewController:
    def __init__(self, window: MainWindow, service: PreviewService,
                 media: MediaController) -> None:
        self.window, self.service, self.media = window, service, media
        self.player = media.pane.player
        self.video: Video | None = None  # what the preview shows (or is opening)
        self.source: PreviewSource | None = None
        self._seek_at: float | None = None  # where to start once the media is loaded
        self._links = Links()
        link = self._links.connect
        segments = media.segments
        link(media.pane.selection_changed, self._selection)
        link(service.ready, self._ready)
        link(service.failed, window.show_problem)
        link(self.player.duration_known, lambda s: self._facts(duration=s))
        link(self.player.dimensions_known, lambda w, h: self._facts(width=w, height=h))
        link(self.player.position_changed, self._follow)
        link(self.player.problem, lambda text: window.statusBar().showMessage(text, 15000))
        link(self.player.loaded, self._apply_seek)
        link(media.pane.details.segments.clicked, self._segment_clicked)
        for sig in (segments.rowsInserted, segments.rowsRemoved, segments.modelReset,
                    segments.dataChanged):
            link(sig, self._spans)

    # the way in -----------------------------------------------------------------------
    def open_at(self, video: Video, seconds: float = 0.0) -> None:
        """Preview `video` from `seconds` (selected in the list when it is listed there)."""
        self._seek_at = seconds
        if self.video is not None and self.video.video_id == video.video_id and (
                self.source is not None):
            self._apply_seek()
            return
        if not self.media.pane.select(video.video_id):
            self._open(video)

    # selection → source --------------------------------------------------------------
    def _selection(self, ids: list[str]) -> None:
        video = self.media.pane.current_video()
        if video is None:
            self.video, self.source = None, None
            self.player.clear()
            return
        if self.video is None or self.video.video_id != video.video_id:
            self._open(video)

    def _open(self, video: Video) -> None:
        self.video, self.source = video, None
        self.player.keep_matches_for(video.video_id)
        self.player.clear()
        self.service.open(video)

    def _ready(self, source: PreviewSource) -> None:
        if self.video is None or source.video_id != self.video.video_id:
            return
        self.source = source
        self.player.show_media(source.kind, source.url, source.image)
        self._spans()
        if source.size is not None:
            self._facts(size=source.size)
        if source.image is not None:
            self._apply_seek()  # nothing to load: a picture has no position

    def _apply_seek(self) -> None:
        """Seek where asked once the media can take it (a picture: nothing to seek)."""
        if self._seek_at is None or self.source is None:
            return
        if self.player.playable() and not self.player.is_loaded():
            return  # `loaded` calls again
        self.player.seek_to(self._seek_at)
        self._seek_at = None

    def _facts(self, **known: object) -> None:
        if self.video is not None:
            self.media.model.set_facts(self.video.video_id, **known)

    # timeline and segment list ---------------------------------------------------------
    def _spans(self, *_: object) -> None:
        if self.video is None:
            return
        rows = [s for s in self.media.segments.rows() if s.video_id == self.video.video_id]
        self.player.timeline.set_spans([span_of(s) for s in rows])

    def _segment_clicked(self, index: QModelIndex) -> None:
        segment = index.data(OBJECT_ROLE)
        if segment is not None:
            self.player.seek_to(float(segment.start_time))

    def _follow(self, seconds: float) -> None:
        """Playback moved: the segment under the playhead is the selected one, in both."""
        span = self.player.timeline.span_at_time(seconds)
        if span is None:
            return
        self.player.timeline.select(span.key)
        table = self.media.pane.details.segments
        row = self.media.segments.row_of(span.key)
        current = table.currentIndex()
        if row >= 0 and (not current.isValid() or current.row() != row):
            flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                     | QItemSelectionModel.SelectionFlag.Rows)
            table.selectionModel().setCurrentIndex(self.media.segments.index(row, 0), flags)
            table.scrollTo(self.media.segments.index(row, 0))

    def close(self) -> None:
        self._links.close()
        self.player.stop()
        self.service.close()

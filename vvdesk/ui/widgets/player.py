"""The preview: a video/audio player (QtMultimedia) or an image viewer with zoom, and the
segment timeline under it.

It plays what it is given (`show_media`): a local file or a signed link. QMediaPlayer
fetches a link itself, so none of the app's headers (the API key) ever go with it.
Keys: Space / K play-pause, ←/→ one frame, J / L ten seconds back / forward, N / Shift+N
the next / previous search match marked on the timeline.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QImage,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
    QShortcut,
    QWheelEvent,
)
from PySide6.QtMultimedia import QAudioOutput, QMediaMetaData, QMediaPlayer, QVideoFrame, QVideoSink
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vvdesk.ui.widgets.segment_timeline import SegmentTimeline, clock
from vvdesk.vocab import MediaKind

log = logging.getLogger(__name__)
JUMP_MS = 10_000
DEFAULT_FPS = 25.0


class ImageView(QScrollArea):
    """A picture with zoom: Ctrl+wheel or +/−; 'Fit' shows it whole."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWidget(self.label)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWidgetResizable(False)
        self.image = QImage()
        self.zoom = 1.0
        self.fit = True

    def set_image(self, image: QImage | None) -> None:
        self.image = image if image is not None else QImage()
        self.fit = True
        self._render()

    def zoom_by(self, factor: float) -> None:
        if self.image.isNull():
            return
        self.zoom = max(0.05, min(16.0, self._scale() * factor))
        self.fit = False
        self._render()

    def fit_to_window(self) -> None:
        self.fit = True
        self._render()

    def _scale(self) -> float:
        if not self.fit or self.image.isNull():
            return self.zoom
        room = self.viewport().size()
        return min(1.0, room.width() / self.image.width(), room.height() / self.image.height())

    def _render(self) -> None:
        if self.image.isNull():
            self.label.clear()
            self.label.resize(0, 0)
            return
        scale = self._scale()
        size = QSize(max(1, round(self.image.width() * scale)),
                     max(1, round(self.image.height() * scale)))
        self.label.setPixmap(QPixmap.fromImage(self.image.scaled(
            size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)))
        self.label.resize(size)

    def resizeEvent(self, e: Any) -> None:
        super().resizeEvent(e)
        if self.fit:
            self._render()

    def wheelEvent(self, e: QWheelEvent) -> None:
        if e.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom_by(1.25 if e.angleDelta().y() > 0 else 0.8)
            e.accept()
        else:
            super().wheelEvent(e)


class FrameView(QWidget):
    """The current video frame, painted in a plain widget (aspect kept, letterboxed): no
    native window, so it shows in grabs and offscreen, and follows the palette."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sink: QVideoSink | None = None  # made with the player (it loads FFmpeg)
        self.frame = QVideoFrame()
        self.setMinimumSize(160, 90)

    @property
    def sink(self) -> QVideoSink:
        if self._sink is None:
            self._sink = QVideoSink(self)
            self._sink.videoFrameChanged.connect(self._frame)
        return self._sink

    def _frame(self, frame: QVideoFrame) -> None:
        self.frame = frame
        self.update()

    def clear(self) -> None:
        self.frame = QVideoFrame()
        self.update()

    def paintEvent(self, _e: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Shadow))
        if self.frame.isValid():
            size = self.frame.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
            x, y = (self.width() - size.width()) / 2, (self.height() - size.height()) / 2
            options = QVideoFrame.PaintOptions()
            self.frame.paint(p, QRectF(x, y, size.width(), size.height()), options)
        p.end()


class PlayerPanel(QWidget):
    position_changed = Signal(float)  # seconds, while playing or after a seek
    duration_known = Signal(float)  # seconds
    dimensions_known = Signal(int, int)  # width, height of the video (or the image)
    problem = Signal(str)  # what went wrong playing, in plain words
    loaded = Signal()  # the media is loaded: a seek now lands
    find_frame = Signal(QImage, float)  # “Find this frame”: the picture shown, at seconds

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind: MediaKind | None = None
        self.source = QUrl()
        self._player: QMediaPlayer | None = None  # made on first use (it loads the sound stack)
        self._audio: QAudioOutput | None = None
        self.video = FrameView()
        self.audio_face = QLabel("Audio")  # what shows instead of a picture for audio
        self.audio_face.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image = ImageView()
        self.empty = QLabel("Select a media item to preview it.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stage = QStackedWidget()
        for face in (self.empty, self.video, self.audio_face, self.image):
            self.stage.addWidget(face)
        self.stage.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        self.play_button = self._button("Play", "Play / pause (Space, K)", self.toggle)
        self.back_frame = self._button("◀|", "One frame back (←)", lambda: self.step(-1))
        self.next_frame = self._button("|▶", "One frame forward (→)", lambda: self.step(1))
        self.seek = QSlider(Qt.Orientation.Horizontal)
        self.seek.setToolTip("Position")
        self.seek.setMinimumWidth(80)  # at 1024 px the row left it 0 px: no seek bar at all
        self.seek.sliderMoved.connect(lambda ms: self.seek_to(ms / 1000))
        self.time = QLabel(self._time_text(0, 0))
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setRange(0, 100)
        self.volume.setValue(80)
        self.volume.setMaximumWidth(70)
        self.volume.setMinimumWidth(40)
        self.volume.setAccessibleName("Volume")  # (no "Vol" label: at 1024 px it left the
        # slider 0 px wide; the tooltip and the name say what it is)
        self.volume.setToolTip("Volume")
        self.volume.valueChanged.connect(self._volume)
        self.zoom_in = self._button("+", "Zoom in (Ctrl+wheel)", lambda: self.image.zoom_by(1.25))
        self.zoom_out = self._button("−", "Zoom out", lambda: self.image.zoom_by(0.8))
        self.zoom_fit = self._button("Fit", "Show the whole picture", self.image.fit_to_window)
        self.find_button = self._button("Find this frame",
                                 "Search for segments that look like the picture shown "
                                 "(Ctrl+Shift+F)", self.find_this_frame)
        self.timeline = SegmentTimeline()
        self.timeline.seek_requested.connect(self.seek_to)
        self.matches_of = ""  # the media the marked matches belong to
        self.prev_match = self._button("◀ Match", "The previous search match (Shift+N)",
                                       lambda: self.go_to_match(-1))
        self.next_match = self._button("Match ▶", "The next search match (N)",
                                       lambda: self.go_to_match(1))
        self.match_label = QLabel()

        controls = QHBoxLayout()
        for w in (self.play_button, self.back_frame, self.next_frame):
            controls.addWidget(w)
        controls.addWidget(self.seek, 1)
        controls.addWidget(self.time)
        controls.addWidget(self.volume)
        for w in (self.zoom_out, self.zoom_in, self.zoom_fit):
            controls.addWidget(w)
        matches = QHBoxLayout()
        for part in (self.prev_match, self.match_label, self.next_match):
            matches.addWidget(part)
        matches.addStretch(1)
        # (not beside the seek bar: at 1024 px it squeezed it)
        matches.addWidget(self.find_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.stage, 1)
        lay.addLayout(controls)
        lay.addWidget(self.timeline)
        lay.addLayout(matches)

        # what each key does is said too: Help → Keyboard shortcuts lists it from here
        for keys, what, slot in (
                ("Space", "Preview: play or pause", self.toggle),
                ("K", "Preview: play or pause", self.toggle),
                ("J", "Preview: ten seconds back", lambda: self.jump(-JUMP_MS)),
                ("L", "Preview: ten seconds on", lambda: self.jump(JUMP_MS)),
                ("Left", "Preview: one frame back", lambda: self.step(-1)),
                ("Right", "Preview: one frame on", lambda: self.step(1)),
                ("N", "Preview: the next search match", lambda: self.go_to_match(1)),
                ("Shift+N", "Preview: the previous search match", lambda: self.go_to_match(-1)),
                ("Ctrl+Shift+F", "Preview: find this frame", self.find_this_frame)):
            sc = QShortcut(QKeySequence(keys), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.setWhatsThis(what)
            sc.activated.connect(slot)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.show_media(None, QUrl())
        self.set_matches("", [])

    @property
    def player(self) -> QMediaPlayer:
        if self._player is None:
            self._player = QMediaPlayer(self)
            self._audio = QAudioOutput(self)
            self._audio.setVolume(self.volume.value() / 100)
            self._player.setAudioOutput(self._audio)
            self._player.setVideoSink(self.video.sink)
            self._player.positionChanged.connect(self._position)
            self._player.durationChanged.connect(self._duration)
            self._player.playbackStateChanged.connect(self._state)
            self._player.errorOccurred.connect(self._error)
            self._player.metaDataChanged.connect(self._meta)
            self._player.mediaStatusChanged.connect(self._status)
        return self._player

    def stop(self) -> None:
        """Stop and let go of the media (a profile switch, the app closing)."""
        if self._player is not None:
            self._player.stop()
            self._player.setSource(QUrl())

    def _volume(self, value: int) -> None:
        if self._audio is not None:
            self._audio.setVolume(value / 100)

    def _status(self, status: QMediaPlayer.MediaStatus) -> None:
        if status == QMediaPlayer.MediaStatus.LoadedMedia:
            player = self.player
            if (self.kind is MediaKind.VIDEO
                    and player.playbackState() == QMediaPlayer.PlaybackState.StoppedState):
                player.pause()  # paused, not stopped: the first frame shows, and every seek's
            self.loaded.emit()

    def _button(self, text: str, tip: str, slot: Any) -> QToolButton:
        b = QToolButton()
        b.setText(text)
        b.setToolTip(tip)
        b.clicked.connect(slot)
        return b

    # what to show ------------------------------------------------------------------
    def show_media(self, kind: MediaKind | None, url: QUrl, image: QImage | None = None) -> None:
        """Load this media (paused at the start); None shows the empty state."""
        self.stop()
        self.video.clear()
        self.kind, self.source = kind, url
        playable = kind in (MediaKind.VIDEO, MediaKind.AUDIO)
        if playable:
            self.player.setSource(url)
        self.image.set_image(image if kind is MediaKind.IMAGE else None)
        if image is not None and kind is MediaKind.IMAGE:
            self.dimensions_known.emit(image.width(), image.height())
        face = {MediaKind.VIDEO: self.video, MediaKind.AUDIO: self.audio_face,
                MediaKind.IMAGE: self.image}.get(kind) if kind else None
        self.stage.setCurrentWidget(face or self.empty)
        for w in (self.play_button, self.back_frame, self.next_frame, self.seek, self.volume):
            w.setEnabled(playable)
        for w in (self.zoom_in, self.zoom_out, self.zoom_fit):
            w.setVisible(kind is MediaKind.IMAGE)
        self.find_button.setEnabled(kind in (MediaKind.VIDEO, MediaKind.IMAGE))
        self.timeline.setVisible(kind is not None)
        self.timeline.set_position(0)
        self.time.setText(self._time_text(0, 0))

    def clear(self) -> None:
        self.show_media(None, QUrl())
        self.timeline.set_spans([])

    def current_picture(self) -> QImage:
        """The video frame on screen (or the image); a null image when there is none."""
        if self.kind is MediaKind.IMAGE:
            return self.image.image
        if self.kind is MediaKind.VIDEO and self.video.frame.isValid():
            return self.video.frame.toImage()  # a copy in memory; encoding is the caller's
        return QImage()

    def find_this_frame(self) -> None:
        picture = self.current_picture()
        if picture.isNull():
            self.problem.emit("There is no frame to search by yet: play or seek the video "
                              "until a picture shows, then choose Find this frame again.")
            return
        seconds = self.player.position() / 1000 if self.playable() else 0.0
        self.find_frame.emit(picture, seconds)

    # search matches ----------------------------------------------------------------
    def set_matches(self, media_key: str, moments: list[tuple[float, float]]) -> None:
        """Mark these moments (start, end) of the media `media_key` on the timeline; they
        stay while that media is shown, whatever is reloaded."""
        self.matches_of = media_key if moments else ""
        self.timeline.set_marks(moments)
        for w in (self.prev_match, self.next_match, self.match_label):
            w.setVisible(bool(moments))
        self._match_text()

    def keep_matches_for(self, media_key: str) -> None:
        """Another media is shown: its timeline has no marks of the last one."""
        if self.matches_of and self.matches_of != media_key:
            self.set_matches("", [])

    def current_match(self) -> int:
        """Index of the mark under the playhead (-1: none)."""
        pos = self.timeline.position
        return next((i for i, (a, b) in enumerate(self.timeline.marks) if a <= pos + 0.01 < b),
                    -1)

    def go_to_match(self, step: int) -> None:
        """Seek to the next (step 1) or previous (-1) marked match, wrapping round."""
        marks = self.timeline.marks
        if not marks or not self.playable():
            return
        pos = self.timeline.position
        if step > 0:
            i = next((i for i, (a, _b) in enumerate(marks) if a > pos + 0.05), 0)
        else:
            i = next((i for i in range(len(marks) - 1, -1, -1) if marks[i][0] < pos - 0.5),
                     len(marks) - 1)
        self.timeline.set_position(marks[i][0])  # a second press goes on from here at once
        self.seek_to(marks[i][0])
        self._match_text()

    def _match_text(self) -> None:
        n = len(self.timeline.marks)
        i = self.current_match()
        self.match_label.setText(f"Match {i + 1} of {n}" if i >= 0 else
                                 f"{n} search match{'es' if n != 1 else ''}")

    # transport ---------------------------------------------------------------------
    def toggle(self) -> None:
        if not self.playable():
            return
        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.player.pause()
        else:
            self.player.play()

    def is_loaded(self) -> bool:
        """Loaded enough that a seek lands."""
        return self._player is not None and self._player.mediaStatus() in (
            QMediaPlayer.MediaStatus.LoadedMedia, QMediaPlayer.MediaStatus.BufferingMedia,
            QMediaPlayer.MediaStatus.BufferedMedia, QMediaPlayer.MediaStatus.EndOfMedia)

    def playable(self) -> bool:
        return self.kind in (MediaKind.VIDEO, MediaKind.AUDIO)

    def seek_to(self, seconds: float) -> None:
        if self.playable():
            self.player.setPosition(round(seconds * 1000))

    def jump(self, ms: int) -> None:
        if self.playable():
            self.player.setPosition(max(0, self.player.position() + ms))

    def frame_ms(self) -> float:
        fps = self.player.metaData().value(QMediaMetaData.Key.VideoFrameRate)
        try:
            rate = float(fps) if fps else DEFAULT_FPS
        except (TypeError, ValueError):
            rate = DEFAULT_FPS
        return 1000.0 / (rate if rate > 0 else DEFAULT_FPS)

    def step(self, frames: int) -> None:
        """Pause and move by whole frames."""
        if not self.playable():
            return
        self.player.pause()
        self.player.setPosition(max(0, round(self.player.position() + frames * self.frame_ms())))

    # player signals ----------------------------------------------------------------
    def _time_text(self, pos_ms: int, dur_ms: int) -> str:
        return f"{clock(pos_ms / 1000)} / {clock(dur_ms / 1000)}"

    def _position(self, ms: int) -> None:
        if not self.seek.isSliderDown():
            self.seek.setValue(ms)
        self.time.setText(self._time_text(ms, self.player.duration()))
        self.timeline.set_position(ms / 1000)
        if self.timeline.marks:
            self._match_text()
        self.position_changed.emit(ms / 1000)

    def _duration(self, ms: int) -> None:
        self.seek.setRange(0, max(0, ms))
        self.timeline.set_duration(ms / 1000)
        self.time.setText(self._time_text(self.player.position(), ms))
        if ms > 0:
            self.duration_known.emit(ms / 1000)

    def _state(self, state: QMediaPlayer.PlaybackState) -> None:
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        self.play_button.setText("Pause" if playing else "Play")

    def _meta(self) -> None:
        size = self.player.metaData().value(QMediaMetaData.Key.Resolution)
        if isinstance(size, QSize) and size.isValid() and size.width() > 0:
            self.dimensions_known.emit(size.width(), size.height())

    def _error(self, error: QMediaPlayer.Error, text: str) -> None:
        if error == QMediaPlayer.Error.NoError:
            return
        log.info("player: %s (%s)", error.name, text)
        if error in (QMediaPlayer.Error.NetworkError, QMediaPlayer.Error.AccessDeniedError):
            self.problem.emit("The media file could not be fetched for the preview. Check the "
                              "connection, then select the media again.")
        else:
            self.problem.emit("This media cannot be previewed here: its file is not in a "
                              "format this computer can decode. Its details and segments "
                              "are still shown.")

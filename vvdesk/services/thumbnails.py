"""Media thumbnails for the rows a view shows: disk cache first, then `videos.batch_retrieve`
(`first_thumbnail`, base64 JPEG) for up to 100 ids per request.

Bytes are read, written and decoded into a `QImage` in a worker thread (QImage is safe off
the GUI thread; a QPixmap is made by whoever shows it, on the GUI thread).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import time

from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPainter

from vvdesk.services.picture_cache import PictureCache, cache_key
from vvdesk.services.session import ApiSession, ConnState

BATCH = 100
RECHECK_S = 2.0  # first wait before asking again for a picture the server did not have
RECHECK_MAX_S = 300.0  # the wait doubles per miss, up to this
PICTURE_SIZE = QSize(160, 120)  # the grid's cell; the list scales it down when painting


def decode(data: bytes, size: QSize = PICTURE_SIZE) -> QImage | None:
    """JPEG bytes → an image of exactly `size`: the picture scaled to fit (aspect kept) and
    centred on transparency, so every grid cell has the same layout. None if not decodable."""
    image = QImage.fromData(data)
    if image.isNull():
        return None
    if image.width() > size.width() or image.height() > size.height():
        image = image.scaled(size, Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    out = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    out.fill(Qt.GlobalColor.transparent)
    painter = QPainter(out)
    painter.drawImage((size.width() - image.width()) // 2,
                      (size.height() - image.height()) // 2, image)
    painter.end()
    return out


class ThumbnailService(QObject):
    pictures = Signal(dict)  # video_id -> QImage, one signal per batch
    failed = Signal(str, object)

    def __init__(self, session: ApiSession, cache: PictureCache,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._s = session
        self.cache = cache
        self._wanted: dict[str, None] = {}  # in order of asking (latest view first)
        self._shown: dict[str, None] = {}  # the ids last asked for: the rows on screen
        # the server had no picture (yet) for these: id -> (misses, when to ask again)
        self._absent: dict[str, tuple[int, float]] = {}
        self.fetched = 0  # pictures fetched from the server (not the cache)
        self.recheck_s = RECHECK_S
        self._recheck = QTimer(self)  # a timer, not a job: waiting is not "busy"
        self._recheck.setSingleShot(True)
        self._recheck.timeout.connect(self._ask_again)
        session.state_changed.connect(self._session_state)

    def want(self, video_ids: list[str]) -> None:
        """Pictures for these ids (the rows now visible); replaces what was still waiting.
        A media the server had no picture for is asked again later, waiting longer after each
        miss: its preview may still be in the making (a fresh upload, a first start)."""
        self._shown = dict.fromkeys(video_ids)
        now = time.monotonic()
        wanted: dict[str, None] = {}
        for vid in video_ids:
            misses, due = self._absent.get(vid, (0, 0.0))
            if due <= now:
                wanted[vid] = None
                if misses:  # asked again now: not again until this answer is in
                    self._absent[vid] = (misses, now + RECHECK_MAX_S)
        self._wanted = wanted
        if self._wanted and not self._s.jobs.is_running("thumbnails"):
            self._s.jobs.run("thumbnails", self._drain(), on_error=self._s.reporter(
                self.failed, "Loading thumbnails"))
        self._schedule_recheck()

    def forget_absent(self) -> None:
        """Ask again for media that had no picture (their processing may have finished)."""
        self._absent.clear()

    def _missed(self, video_ids: list[str]) -> None:
        """Remember the misses: the wait before asking again doubles with each one."""
        now = time.monotonic()
        for vid in video_ids:
            misses = self._absent.get(vid, (0, 0.0))[0] + 1
            self._absent[vid] = (misses, now + min(self.recheck_s * 2 ** (misses - 1),
                                                   RECHECK_MAX_S))
        self._schedule_recheck()

    def _schedule_recheck(self) -> None:
        """Wake when the first missing picture of the rows on screen is due again."""
        dues = [due for vid, (_n, due) in self._absent.items() if vid in self._shown]
        if not dues or self._s.state == ConnState.CLOSED:
            self._recheck.stop()
            return
        self._recheck.start(max(0, int((min(dues) - time.monotonic()) * 1000)) + 50)

    def _ask_again(self) -> None:
        self.want(list(self._shown))

    def _session_state(self, state: str, _detail: str) -> None:
        if state == ConnState.CLOSED:
            self._recheck.stop()

    async def _drain(self) -> None:
        origin = self._s.base_url
        while self._wanted:
            batch = list(self._wanted)[:BATCH]
            for vid in batch:
                self._wanted.pop(vid, None)
            keys = {vid: cache_key(origin, vid) for vid in batch}
            found = await asyncio.to_thread(self._from_cache, keys)
            if found:
                self.pictures.emit(found)
            missing = [vid for vid in batch if vid not in found]
            if not missing:
                continue
            rows = await self._s.client.videos.batch_retrieve(missing)
            self._s.mark_ok()
            blobs: dict[str, bytes] = {}
            for row in rows:
                try:
                    if row.first_thumbnail:
                        blobs[row.video_id] = base64.b64decode(row.first_thumbnail)
                except (binascii.Error, ValueError):
                    pass
            self._missed([vid for vid in missing if vid not in blobs])
            for vid in blobs:
                self._absent.pop(vid, None)
            self.fetched += len(blobs)
            fresh = await asyncio.to_thread(self._store, keys, blobs)
            if fresh:
                self.pictures.emit(fresh)

    def _from_cache(self, keys: dict[str, str]) -> dict[str, QImage]:
        out = {}
        for vid, key in keys.items():
            data = self.cache.get(key)
            if data is not None and (image := decode(data)) is not None:
                out[vid] = image
        return out

    def _store(self, keys: dict[str, str], blobs: dict[str, bytes]) -> dict[str, QImage]:
        out = {}
        for vid, data in blobs.items():
            image = decode(data)
            if image is None:
                continue
            self.cache.put(keys[vid], data)
            out[vid] = image
        return out

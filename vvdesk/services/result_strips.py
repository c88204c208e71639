"""The thumbnail strip of a search result: the segments of its media around the hit, with
their pictures, for scrubbing through the moments near a match.

Segments come from `videos.list_segments` (the result's run); their JPEGs go through the
disk picture cache (keyed by origin, media and segment) and are decoded in a worker thread.
One strip is loaded at a time (the latest asked for wins); the last few are kept in memory
so going back to a result shows its strip at once.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QImage

from vvdesk.api.ids import in_path
from vvdesk.models.search import Strip, StripFrame
from vvdesk.services.picture_cache import PictureCache, cache_key
from vvdesk.services.session import ApiSession

SIDE = 6  # segments shown on each side of the hit
PAGE = 100
MAX_PAGES = 10  # a very long media: the strip is built from its first 1000 segments
PICTURE = QSize(256, 144)  # a frame at most this big (the strip's peek shows it whole)
KEPT = 24  # strips kept in memory


def decode_picture(data: bytes) -> QImage | None:
    image = QImage.fromData(data)
    if image.isNull():
        return None
    if image.width() > PICTURE.width() or image.height() > PICTURE.height():
        image = image.scaled(PICTURE, Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    return image


def around(segments: list[Any], hit_id: str, hit_start: float, side: int = SIDE
           ) -> tuple[list[Any], int]:
    """The segments within `side` of the hit (by id, else by start time) and its index."""
    at = next((i for i, s in enumerate(segments) if s.segment_id == hit_id), -1)
    if at < 0:
        at = next((i for i, s in enumerate(segments)
                   if float(s.start_time) <= hit_start < float(s.end_time)), -1)
    if at < 0:
        return segments[:2 * side + 1], -1
    low = max(0, at - side)
    return segments[low:at + side + 1], at - low


class StripService(QObject):
    ready = Signal(object)  # Strip
    failed = Signal(str, object)

    def __init__(self, session: ApiSession, cache: PictureCache,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._s = session
        self.cache = cache
        self._kept: OrderedDict[str, Strip] = OrderedDict()
        self.wanted = ""  # result_id of the strip last asked for

    def want(self, result: Any) -> None:
        """The strip of this search result (`ready` once it is there)."""
        self.wanted = result.result_id
        if (kept := self._kept.get(result.result_id)) is not None:
            self._kept.move_to_end(result.result_id)
            self.ready.emit(kept)
            return
        self._s.jobs.run("search.strip", self._load(result), on_ok=self._loaded,
                         on_error=self._s.reporter(self.failed, "Loading the result's pictures"))

    def _loaded(self, strip: Strip) -> None:
        self._s.mark_ok()
        self._kept[strip.result_id] = strip
        while len(self._kept) > KEPT:
            self._kept.popitem(last=False)
        self.ready.emit(strip)

    async def _load(self, result: Any) -> Strip:
        client = self._s.client
        run_id = result.run_id or result.prompt_run_id or None
        segments: list[Any] = []
        cursor: str | None = None
        for _ in range(MAX_PAGES):
            page = await client.videos.list_segments(in_path(result.video_id), run_id=run_id,
                                                     limit=PAGE, cursor=cursor)
            segments += list(page.data)
            cursor = page.next_cursor if page.has_more else None
            if not cursor or _after(segments, result.segment_id or "") >= SIDE:
                break
        segments.sort(key=lambda s: float(s.start_time))
        near, hit = around(segments, result.segment_id or "", float(result.start_time or 0))
        origin = self._s.base_url
        frames = await asyncio.to_thread(self._pictures, origin, result.video_id, near)
        return Strip(result.result_id, str(result.video_name or "the media"), tuple(frames), hit)

    def _pictures(self, origin: str, video_id: str, segments: list[Any]) -> list[StripFrame]:
        """Cached JPEG or the segment's own, decoded (worker thread)."""
        out = []
        for s in segments:
            key = cache_key(origin, f"{video_id}/{s.segment_id}")
            data = self.cache.get(key)
            if data is None and s.thumbnail_data:
                try:
                    data = base64.b64decode(s.thumbnail_data)
                except (binascii.Error, ValueError):
                    data = None
                if data:
                    self.cache.put(key, data)
            image = decode_picture(data) if data else None
            label = s.metadata_text or s.failure_message or ""
            out.append(StripFrame(s.segment_id, float(s.start_time), float(s.end_time),
                                  " ".join(str(label).split()), image))
        return out


def _after(segments: list[Any], segment_id: str) -> int:
    """How many listed segments come after this one (-1: it is not listed yet)."""
    at = next((i for i, s in enumerate(segments) if s.segment_id == segment_id), len(segments))
    return len(segments) - 1 - at

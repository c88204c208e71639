"""Where the preview gets a media item's bytes: the local original when this machine
uploaded that file and it is unchanged (same size and mtime as uploaded: plays at once and
offline), else a signed link (`videos.get_signed_url`). The player never sees that link:
it plays a loopback URL of the app's media relay (api/media_relay.py), which fetches the
link verifying TLS against the profile's CA, without our headers, so the link's token is
never printed by FFmpeg. Pictures (images) are fetched and decoded here, off the GUI thread.
"""

from __future__ import annotations

import asyncio
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QImage

from vvdesk.api.client import ca_file_of, trust_for
from vvdesk.api.media_links import fetch_link, signed_link
from vvdesk.api.media_relay import MediaRelay
from vvdesk.services.session import ApiSession
from vvdesk.services.transfer_store import TransferStore
from vvdesk.vocab import MediaKind

if TYPE_CHECKING:
    from videovector import Video


@dataclass(frozen=True)
class PreviewSource:
    video_id: str
    kind: MediaKind
    url: QUrl  # a local file, or the media relay's loopback URL for the signed link
    local: bool  # the local original (this machine uploaded it, unchanged since)
    size: int | None = None  # bytes, when known
    image: QImage | None = None  # the picture, for images


def unchanged_original(path: str, size: int, mtime_ns: int) -> bool:
    """Is the file at `path` still the one uploaded? (Blocking: call in a worker.)"""
    try:
        st = os.stat(path)
    except OSError:
        return False
    return st.st_size == size and st.st_mtime_ns == mtime_ns


def _picture(data: bytes) -> QImage | None:
    image = QImage.fromData(data)
    return None if image.isNull() else image


class PreviewService(QObject):
    ready = Signal(object)  # PreviewSource
    failed = Signal(str, object)

    def __init__(self, session: ApiSession, store: TransferStore,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._s = session
        self._store = store
        self._relay = MediaRelay()

    def close(self) -> None:
        """Stop the media relay (in a thread of its own: stopping waits for its poll)."""
        threading.Thread(target=self._relay.close, name="media-relay-close",
                         daemon=True).start()

    def open(self, video: Video) -> None:
        """Find the bytes of this media item; `ready` says where (a newer open replaces it)."""
        self._s.jobs.run("preview.open", self._source(video), on_ok=self.ready.emit,
                         on_error=self._s.reporter(self.failed, "Opening the preview"))

    async def _source(self, video: Video) -> PreviewSource:
        kind = MediaKind.of(video.media_type)
        original = await self._store.local_original(video.video_id)
        if original is not None and await asyncio.to_thread(unchanged_original, *original):
            path, size, _ = original
            image = None
            if kind is MediaKind.IMAGE:
                image = await asyncio.to_thread(lambda: _picture(Path(path).read_bytes()))
            return PreviewSource(video.video_id, kind, QUrl.fromLocalFile(path), True, size,
                                 image)
        client = self._s.client
        link = await signed_link(client, video.video_uri)
        self._s.mark_ok()
        if kind is MediaKind.IMAGE:
            data = await fetch_link(client, link.url)
            image = await asyncio.to_thread(_picture, data)
            return PreviewSource(video.video_id, kind, QUrl(), False, link.size, image)
        ca = ca_file_of(client)
        played = await asyncio.to_thread(lambda: self._relay.publish(link.url, trust_for(ca)))
        return PreviewSource(video.video_id, kind, QUrl(played), False, link.size)

"""Length, size and dimensions for the media rows on screen (the API's media models have
none of them): read from each media item through its signed link (api/media_probe.py),
a few at a time, off the UI thread, each item once per session (failures again after a
reload)."""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtCore import QObject, Signal

from vvdesk.api.client import ca_file_of, trust_for
from vvdesk.api.media_probe import MediaProbe, probe
from vvdesk.services.session import ApiSession

log = logging.getLogger(__name__)
AT_ONCE = 3  # media probed in parallel


class MediaFactsService(QObject):
    facts = Signal(dict)  # video_id -> MediaProbe, one signal per batch
    failed = Signal(str, object)

    def __init__(self, session: ApiSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._s = session
        self._wanted: dict[str, str] = {}  # video_id -> video_uri, latest view first
        self._done: set[str] = set()
        self._failed: set[str] = set()
        self.probed = 0  # media read (for benches and tests)

    def want(self, items: list[tuple[str, str]]) -> None:
        """Facts for these (video_id, video_uri), the rows now visible; replaces the rest."""
        self._wanted = {vid: uri for vid, uri in items
                        if vid not in self._done and vid not in self._failed}
        if self._wanted and not self._s.jobs.is_running("media.facts"):
            self._s.jobs.run("media.facts", self._drain(), on_error=self._s.reporter(
                self.failed, "Reading media lengths and sizes"))

    def forget_failed(self) -> None:
        """Try again the media that could not be read (they may have finished uploading)."""
        self._failed.clear()

    async def _drain(self) -> None:
        while self._wanted:
            batch = list(self._wanted.items())[:AT_ONCE]
            for vid, _uri in batch:
                self._wanted.pop(vid, None)
            found = await asyncio.gather(*(self._one(uri) for _vid, uri in batch),
                                         return_exceptions=True)
            out: dict[str, MediaProbe] = {}
            for (vid, _uri), result in zip(batch, found, strict=True):
                if isinstance(result, MediaProbe):
                    self._done.add(vid)
                    out[vid] = result
                elif isinstance(result, asyncio.CancelledError):
                    raise result
                else:  # one unreadable item only leaves its cells empty
                    self._failed.add(vid)
                    log.info("media facts of %s: %s", vid, type(result).__name__)
            self.probed += len(out)
            if out:
                self.facts.emit(out)

    async def _one(self, video_uri: str) -> MediaProbe:
        client = self._s.client
        signed = await client.videos.get_signed_url(video_uri)
        self._s.mark_ok()
        ca = ca_file_of(client)
        return await asyncio.to_thread(lambda: probe(signed.signed_url, trust_for(ca)))

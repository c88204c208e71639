"""Length, size and picture size of a media item, read from the media itself.

The API's media models (`Video`, `VideoWithDetails`) carry none of these. The bytes are
there, behind `videos.get_signed_url`: the size is the total of a Range answer, and the
length and dimensions are in the container's header, which FFmpeg (PyAV) reads through
`RangeReader` — Range requests of 256 KiB blocks over the signed link, with no API key,
at most PROBE_BYTES in all (an MP4 whose index sits at its end costs two or three reads).
Everything here blocks: call `probe` in a worker thread.

PyAV is imported here, at module level, so that it is loaded on the main thread when the
session is built: loading its FFmpeg libraries in a worker while the main thread made a
QMediaPlayer (which loads Qt's FFmpeg) deadlocked the app (seen in a test that hung).
"""

from __future__ import annotations

import io
import ssl
from dataclasses import dataclass
from typing import Any

import av

BLOCK = 256 * 1024
PROBE_BYTES = 8 * 1024 * 1024  # read no more than this of one media item


@dataclass(frozen=True)
class MediaProbe:
    size: int | None = None  # bytes
    duration: float | None = None  # seconds
    width: int | None = None
    height: int | None = None


class ProbeLimit(Exception):
    """The header needs more than PROBE_BYTES: give up on it (the size is still known)."""


class RangeReader(io.RawIOBase):
    """A read-only, seekable file over a signed URL, fetched in blocks by Range requests."""

    def __init__(self, http: Any, url: str, size: int, budget: int = PROBE_BYTES) -> None:
        super().__init__()
        self._http, self._url, self.size = http, url, size
        self._pos = 0
        self._blocks: dict[int, bytes] = {}
        self.budget = budget

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def _block(self, n: int) -> bytes:
        if n not in self._blocks:
            first = n * BLOCK
            last = min(self.size, first + BLOCK) - 1
            if last - first + 1 > self.budget:
                raise ProbeLimit(self._url)
            response = self._http.get(self._url, headers={"Range": f"bytes={first}-{last}"})
            if response.status_code not in (200, 206):
                raise OSError(f"the media link answered {response.status_code}")
            data = response.content
            if response.status_code == 200:  # no Range support: the whole file came
                data = data[first:last + 1]
            self.budget -= len(data)
            self._blocks[n] = data
        return self._blocks[n]

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._pos >= self.size or not len(view):
            return 0
        block = self._block(self._pos // BLOCK)
        start = self._pos % BLOCK
        chunk = block[start:start + len(view)]
        view[:len(chunk)] = chunk
        self._pos += len(chunk)
        return len(chunk)


def _total(response: Any) -> int | None:
    total = response.headers.get("content-range", "").rpartition("/")[2]
    if response.status_code == 206 and total.isdigit():
        return int(total)
    length = response.headers.get("content-length", "")
    return int(length) if response.status_code == 200 and length.isdigit() else None


def read_header(reader: RangeReader) -> MediaProbe:
    """Length and picture size from the container header (None where FFmpeg has none)."""
    duration = width = height = None
    with av.open(reader, mode="r", options={"probesize": str(BLOCK)}) as container:
        if container.duration is not None and container.duration > 0:
            duration = container.duration / av.time_base
        for picture in container.streams.video:
            ctx = picture.codec_context
            if ctx.width and ctx.height:
                width, height = int(ctx.width), int(ctx.height)
                break
        if duration is None:
            for stream in container.streams:
                if stream.duration and stream.time_base:
                    duration = float(stream.duration * stream.time_base)
                    break
    return MediaProbe(reader.size, duration, width, height)


def probe(url: str, verify: ssl.SSLContext | bool, timeout: float = 30.0) -> MediaProbe:
    """What the media behind a signed `url` is (blocking; no API key is sent)."""
    import httpx

    with httpx.Client(verify=verify, follow_redirects=False, trust_env=False,
                      timeout=timeout) as http:
        first = http.get(url, headers={"Range": f"bytes=0-{BLOCK - 1}"})
        if first.status_code not in (200, 206):
            raise OSError(f"the media link answered {first.status_code}")
        size = _total(first)
        if size is None or size == 0:
            return MediaProbe(size)
        reader = RangeReader(http, url, size)
        reader._blocks[0] = first.content[:BLOCK]
        reader.budget -= len(reader._blocks[0])
        try:
            return read_header(reader)
        except Exception:
            return MediaProbe(size)

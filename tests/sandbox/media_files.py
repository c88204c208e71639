"""Real media files for sandbox tests, made here with PyAV (no sandbox imports)."""

from __future__ import annotations

import io
from pathlib import Path

import av
import numpy as np

# One flat colour per second of a test clip: a thumbnail's colour tells its time.
COLOURS = [(220, 30, 30), (30, 200, 40), (40, 60, 230), (230, 220, 40), (200, 40, 210),
           (30, 210, 210), (240, 140, 20), (120, 120, 120)]


def write_clip(path: Path, seconds: int, size: tuple[int, int] = (640, 360), fps: int = 10
               ) -> None:
    """An MPEG-4 clip whose second ``n`` is a flat ``COLOURS[n]`` picture."""
    width, height = size
    with av.open(str(path), "w") as out:
        stream = out.add_stream("mpeg4", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.gop_size = fps
        for i in range(seconds * fps):
            rgb = np.empty((height, width, 3), np.uint8)
            rgb[:] = COLOURS[(i // fps) % len(COLOURS)]
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts = i
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))


def write_wav(path: Path, seconds: int, rate: int = 8000) -> None:
    """A mono 16-bit WAV of a 440 Hz tone."""
    t = np.arange(seconds * rate) / rate
    samples = (np.sin(2 * np.pi * 440 * t) * 12000).astype(np.int16)
    with av.open(str(path), "w", format="wav") as out:
        stream = out.add_stream("pcm_s16le", rate=rate)
        stream.layout = "mono"
        for start in range(0, samples.size, 1024):
            chunk = samples[start : start + 1024].reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(chunk, format="s16", layout="mono")
            frame.sample_rate = rate
            frame.pts = start
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))


def decode(data: bytes) -> tuple[str, np.ndarray]:
    """``(container format, first frame as RGB)`` of an encoded picture."""
    with av.open(io.BytesIO(data)) as container:
        frame = next(container.decode(video=0))
        return container.format.name, frame.to_ndarray(format="rgb24")


def closest_colour(rgb: np.ndarray) -> int:
    """Index in ``COLOURS`` nearest to the picture's mean colour."""
    mean = rgb.reshape(-1, 3).mean(axis=0)
    return int(np.argmin([np.linalg.norm(mean - np.array(c)) for c in COLOURS]))

"""Pure media work with PyAV: probe, thumbnails, waveforms, GIF previews, demo clips.

Nothing here touches the database or the event loop: every function takes a path
or bytes and returns bytes or numbers, so the preview pipeline can run it in a
worker thread. Output is deterministic for the same input and FFmpeg build.

Pictures: JPEG through FFmpeg's ``mjpeg`` encoder, GIF through its ``gif``
encoder (no Pillow). A thumbnail keeps the source's aspect ratio with its longer
side scaled down to :data:`THUMB_MAX` (never up), both sides even.
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Literal

import av
import numpy as np

THUMB_MAX = 320
GIF_MAX = 128
GIF_FRAMES = 6
WAVE_SIZE = (320, 90)
FEATURE_GRID = 8  # image-similarity feature: an 8x8 RGB grid (192 numbers)

IMAGE_FORMATS = frozenset({"image2", "png_pipe", "jpeg_pipe", "webp_pipe", "bmp_pipe",
                           "tiff_pipe", "gif", "gif_pipe", "heif", "jpegxl_pipe"})


@dataclass(frozen=True)
class Probe:
    """What the container says about a decodable file."""

    duration: float  # seconds (0 for a still image)
    width: int | None
    height: int | None
    has_video: bool
    has_audio: bool
    still: bool


# What FFmpeg must recognise for each extension: random bytes named ``.mp4`` can look like
# an MPEG audio stream to a tolerant demuxer, so the container has to fit the name.
CONTAINERS = {
    "mp4": "mp4", "mov": "mov", "m4a": "m4a", "heic": "mov", "heif": "mov",
    "mkv": "matroska", "webm": "webm", "avi": "avi", "mp3": "mp3", "wav": "wav",
    "flac": "flac", "ogg": "ogg", "aac": "aac", "jpg": "jpeg", "jpeg": "jpeg", "png": "png",
    "webp": "webp", "gif": "gif", "bmp": "bmp", "tiff": "tiff",
}


def probe(path: Path, filename: str = "") -> Probe | None:
    """Duration and dimensions, or ``None`` when FFmpeg cannot decode the bytes.

    With a ``filename``, its extension must match the container FFmpeg finds (see
    :data:`CONTAINERS`), and the first frame of the main stream must decode.
    """
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    try:
        with av.open(str(path)) as container:
            names = container.format.name.split(",")
            want = CONTAINERS.get(ext)
            if want is not None and not any(want in n for n in names) and not (
                    want in ("jpeg", "png") and "image2" in names):
                return None
            video = container.streams.video[0] if container.streams.video else None
            audio = container.streams.audio[0] if container.streams.audio else None
            main = video or audio
            if main is None:
                return None
            still = video is not None and audio is None and (
                container.format.name in IMAGE_FORMATS or container.duration is None)
            duration = 0.0 if still else _duration(container, main)
            if not still and duration <= 0:
                return None
            if video is not None:  # the first frame of the main stream must decode
                picture = next(container.decode(video), None)
                if picture is None:
                    return None
                return Probe(duration, picture.width, picture.height, True, audio is not None,
                             still)
            if next(container.decode(main), None) is None:
                return None
            return Probe(duration, None, None, False, True, False)
    except (av.FFmpegError, StopIteration, ValueError, IndexError, OSError):
        return None


def _duration(container: av.container.InputContainer,
              stream: av.video.stream.VideoStream | av.audio.stream.AudioStream) -> float:
    if container.duration:
        return round(container.duration / 1_000_000, 3)
    if stream.duration and stream.time_base:
        return round(float(stream.duration * stream.time_base), 3)
    return 0.0


def _fit(width: int, height: int, limit: int) -> tuple[int, int]:
    scale = min(1.0, limit / max(width, height))
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


def thumb_size(width: int, height: int) -> tuple[int, int]:
    """Size of a thumbnail of a ``width`` x ``height`` picture (see module docstring)."""
    return _fit(width, height, THUMB_MAX)


def frames_at(path: Path, times: list[float], limit: int = THUMB_MAX) -> list[np.ndarray]:
    """RGB frames (scaled to fit ``limit``) at each time in seconds (clamped to the end)."""
    out: list[np.ndarray] = []
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        for t in times:
            frame = _frame_near(container, stream, t)
            w, h = _fit(frame.width, frame.height, limit)
            out.append(frame.to_ndarray(format="rgb24", width=w, height=h))
    return out


def _frame_near(container: av.container.InputContainer, stream: av.video.stream.VideoStream,
                t: float) -> av.VideoFrame:
    base = stream.time_base or Fraction(1, 1_000_000)
    try:
        container.seek(max(0, int(t / base)), stream=stream, backward=True)
    except av.FFmpegError:
        container.seek(0)
    last = None
    for frame in container.decode(stream):
        last = frame
        if frame.time is None or frame.time + 1e-3 >= t:
            break
    if last is None:  # seek past the end: take the first frame instead
        container.seek(0)
        last = next(container.decode(stream))
    return last


def encode_jpeg(rgb: np.ndarray, quality: int = 4) -> bytes:
    """One baseline JPEG (``quality`` is FFmpeg's qscale: 2 best .. 31 worst)."""
    h, w, _ = rgb.shape
    ctx = av.CodecContext.create("mjpeg", "w")
    ctx.width, ctx.height, ctx.pix_fmt = w, h, "yuvj420p"
    ctx.time_base = Fraction(1, 1)
    ctx.options = {"qscale": str(quality)}
    ctx.flags |= av.codec.context.Flags.qscale
    ctx.global_quality = quality * 118  # FF_QP2LAMBDA
    frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
    packets = ctx.encode(frame.reformat(format="yuvj420p")) + ctx.encode(None)
    return b"".join(bytes(p) for p in packets)


def encode_gif(frames: list[np.ndarray], fps: int = 2) -> bytes:
    """An endlessly looping GIF of equally sized RGB frames."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="gif") as out:
        stream = out.add_stream("gif", rate=fps)
        h, w, _ = frames[0].shape
        stream.width, stream.height, stream.pix_fmt = w, h, "rgb8"
        for i, rgb in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(_rgb332(rgb), format="rgb8")
            frame.pts = i
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return buffer.getvalue()


def _rgb332(rgb: np.ndarray) -> np.ndarray:
    """Plain 3-3-2 quantisation: no dithering, so flat areas stay flat and LZW packs them."""
    x = rgb.astype(np.uint16)
    r = np.minimum(255, x[..., 0] + 16) >> 5
    g = np.minimum(255, x[..., 1] + 16) >> 5
    b = np.minimum(255, x[..., 2] + 32) >> 6
    return ((r << 5) | (g << 2) | b).astype(np.uint8)


def decode_picture(data: bytes, limit: int = THUMB_MAX) -> np.ndarray | None:
    """First frame of an encoded picture (JPEG, PNG, ...) as RGB, or ``None``."""
    try:
        with av.open(io.BytesIO(data), "r") as container:
            frame = next(container.decode(video=0))
            w, h = _fit(frame.width, frame.height, limit)
            return frame.to_ndarray(format="rgb24", width=w, height=h)
    except (av.FFmpegError, StopIteration, ValueError, IndexError):
        return None


# -- pictures for one media item or segment -------------------------------------------------


def video_thumbnail(path: Path, start: float, end: float) -> bytes:
    """JPEG of the frame at the middle of ``[start, end]`` (seconds in the file)."""
    return encode_jpeg(frames_at(path, [(start + end) / 2])[0])


def still_thumbnail(path: Path) -> bytes:
    """JPEG of an image file, scaled to thumbnail size."""
    return encode_jpeg(frames_at(path, [0.0])[0])


def video_gif(path: Path, start: float, end: float) -> bytes:
    """A short GIF: :data:`GIF_FRAMES` frames spread over ``[start, end]``."""
    span = max(0.0, end - start)
    times = [start + span * (i + 0.5) / GIF_FRAMES for i in range(GIF_FRAMES)]
    return encode_gif(frames_at(path, times, limit=GIF_MAX))


def waveform_thumbnail(path: Path, start: float, end: float) -> bytes:
    """JPEG of the audio's loudness envelope between ``start`` and ``end`` seconds."""
    width, height = WAVE_SIZE
    samples = _mono_samples(path, start, end)
    img = np.empty((height, width, 3), np.uint8)
    img[:] = (24, 32, 48)
    img[height // 2, :] = (70, 90, 120)
    if samples.size:
        cols = np.array_split(samples, width)
        peak = float(np.abs(samples).max()) or 1.0
        for x, col in enumerate(cols):
            if not col.size:
                continue
            lo = int((0.5 - 0.45 * float(col.min()) / peak) * height)
            hi = int((0.5 - 0.45 * float(col.max()) / peak) * height)
            top, bottom = sorted((max(0, min(height - 1, lo)), max(0, min(height - 1, hi))))
            img[top : bottom + 1, x] = (120, 200, 255)
    return encode_jpeg(img)


def _mono_samples(path: Path, start: float, end: float, rate: int = 8000) -> np.ndarray:
    chunks: list[np.ndarray] = []
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        if start > 0 and stream.time_base:
            container.seek(int(start / stream.time_base), stream=stream, backward=True)
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        for frame in container.decode(stream):
            t = frame.time or 0.0
            if t > end:
                break
            for out in resampler.resample(frame):
                chunks.append(out.to_ndarray().reshape(-1))
    if not chunks:
        return np.zeros(0, np.float32)
    data = np.concatenate(chunks)
    return data[: max(1, int((end - start) * rate))]


def placeholder(seed: str, media_type: str) -> bytes:
    """A generated JPEG for bytes that do not decode: colour from ``seed``, a type mark.

    One of 256 colour pairs per type (the first byte of ``sha256(seed:type)``), each
    rendered once per process: a drop of thousands of files costs no encoding each.
    """
    return _placeholder(hashlib.sha256(f"{seed}:{media_type}".encode()).digest()[0],
                        media_type)


@functools.lru_cache(maxsize=1024)
def _placeholder(shade: int, media_type: str, size: tuple[int, int] = (320, 180)) -> bytes:
    width, height = size
    digest = hashlib.sha256(f"placeholder:{shade}".encode()).digest()
    top = np.frombuffer(digest[0:3], np.uint8).astype(np.float32) * 0.6
    bottom = np.frombuffer(digest[3:6], np.uint8).astype(np.float32) * 0.6
    ramp = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    img = (top * (1 - ramp) + bottom * ramp).repeat(width, axis=1).astype(np.uint8)
    cx, cy, r = width // 2, height // 2, height // 5
    yy, xx = np.mgrid[0:height, 0:width]
    if media_type == "video":  # a play triangle
        mask = (xx >= cx - r) & (np.abs(yy - cy) <= (cx + r - xx) * 0.6)
    elif media_type == "audio":  # three bars
        mask = np.zeros_like(xx, dtype=bool)
        for i, h in enumerate((0.6, 1.0, 0.75)):
            x0 = cx - r + i * (2 * r // 3)
            mask |= (xx >= x0) & (xx < x0 + r // 2) & (np.abs(yy - cy) <= r * h)
    else:  # a frame
        mask = ((np.abs(xx - cx) <= r * 1.3) & (np.abs(yy - cy) <= r)) & ~(
            (np.abs(xx - cx) <= r * 1.1) & (np.abs(yy - cy) <= r * 0.8))
    img[mask] = (235, 235, 235)
    return encode_jpeg(img)


def features(rgb: np.ndarray) -> np.ndarray:
    """Image-similarity vector: an 8x8 RGB grid, mean-removed, unit length (float32)."""
    h, w, _ = rgb.shape
    ys = np.linspace(0, h, FEATURE_GRID + 1).astype(int)
    xs = np.linspace(0, w, FEATURE_GRID + 1).astype(int)
    grid = np.array([[rgb[ys[i]:ys[i + 1], xs[j]:xs[j + 1]].reshape(-1, 3).mean(axis=0)
                      for j in range(FEATURE_GRID)] for i in range(FEATURE_GRID)],
                    np.float32).reshape(-1)
    grid -= grid.mean()
    norm = float(np.linalg.norm(grid))
    return grid / norm if norm > 0 else grid


def picture_features(data: bytes) -> np.ndarray | None:
    """:func:`features` of an encoded picture (``None`` when it does not decode)."""
    rgb = decode_picture(data, limit=64)
    return None if rgb is None else features(rgb)


# -- demo clips (synthesised, never downloaded) -----------------------------------------------


def synth_video(path: Path, seconds: float, *, hue: int, size: tuple[int, int] = (256, 144),
                fps: int = 4, tone: float | None = None) -> None:
    """A clip of a drifting gradient and a moving block (+ a sine tone when ``tone``).

    The container follows the file extension (mp4/mov: MPEG-4 Part 2 + AAC; webm: VP8 +
    Opus). Each second shows a different colour band so segment thumbnails differ.
    """
    width, height = size
    fmt = "webm" if path.suffix == ".webm" else None
    vcodec: Literal["libvpx", "mpeg4"] = "libvpx" if fmt == "webm" else "mpeg4"
    acodec: Literal["libopus", "aac"] = "libopus" if fmt == "webm" else "aac"
    with av.open(str(path), "w", format=fmt) as out:
        vs = out.add_stream(vcodec, rate=fps)
        vs.width, vs.height, vs.pix_fmt = width, height, "yuv420p"
        vs.codec_context.gop_size = fps * 2
        if vcodec == "libvpx":
            vs.codec_context.options = {"deadline": "realtime", "cpu-used": "8"}
            vs.bit_rate = 200_000
        audio = None
        rate = 48_000 if acodec == "libopus" else 8_000
        if tone is not None:
            audio = out.add_stream(acodec, rate=rate)
            audio.layout = "mono"
            audio.bit_rate = 24_000
        x = np.arange(width, dtype=np.int32)
        y = (np.arange(height, dtype=np.int32) * 200 // height)[:, None]
        img = np.empty((height, width, 3), np.uint8)
        count = int(seconds * fps)
        wave = _tone(seconds, rate, tone) if tone is not None else None
        sent = 0
        block = max(8, height // 4)
        for i in range(count):
            t = i / fps
            band = (hue + int(t) * 37) % 256
            img[..., 0] = ((x + i * 2 + band) % 256).astype(np.uint8)
            img[..., 1] = (y + band // 2) % 256
            img[..., 2] = band
            bx = int((width - block) * (0.5 + 0.5 * math.sin(t / 2)))
            img[height // 2 - block // 2 : height // 2 + block // 2, bx : bx + block] = 255
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            frame.pts = i
            out.mux(vs.encode(frame))
            if audio is not None and wave is not None:
                sent = _send_audio(out, audio, wave, sent, int((i + 1) / fps * rate))
        out.mux(vs.encode(None))
        if audio is not None and wave is not None:
            _send_audio(out, audio, wave, sent, wave.size)
            out.mux(audio.encode(None))


def _tone(seconds: float, rate: int, freq: float) -> np.ndarray:
    t = np.arange(int(seconds * rate), dtype=np.float32) / rate
    return (0.25 * np.sin(2 * np.pi * freq * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 0.25 * t))
            ).astype(np.float32)


def _send_audio(out: av.container.OutputContainer, stream: av.audio.stream.AudioStream,
                wave: np.ndarray, sent: int, until: int) -> int:
    size = stream.codec_context.frame_size or 1024
    fmt = stream.codec_context.format.name
    while sent < min(until, wave.size) and (until - sent >= size or until >= wave.size):
        chunk = wave[sent : sent + size]
        if fmt.startswith("s16"):
            data = (chunk * 32767).astype(np.int16)
        elif fmt.startswith("s32"):
            data = (chunk * 2_147_483_000).astype(np.int32)
        else:
            data = chunk
        frame = av.AudioFrame.from_ndarray(data.reshape(1, -1), format=fmt, layout="mono")
        frame.sample_rate = stream.codec_context.sample_rate
        frame.pts = sent
        out.mux(stream.encode(frame))
        sent += chunk.size
    return sent


def synth_audio(path: Path, seconds: float, *, tone: float = 330.0) -> None:
    """A mono 8 kHz 16-bit WAV of a slowly swelling tone (PCM: the cheapest to make)."""
    rate = 8_000
    with av.open(str(path), "w", format="wav") as out:
        stream = out.add_stream("pcm_s16le", rate=rate)
        stream.layout = "mono"
        wave = _tone(seconds, rate, tone)
        _send_audio(out, stream, wave, 0, wave.size)
        out.mux(stream.encode(None))


def synth_image(path: Path, *, hue: int, size: tuple[int, int] = (480, 320)) -> None:
    """A PNG poster: diagonal colour bands and a light frame."""
    width, height = size
    yy, xx = np.mgrid[0:height, 0:width]
    img = np.empty((height, width, 3), np.uint8)
    img[..., 0] = (xx + yy + hue) % 256
    img[..., 1] = (xx * 2 - yy + hue * 3) % 256
    img[..., 2] = 160
    img[12:20, 12:-12] = img[-20:-12, 12:-12] = 240
    img[12:-12, 12:20] = img[12:-12, -20:-12] = 240
    with av.open(str(path), "w", format="image2") as out:
        stream = out.add_stream("png", rate=1)
        stream.width, stream.height, stream.pix_fmt = width, height, "rgb24"
        frame = av.VideoFrame.from_ndarray(img, format="rgb24")
        out.mux(stream.encode(frame))
        out.mux(stream.encode(None))

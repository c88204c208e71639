"""Pure simulation rules: media typing, durations, splitting, segments, metadata.

Durations at time-scale 1 ("base seconds"):

* upload/register import: 0.5 s queued, then 1.5 s per output part;
* prompt run: 0.5 s queued, then 2 s per segment (one segment at a time);
* export: 0.5 s queued, then 5 s processing;
* index/video deletion: 1 s draining, then 2 s deleting.

Media length is derived from the file size: video 100,000 bytes per second,
audio 16,000 bytes per second, images have no length. Video longer than 40 min
is cut into the fewest parts of <= 40 min (equal length); audio likewise at 2 h.

Deterministic segment metadata (what tests assert)::

    seed   = sha256(blob bytes).hexdigest()
    digest = sha256(f"{seed}:{part_index}:{segment_index}".encode()).hexdigest()
    metadata = {
        "label": LABELS[int(digest[0:2], 16) % len(LABELS)],
        "confidence": int(digest[2:6], 16) % 1000 / 1000,
        "objects": [LABELS[int(digest[i:i+2], 16) % len(LABELS)] for i in (6, 8)],
        "fingerprint": digest[:16],
        "segment_index": segment_index,
    }
    metadata_text = f"{label} scene, segment {segment_index}: objects "
                    f"{objects[0]} and {objects[1]} (fingerprint {digest[:16]})"

``part_index`` is 0 for media that was not split. A media item whose title or
source filename contains ``fail`` (any case) fails every segment whose index
satisfies ``segment_index % 3 == 1`` (segment 0 when it has a single segment)
with ``failure_stage="field_extraction"``. Such failures are transient: a segment retry
(``retries.py``) succeeds with the metadata above.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

VIDEO_EXTS = frozenset({"mp4", "avi", "mkv", "mov", "webm"})
AUDIO_EXTS = frozenset({"mp3", "wav", "flac", "m4a", "ogg", "aac"})
IMAGE_EXTS = frozenset(
    {"jpg", "jpeg", "png", "webp", "gif", "bmp", "tiff", "heic", "heif"}
)
ALL_EXTS = VIDEO_EXTS | AUDIO_EXTS | IMAGE_EXTS

VIDEO_BYTES_PER_SECOND = 100_000
AUDIO_BYTES_PER_SECOND = 16_000
VIDEO_PART_LIMIT = 40 * 60.0
AUDIO_PART_LIMIT = 2 * 3600.0

IMPORT_QUEUE_SECONDS = 0.5
IMPORT_PART_SECONDS = 1.5
RUN_QUEUE_SECONDS = 0.5
RUN_SEGMENT_SECONDS = 2.0
EXPORT_QUEUE_SECONDS = 0.5
EXPORT_PROCESS_SECONDS = 5.0
DELETE_DRAIN_SECONDS = 1.0
DELETE_WORK_SECONDS = 2.0

SMART_VIDEO_SEGMENT = 30
CONTENT_AWARE_VIDEO_SEGMENT = 20
CONTENT_AWARE_AUDIO_SEGMENT = 60

LABELS = (
    "harbor", "street", "forest", "kitchen", "stadium", "office", "beach", "studio",
    "warehouse", "classroom", "airport", "garden", "bridge", "market", "library", "stage",
)


def extension_of(name: str) -> str:
    """Lower-case extension without the dot ('' when absent)."""
    base = name.rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def media_type_of(name: str) -> str | None:
    """``video``/``audio``/``image`` for accepted extensions, else ``None``."""
    ext = extension_of(name)
    if ext in VIDEO_EXTS:
        return "video"
    if ext in AUDIO_EXTS:
        return "audio"
    if ext in IMAGE_EXTS:
        return "image"
    return None


def duration_for(media_type: str, size_bytes: int) -> float:
    """Simulated media length in seconds (at least one second for timed media)."""
    if media_type == "video":
        return max(1.0, size_bytes / VIDEO_BYTES_PER_SECOND)
    if media_type == "audio":
        return max(1.0, size_bytes / AUDIO_BYTES_PER_SECOND)
    return 0.0


def split_parts(media_type: str, duration: float) -> list[tuple[float, float]]:
    """Fewest equal parts of at most the type's limit: ``[(start, end), ...]``."""
    limit = {"video": VIDEO_PART_LIMIT, "audio": AUDIO_PART_LIMIT}.get(media_type)
    if limit is None or duration <= limit:
        return [(0.0, round(duration, 3))]
    count = math.ceil(duration / limit)
    step = duration / count
    return [
        (round(i * step, 3), round(duration if i == count - 1 else (i + 1) * step, 3))
        for i in range(count)
    ]


def segment_length(media_type: str, options: dict[str, Any]) -> float:
    """Segment length for one media type under a run's segmentation options."""
    if media_type == "audio":
        if options.get("audio_segmentation_type") == "fixed":
            return float(options["audio_segment_duration"])
        return float(CONTENT_AWARE_AUDIO_SEGMENT)
    kind = options.get("video_segmentation_type", "smart")
    if kind == "fixed":
        return float(options["video_segment_duration"])
    if kind == "content_aware":
        return float(CONTENT_AWARE_VIDEO_SEGMENT)
    return float(SMART_VIDEO_SEGMENT)


def plan_segments(
    media_type: str, duration: float, options: dict[str, Any]
) -> list[tuple[float, float]]:
    """``[(start, end), ...]`` relative to the media item (images: one 0-0 segment)."""
    if media_type == "image" or duration <= 0:
        return [(0.0, 0.0)]
    length = segment_length(media_type, options)
    count = max(1, math.ceil(duration / length - 1e-9))
    return [
        (round(i * length, 3), round(min(duration, (i + 1) * length), 3)) for i in range(count)
    ]


def segment_metadata(
    blob_sha256: str, part_index: int, segment_index: int
) -> tuple[dict[str, Any], str]:
    """The deterministic ``(metadata, metadata_text)`` rule documented above."""
    digest = hashlib.sha256(f"{blob_sha256}:{part_index}:{segment_index}".encode()).hexdigest()
    label = LABELS[int(digest[0:2], 16) % len(LABELS)]
    objects = [LABELS[int(digest[i : i + 2], 16) % len(LABELS)] for i in (6, 8)]
    metadata: dict[str, Any] = {
        "label": label,
        "confidence": int(digest[2:6], 16) % 1000 / 1000,
        "objects": objects,
        "fingerprint": digest[:16],
        "segment_index": segment_index,
    }
    text = (
        f"{label} scene, segment {segment_index}: objects {objects[0]} and {objects[1]} "
        f"(fingerprint {digest[:16]})"
    )
    return metadata, text


def should_fail(title: str, filename: str, segment_index: int, segment_count: int) -> bool:
    """Failure rule for media named with ``fail`` (see module docstring)."""
    if "fail" not in title.lower() and "fail" not in filename.lower():
        return False
    if segment_count == 1:
        return True
    return segment_index % 3 == 1

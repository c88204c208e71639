"""The media formats the API accepts (contract §2.2), in one place: extension → media type."""

from __future__ import annotations

from pathlib import PurePath

VIDEO_EXTS = frozenset({"mp4", "avi", "mkv", "mov", "webm"})
AUDIO_EXTS = frozenset({"mp3", "wav", "flac", "m4a", "ogg", "aac"})
IMAGE_EXTS = frozenset({"jpg", "jpeg", "png", "webp", "gif", "bmp", "tiff", "heic", "heif"})
SUPPORTED_EXTS = VIDEO_EXTS | AUDIO_EXTS | IMAGE_EXTS


def extension(name: str | PurePath) -> str:
    """Lower-case extension without the dot ('' when there is none)."""
    return PurePath(name).suffix.lower().lstrip(".")


def media_type(name: str | PurePath) -> str | None:
    """'video', 'audio' or 'image' for a supported file name, else None."""
    ext = extension(name)
    if ext in VIDEO_EXTS:
        return "video"
    if ext in AUDIO_EXTS:
        return "audio"
    if ext in IMAGE_EXTS:
        return "image"
    return None


def file_dialog_filter() -> str:
    """A QFileDialog name filter for the supported media files."""
    patterns = " ".join(f"*.{e}" for e in sorted(SUPPORTED_EXTS))
    return f"Media files ({patterns});;All files (*)"

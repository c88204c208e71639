"""Validation of prompt-run options and targets (contract §3.2).

Shared by ``/prompt-runs/execute``/``estimate`` and import automations' prompt presets.
"""

from __future__ import annotations

from typing import Any

from .context import Context
from .errors import invalid
from .lookups import load_index, load_video

VIDEO_TYPES = ("smart", "fixed", "content_aware")
AUDIO_TYPES = ("fixed", "content_aware")
MODELS = ("gemini-3-pro-preview", "gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.5-flash-lite")



def _duration(body: dict[str, Any], name: str, required: bool) -> int | None:
    value = body.get(name)
    if value is None:
        if required:
            raise invalid(name, f"{name} is required when the segmentation type is 'fixed'")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 300:
        raise invalid(name, f"{name} must be an integer between 1 and 300")
    return value


def parse_options(body: dict[str, Any]) -> dict[str, Any]:
    """Segmentation/model options of an execute/estimate body."""
    vtype = body.get("video_segmentation_type", "smart")
    atype = body.get("audio_segmentation_type", "content_aware")
    if vtype not in VIDEO_TYPES:
        raise invalid("video_segmentation_type", f"must be one of {', '.join(VIDEO_TYPES)}")
    if atype not in AUDIO_TYPES:
        raise invalid("audio_segmentation_type", f"must be one of {', '.join(AUDIO_TYPES)}")
    model = body.get("processing_model")
    if model is not None and model not in MODELS:
        raise invalid("processing_model", f"must be one of {', '.join(MODELS)}")
    options: dict[str, Any] = {
        "video_segmentation_type": vtype, "audio_segmentation_type": atype,
        "video_segment_duration": _duration(body, "video_segment_duration", vtype == "fixed"),
        "audio_segment_duration": _duration(body, "audio_segment_duration", atype == "fixed"),
        "processing_model": model,
    }
    for flag in ("enable_transcription", "enable_image_embedding"):
        value = body.get(flag, True)
        if not isinstance(value, bool):
            raise invalid(flag, f"{flag} must be a boolean")
        options[flag] = value
    return options


def resolve_target(ctx: Context, target: Any) -> tuple[dict[str, Any], list[str], str | None]:
    """``(run_context, video_ids, index_id)`` for a §3.2 target."""
    if not isinstance(target, dict):
        raise invalid("target", "target is required and must be an object")
    kind = target.get("type")
    if kind == "index":
        index_id = target.get("index_id")
        if not isinstance(index_id, str) or not index_id:
            raise invalid("target.index_id", "index_id is required for an index target")
        load_index(ctx, index_id)
        ids = [r.id for r in ctx.store.query("video", parent=index_id, descending=False)]
        return {"type": "index", "index_id": index_id}, ids, index_id
    if kind == "videos":
        wanted = target.get("video_ids")
        if (not isinstance(wanted, list) or not wanted
                or not all(isinstance(i, str) for i in wanted)):
            raise invalid("target.video_ids", "video_ids must be a non-empty list of strings")
        for vid in wanted:
            load_video(ctx, vid)
        index_id = target.get("index_id")
        if index_id is not None:
            load_index(ctx, index_id)
        context: dict[str, Any] = {"type": "videos", "video_ids": wanted}
        if index_id:
            context["index_id"] = index_id
        return context, list(dict.fromkeys(wanted)), index_id
    if kind == "playground":
        ids = [r.id for r in ctx.store.query("video", parent=None, descending=False)]
        return {"type": "playground", "is_playground": True}, ids, None
    raise invalid("target.type", "target.type must be index, videos or playground")

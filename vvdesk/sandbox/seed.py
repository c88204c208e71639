"""Demo content for ``--seed-demo`` (fixed ids so docs and tests can name them).

Seeding runs only when the settings table has no ``seeded`` marker, so restarts
never duplicate it. The media are real (demo_clips.py synthesises them), so their
lengths come from the files and their pictures are rendered by the worker after start.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from . import demo_clips
from .context import Context
from .indexes import create_index_row
from .media import create_media_row
from .prompts import create_prompt_row
from .runs import new_run, step_run
from .views import RUN_TERMINAL

DEMO_INDEX = "idx_demo_archive"
SHARED_INDEX = "idx_demo_shared"
DEMO_PROMPT = "prm_demo_scenes"
DEFAULT_PROMPT = "prm_default_general"
DEMO_RUN = "run_demo_archive"
SHARED_RUN = "run_demo_shared"

log = logging.getLogger("vvdesk.sandbox")

# (video_id, title, filename, media_type, seconds, index_id, hue of the synthesised picture)
MEDIA = [
    ("vid_demo_harbor", "Harbor timelapse", "harbor_timelapse.mp4", "video", 90.0, DEMO_INDEX,
     150),
    ("vid_demo_interview", "Interview audio", "interview.wav", "audio", 120.0, DEMO_INDEX, 20),
    ("vid_demo_poster", "Festival poster", "festival_poster.png", "image", 0.0, DEMO_INDEX, 90),
    ("vid_demo_drone", "Drone footage (fail sample)", "drone_footage.mov", "video", 60.0,
     DEMO_INDEX, 45),
    ("vid_demo_city", "City walk", "city_walk.mp4", "video", 45.0, SHARED_INDEX, 200),
    ("vid_demo_playground", "Playground clip", "playground_clip.mp4", "video", 30.0, None, 60),
]

SCENE_SCHEMA = {
    "type": "object",
    "properties": {
        "label": {"type": "string", "description": "Dominant scene"},
        "confidence": {"type": "number"},
        "objects": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["label"],
}


def _finish(ctx: Context, run_id: str) -> None:
    row = ctx.store.get("run", run_id)
    while row is not None and row.doc["status"] not in RUN_TERMINAL:
        step_run(ctx, row)
        row = ctx.store.get("run", run_id)
    if row is not None:
        ctx.store.save(row, next_at=None)


def seed_demo(ctx: Context) -> bool:
    """Fill an empty sandbox with demo data; ``False`` when already seeded."""
    if ctx.store.setting("seeded") or ctx.store.count("index"):
        return False
    started = time.perf_counter()
    create_index_row(ctx, "Demo archive", index_id=DEMO_INDEX,
                     description="Demo media for trying the desktop client")
    create_index_row(ctx, "Sample library", index_id=SHARED_INDEX, is_default=True,
                     description="Shared demo index")
    fields: dict[str, Any] = {
        "name": "Scene summary", "description": "Labels the dominant scene of each segment",
        "prompt_text": "Describe the dominant scene, a confidence and the visible objects.",
        "json_schema": SCENE_SCHEMA, "video_level": None,
        "semantic_indexing": {"disabled_segment_fields": [], "disabled_video_level_fields": []},
    }
    prompt = create_prompt_row(ctx, fields, prompt_id=DEMO_PROMPT)
    create_prompt_row(ctx, {**fields, "name": "General description",
                            "description": "Shared default prompt"},
                      prompt_id=DEFAULT_PROMPT, default=True)
    for video_id, title, filename, media_type, seconds, index_id, hue in MEDIA:
        sha, found = demo_clips.make(ctx, filename, media_type, seconds, hue)
        length = found.duration if found and media_type != "image" else seconds
        create_media_row(ctx, video_id=video_id, title=title, filename=filename, blob_sha=sha,
                         media_type=media_type, duration=length, index_id=index_id,
                         decoded=found is not None, width=found.width if found else None,
                         height=found.height if found else None)
    clips = time.perf_counter() - started
    options = {"video_segmentation_type": "smart", "audio_segmentation_type": "content_aware",
               "enable_transcription": True, "enable_image_embedding": True}
    for run_id, index_id in ((DEMO_RUN, DEMO_INDEX), (SHARED_RUN, SHARED_INDEX)):
        ids = [m[0] for m in MEDIA if m[5] == index_id]
        new_run(ctx, prompt=prompt.doc, run_context={"type": "index", "index_id": index_id},
                video_ids=ids, options=options, index_id=index_id, run_id=run_id)
        _finish(ctx, run_id)
    ctx.store.set_setting("seeded", "1")
    log.info("demo seed: media %.2f s, in all %.2f s", clips, time.perf_counter() - started)
    return True

"""Bench-only bulk fill: many processed segments in one go (``POST /_sandbox/bench/fill``).

Creates an index with ``media`` placeholder media items of ``per_media`` one-second
segments each, one completed run over them with the deterministic metadata rule
(simulate.segment_metadata, seed ``bench-<n>``), and indexes the run for search. It
skips the simulated pacing: it exists so bench/search.py can measure search over 100k
segments without waiting hours of simulated processing. With ``pictures`` every media
item and segment gets its placeholder thumbnail at once (for grid benches); without,
none.
"""

from __future__ import annotations

from typing import Any

from . import blobs, clock, mediakit, search, simulate
from .context import Context
from .indexes import create_index_row
from .lookups import load_prompt
from .media import create_media_row
from .runs import new_run


def _placeholder(ctx: Context, seed: str, media_type: str) -> str:
    return blobs.put_bytes(ctx.blob_dir, mediakit.placeholder(seed, media_type))


def fill(ctx: Context, *, media: int, per_media: int, prompt_id: str,
         pictures: bool = False) -> dict[str, Any]:
    prompt = load_prompt(ctx, prompt_id)
    index = create_index_row(ctx, f"Bench {media}x{per_media}")
    now = clock.iso()
    with ctx.store.transaction():
        video_ids = []
        for m in range(media):
            row = create_media_row(
                ctx, video_id=f"vid_bench_{index.id[-8:]}_{m}", title=f"Bench media {m}",
                filename=f"bench_{m}.mp4", blob_sha=f"bench-{m}", media_type="video",
                duration=float(per_media), index_id=index.id, pictures=False)
            if pictures:
                row.doc["_thumb_sha"] = _placeholder(ctx, f"bench-{m}", "video")
                ctx.store.save(row)
            video_ids.append(row.id)
        run = new_run(ctx, prompt=prompt.doc, run_context={"type": "index",
                                                           "index_id": index.id},
                      video_ids=video_ids, options={"video_segmentation_type": "fixed",
                                                    "video_segment_duration": 1},
                      index_id=index.id)
        for m, vid in enumerate(video_ids):
            for i in range(per_media):
                metadata, text = simulate.segment_metadata(f"bench-{m}", 0, i)
                seg_id = f"seg_bench_{run.id[-8:]}_{m}_{i}"
                ctx.store.insert("segment", seg_id, {
                    "segment_id": seg_id, "video_id": vid, "start_time": float(i),
                    "end_time": float(i + 1), "processed": True, "processing_failed": False,
                    "segment_status": "completed", "from_run_id": run.id, "created_at": now,
                    "processed_at": now, "metadata": metadata, "metadata_text": text,
                    "status_source": "prompt_run", "marker": {}, "metadata_markers": {},
                    "field_extraction_succeeded": True, "_index": i, "_count": per_media,
                    **({"_thumb_sha": _placeholder(ctx, f"bench-{m}:{i}", "video")}
                       if pictures else {}),
                }, parent=vid, parent2=run.id)
        total = media * per_media
        run.doc.update(status="completed", total_videos=media, completed_videos=media,
                       total_segments=total, completed_segments=total,
                       billing_status="charged")
        ctx.store.save(run, next_at=None)
    search.index_run(ctx, run)
    return {"index_id": index.id, "run_id": run.id, "segments": total}

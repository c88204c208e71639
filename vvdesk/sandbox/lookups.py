"""Load-or-404 helpers for stored resources, shared by routes and domain code.

They sit below the routes (routes → domain → storage) so domain modules such as
automations and the demo seed can use them without importing a route module.
"""

from __future__ import annotations

from .context import Context
from .db import Row
from .errors import not_found


def _load(ctx: Context, kind: str, resource_id: str, label: str) -> Row:
    row = ctx.store.get(kind, resource_id)
    if row is None:
        raise not_found(label, resource_id)
    return row


def load_index(ctx: Context, index_id: str) -> Row:
    """Live (not deleted) index or 404 ``resource_index_not_found``."""
    return _load(ctx, "index", index_id, "index")


def load_video(ctx: Context, video_id: str) -> Row:
    """Live media item or 404 ``resource_video_not_found``."""
    return _load(ctx, "video", video_id, "video")


def load_prompt(ctx: Context, prompt_id: str) -> Row:
    """Prompt (active or not) or 404 ``resource_prompt_not_found``."""
    return _load(ctx, "prompt", prompt_id, "prompt")


def load_run(ctx: Context, run_id: str) -> Row:
    """Prompt run or 404 ``resource_prompt_run_not_found``."""
    return _load(ctx, "run", run_id, "prompt_run")


def load_export(ctx: Context, export_id: str) -> Row:
    """Export or 404 ``resource_export_not_found``."""
    return _load(ctx, "export", export_id, "export")


def load_import_job(ctx: Context, job_id: str) -> Row:
    """Import job or 404 ``resource_import_job_not_found``."""
    return _load(ctx, "import_job", job_id, "import_job")


def load_webhook(ctx: Context, webhook_id: str) -> Row:
    """Webhook or 404 ``resource_webhook_not_found``."""
    return _load(ctx, "webhook", webhook_id, "webhook")


def load_delivery(ctx: Context, delivery_id: str) -> Row:
    """Webhook delivery or 404 ``resource_webhook_delivery_not_found``."""
    return _load(ctx, "webhook_delivery", delivery_id, "webhook_delivery")


def latest_run_id(ctx: Context, video_id: str) -> str | None:
    """Run of the most recently created segment of a media item."""
    rows = ctx.store.query("segment", parent=video_id, limit=1)
    return rows[0].parent2 if rows else None

"""Webhook subscriptions and real, signed, retried deliveries (contract §7).

Events raised: ``export.ready`` / ``export.failed`` (an export finishes),
``prompt_run.completed`` / ``prompt_run.partial_completed`` (``completed_with_failures``)
/ ``prompt_run.failed`` / ``prompt_run.cancelled`` (a run finishes or is cancelled) and
``import_job.completed`` (an upload or connector import finishes). Each goes to every
``active`` webhook subscribed to it whose ``index_ids`` is null or holds the event's
index (events without an index go to all). ``POST /webhooks/{id}/test`` sends one
``webhook.test`` event at once (one attempt, no retries) and logs it like any other.

Targets: loopback only in the sandbox (``127.0.0.0/8``, ``::1``, ``localhost``), http
or https (the real API demands https; a loopback receiver in tests speaks http).

Each delivery is ``POST <url>`` with the JSON body
``{id, event, api_version, created_at, webhook_id, data, metadata}`` (``data`` is the
resource as the API shows it; ``metadata`` the webhook's) and headers
``Content-Type: application/json``, ``X-Webhook-Signature: sha256=<hex HMAC-SHA256 of
the raw body with the webhook secret>``, ``X-Webhook-ID``, ``X-Delivery-ID``,
``X-Event-Type``, ``Idempotency-Key`` (= the delivery id, the same on every attempt),
``X-Delivery-Attempt-ID`` (new per attempt). The body bytes are fixed when the event
is raised, so every attempt sends the same bytes; the signature uses the secret
current at the attempt (a rotated secret signs the retries). Redirects are not
followed; 2xx within ``ATTEMPT_TIMEOUT`` real seconds is success.

Retries: up to ``MAX_ATTEMPTS`` attempts; after failed attempt ``n`` the next one is
due ``BACKOFF_BASE * 3**(n-1)`` base seconds later (5, 15, 45, 135; divided by the
time scale), then the delivery is ``failed``. ``POST /webhooks/deliveries/{id}/retry``
queues one more attempt for a ``failed`` or ``retrying`` delivery. Delivery statuses:
``pending`` (queued) → ``processing`` (in flight) → ``delivered`` | ``retrying`` |
``failed``. Deliveries ride on the simulation worker, so ``/_sandbox/simulation``
``paused`` holds them too. A webhook's ``failure_count`` counts failed attempts since its
last success.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import ssl
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx

from . import clock
from .context import Context
from .db import Row
from .errors import invalid
from .ids import new_id
from .views import import_job_view, public, run_view

log = logging.getLogger("vvdesk.sandbox")

EVENTS = (
    "media.created", "media.processing.started", "media.processing.completed",
    "media.processing.failed", "prompt_run.started", "prompt_run.completed",
    "prompt_run.failed", "prompt_run.cancelled", "prompt_run.partial_completed",
    "prompt_run.progress", "export.ready", "export.failed", "import_job.started",
    "import_job.completed", "import_job.failed", "import_job.partial_completed",
    "import_job.progress",
)
TEST_EVENT = "webhook.test"
DELIVERY_STATUSES = ("pending", "processing", "delivered", "failed", "retrying")
API_VERSION = "2024-01"
MAX_ATTEMPTS = 5
BACKOFF_BASE = 5.0
ATTEMPT_TIMEOUT = 5.0
RESPONSE_BODY_LIMIT = 1000
RUN_EVENTS = {"completed": "prompt_run.completed", "failed": "prompt_run.failed",
              "completed_with_failures": "prompt_run.partial_completed",
              "cancelled": "prompt_run.cancelled"}

_tasks: set[asyncio.Task[dict[str, Any]]] = set()
_ssl: ssl.SSLContext | None = None


def check_url(value: Any) -> str:
    """A loopback http(s) URL without credentials or fragment, else 422 ``url``."""
    if not isinstance(value, str) or not value.strip():
        raise invalid("url", "url is required")
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise invalid("url", "url must be an http(s) URL")
    if parts.username or parts.password or parts.fragment:
        raise invalid("url", "url must not contain credentials or a fragment")
    host = parts.hostname
    loopback = host == "localhost"
    if not loopback:
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
    if not loopback:
        raise invalid("url", "the sandbox only delivers to this computer (127.0.0.1, ::1, "
                             "localhost)", reason="non_loopback_url")
    return value.strip()


def new_secret() -> str:
    return "whsec_" + secrets.token_hex(24)


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def backoff(attempts: int) -> float:
    """Base seconds to wait after the ``attempts``-th failed attempt."""
    return BACKOFF_BASE * 3 ** (attempts - 1)


def _subscribed(hook: dict[str, Any], event: str, index_id: str | None) -> bool:
    if hook["status"] != "active" or event not in hook["events"]:
        return False
    return hook["index_ids"] is None or index_id is None or index_id in hook["index_ids"]


def new_delivery(ctx: Context, hook: Row, event: str, data: dict[str, Any], *,
                 due: bool, max_attempts: int = MAX_ATTEMPTS) -> Row:
    """A logged delivery of ``event`` to ``hook`` (queued for the worker when ``due``)."""
    delivery_id = new_id("whd")
    now = clock.iso()
    payload = {"id": new_id("evt"), "event": event, "api_version": API_VERSION,
               "created_at": now, "webhook_id": hook.id, "data": data,
               "metadata": hook.doc.get("metadata")}
    doc = {
        "delivery_id": delivery_id, "webhook_id": hook.id, "event_type": event,
        "status": "pending", "attempts": 0, "last_attempt_at": None, "next_retry_at": None,
        "response_status_code": None, "response_body": None, "error_message": None,
        "created_at": now, "completed_at": None, "payload": payload,
        "_body": json.dumps(payload, separators=(",", ":"), sort_keys=True),
        "_max_attempts": max_attempts,
    }
    return ctx.store.insert("webhook_delivery", delivery_id, doc, parent=hook.id,
                            next_at=clock.now() if due else None)


def emit(ctx: Context, event: str, data: dict[str, Any], index_id: str | None) -> None:
    """Queue ``event`` for every subscribed webhook."""
    for hook in ctx.store.query("webhook"):
        if _subscribed(hook.doc, event, index_id):
            new_delivery(ctx, hook, event, data, due=True)


def step_delivery(ctx: Context, row: Row) -> None:
    """Worker step: start one attempt in the background (the worker never waits on I/O)."""
    if row.doc["status"] not in ("pending", "retrying"):
        ctx.store.save(row, next_at=None)
        return
    row.doc["status"] = "processing"
    ctx.store.save(row, next_at=None)
    task = asyncio.get_running_loop().create_task(attempt(ctx, row.id))
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)


def _verify() -> ssl.SSLContext:
    global _ssl
    if _ssl is None:
        _ssl = httpx.create_ssl_context()
    return _ssl


async def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str, str]:
    """(status or None, response text, error) of one POST."""
    try:
        async with httpx.AsyncClient(verify=_verify(), follow_redirects=False,
                                     timeout=ATTEMPT_TIMEOUT, trust_env=False) as http:
            response = await http.post(url, content=body, headers=headers)
    except httpx.TimeoutException:
        return None, "", f"no answer within {ATTEMPT_TIMEOUT:g} s"
    except httpx.HTTPError as exc:
        return None, "", f"connection failed: {type(exc).__name__}"
    text = response.text[:RESPONSE_BODY_LIMIT]
    if 200 <= response.status_code < 300:
        return response.status_code, text, ""
    return response.status_code, text, f"the receiver answered {response.status_code}"


async def attempt(ctx: Context, delivery_id: str) -> dict[str, Any]:
    """One delivery attempt; records the outcome and schedules a retry when due."""
    row = ctx.store.get("webhook_delivery", delivery_id)
    if row is None:
        return {}
    hook = ctx.store.get("webhook", row.doc["webhook_id"])
    body = row.doc["_body"].encode()
    if hook is None:
        status, text, error = None, "", "the webhook no longer exists"
    else:
        headers = {
            "Content-Type": "application/json", "User-Agent": "VideoVector-Webhooks/sandbox",
            "X-Webhook-Signature": sign(hook.doc["_secret"], body), "X-Webhook-ID": hook.id,
            "X-Delivery-ID": delivery_id, "X-Event-Type": row.doc["event_type"],
            "Idempotency-Key": delivery_id, "X-Delivery-Attempt-ID": new_id("wha"),
        }
        status, text, error = await _post(hook.doc["url"], body, headers)
    _record(ctx, delivery_id, status, text, error)
    done = ctx.store.get("webhook_delivery", delivery_id)
    return done.doc if done else {}


def _record(ctx: Context, delivery_id: str, status: int | None, text: str, error: str) -> None:
    row = ctx.store.get("webhook_delivery", delivery_id)
    if row is None:
        return
    doc, now = row.doc, clock.iso()
    doc.update(attempts=doc["attempts"] + 1, last_attempt_at=now, response_status_code=status,
               response_body=text or None, error_message=error or None, next_retry_at=None)
    hook = ctx.store.get("webhook", doc["webhook_id"])
    next_at = None
    if not error:
        doc.update(status="delivered", completed_at=now)
        if hook:
            hook.doc.update(failure_count=0, last_success_at=now)
    else:
        if hook:
            hook.doc.update(failure_count=hook.doc["failure_count"] + 1, last_failure_at=now)
        if hook and doc["attempts"] < doc["_max_attempts"]:
            next_at = ctx.clock.after(backoff(doc["attempts"]))
            doc.update(status="retrying", next_retry_at=clock.iso(next_at))
        else:
            doc.update(status="failed", completed_at=now)
    with ctx.store.transaction():
        ctx.store.save(row, next_at=next_at)
        if hook:
            ctx.store.save(hook)


def retry(ctx: Context, row: Row) -> None:
    """Queue one more attempt now (``failed`` gets exactly one more)."""
    doc = row.doc
    doc["_max_attempts"] = max(doc["_max_attempts"], doc["attempts"] + 1)
    doc.update(status="pending", next_retry_at=None, completed_at=None)
    ctx.store.save(row, next_at=clock.now())


def _index_of_export(ctx: Context, doc: dict[str, Any]) -> str | None:
    if doc["export_type"] == "index":
        return str(doc["target_id"])
    run = ctx.store.get("run", doc["target_id"], include_hidden=True)
    return run.parent if run else None


def on_export_finished(ctx: Context, row: Row) -> None:
    event = "export.ready" if row.doc["status"] == "completed" else "export.failed"
    emit(ctx, event, public(row.doc), _index_of_export(ctx, row.doc))


def on_run_finished(ctx: Context, row: Row) -> None:
    event = RUN_EVENTS.get(row.doc["status"])
    if event:
        emit(ctx, event, run_view(row.doc), row.parent)


def on_import_completed(ctx: Context, row: Row) -> None:
    """``import_job.completed``, ``.partial_completed`` (some files failed) or ``.failed``."""
    doc = row.doc
    event = "import_job.completed"
    if doc["status"] == "failed":
        event = ("import_job.partial_completed" if doc["progress"].get("imported")
                 else "import_job.failed")
    emit(ctx, event, import_job_view(row), doc.get("target_index_id"))


def install(ctx: Context, steps: dict[str, Callable[[Context, Row], None]]) -> None:
    """Register the delivery step and the event hooks; requeue attempts cut by a restart."""
    steps["webhook_delivery"] = step_delivery
    ctx.hooks.export_finished.append(on_export_finished)
    ctx.hooks.run_finished.append(on_run_finished)
    ctx.hooks.import_completed.append(on_import_completed)
    for row in ctx.store.query("webhook_delivery"):
        if row.doc["status"] == "processing":
            row.doc["status"] = "retrying"
            ctx.store.save(row, next_at=clock.now())

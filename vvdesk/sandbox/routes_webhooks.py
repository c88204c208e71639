"""``/webhooks`` routes (SDK ``client.webhooks``; behaviour in ``webhooks.py``)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import clock, idempotency, webhooks
from .checks import require_str
from .context import Context, ctx_of
from .errors import conflict, invalid
from .ids import new_id
from .lookups import load_delivery, load_webhook
from .paging import parse_limit
from .views import public
from .web import json_object, respond

FIELDS = {"name", "url", "events", "index_ids", "metadata"}


def _events(value: Any) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(e, str) for e in value):
        raise invalid("events", "events must be a non-empty list of event names")
    unknown = sorted(set(value) - set(webhooks.EVENTS))
    if unknown:
        raise invalid("events", f"unknown event(s): {', '.join(unknown)}", unknown=unknown)
    return list(dict.fromkeys(value))


def _index_ids(ctx: Context, value: Any) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(i, str) for i in value):
        raise invalid("index_ids", "index_ids must be a list of index ids or null")
    for index_id in value:
        if ctx.store.get("index", index_id) is None:
            raise invalid("index_ids", f"index '{index_id}' does not exist")
    return list(dict.fromkeys(value))


def _metadata(value: Any) -> dict[str, Any] | None:
    if value is not None and not isinstance(value, dict):
        raise invalid("metadata", "metadata must be an object")
    return value


def _checked(ctx: Context, body: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    allowed = FIELDS | ({"status"} if partial else set())
    unknown = set(body) - allowed
    if unknown:
        raise invalid(sorted(unknown)[0], "unknown field")
    out: dict[str, Any] = {}
    if not partial or "name" in body:
        out["name"] = require_str(body, "name", low=1, high=100)
    if not partial or "url" in body:
        out["url"] = webhooks.check_url(body.get("url"))
    if not partial or "events" in body:
        out["events"] = _events(body.get("events"))
    if "index_ids" in body or not partial:
        out["index_ids"] = _index_ids(ctx, body.get("index_ids"))
    if "metadata" in body or not partial:
        out["metadata"] = _metadata(body.get("metadata"))
    if "status" in body:
        if body["status"] not in ("active", "paused"):
            raise invalid("status", "status must be 'active' or 'paused'")
        out["status"] = body["status"]
    return out


def _create(ctx: Context, values: dict[str, Any]) -> dict[str, Any]:
    webhook_id = new_id("wh")
    now = clock.iso()
    doc = {"webhook_id": webhook_id, **values, "status": "active", "failure_count": 0,
           "last_failure_at": None, "last_success_at": None, "created_at": now,
           "updated_at": now, "_secret": webhooks.new_secret()}
    doc = {k: doc[k] for k in ("webhook_id", "name", "url", "events", "index_ids", "status",
                                "failure_count", "last_failure_at", "last_success_at",
                                "created_at", "updated_at", "metadata", "_secret")}
    ctx.store.insert("webhook", webhook_id, doc)
    return {**public(doc), "secret": doc["_secret"]}


async def create_webhook(request: Request) -> Response:
    """201 + secret; with an Idempotency-Key the live row owns the key (contract §0.5):
    a replay returns the original answer while the webhook exists, and after it was
    deleted the same key creates a new one with a fresh secret."""
    ctx = ctx_of(request)
    body = await json_object(request)
    values = _checked(ctx, body, partial=False)
    key = request.headers.get("idempotency-key")
    if not key:
        return respond(_create(ctx, values), 201)
    scope = idempotency.scope_of(ctx.key_hash, "POST", request.url.path, key)
    print_ = idempotency.fingerprint(body)
    receipt = idempotency.lookup(ctx.store, scope, print_)
    if receipt is not None and ctx.store.get("webhook", receipt.body["webhook_id"]):
        return respond(receipt.body, receipt.status)
    answer = _create(ctx, values)
    idempotency.record(ctx.store, scope, print_, 201, answer)
    return respond(answer, 201)


async def list_webhooks(request: Request) -> Response:
    return respond([public(r.doc) for r in ctx_of(request).store.query("webhook")])


async def get_webhook(request: Request) -> Response:
    ctx = ctx_of(request)
    return respond(public(load_webhook(ctx, request.path_params["webhook_id"]).doc))


async def update_webhook(request: Request) -> Response:
    ctx = ctx_of(request)
    row = load_webhook(ctx, request.path_params["webhook_id"])
    values = _checked(ctx, await json_object(request, optional=True), partial=True)
    row.doc.update(values, updated_at=clock.iso())
    ctx.store.save(row)
    return respond(public(row.doc))


async def delete_webhook(request: Request) -> Response:
    ctx = ctx_of(request)
    row = load_webhook(ctx, request.path_params["webhook_id"])
    with ctx.store.transaction():
        for delivery in ctx.store.query("webhook_delivery", parent=row.id):
            ctx.store.delete(delivery)
        ctx.store.delete(row)
    return respond({"message": f"Webhook '{row.id}' deleted", "webhook_id": row.id})


async def rotate_secret(request: Request) -> Response:
    ctx = ctx_of(request)
    row = load_webhook(ctx, request.path_params["webhook_id"])
    row.doc.update(_secret=webhooks.new_secret(), updated_at=clock.iso())
    ctx.store.save(row)
    return respond({"webhook_id": row.id, "new_secret": row.doc["_secret"]})


async def test_webhook(request: Request) -> Response:
    """One ``webhook.test`` delivery now, logged; replayed for a repeated Idempotency-Key."""
    ctx = ctx_of(request)
    row = load_webhook(ctx, request.path_params["webhook_id"])
    key = request.headers.get("idempotency-key")
    scope = idempotency.scope_of(ctx.key_hash, "POST", request.url.path, key) if key else ""
    if key:
        receipt = idempotency.lookup(ctx.store, scope, idempotency.fingerprint({}))
        if receipt is not None:
            return respond(receipt.body, receipt.status)
    data = {"message": "Test event from the VideoVector sandbox", "webhook_id": row.id}
    delivery = webhooks.new_delivery(ctx, row, webhooks.TEST_EVENT, data, due=False,
                                     max_attempts=1)
    delivery.doc["status"] = "processing"
    ctx.store.save(delivery)
    done = await webhooks.attempt(ctx, delivery.id)
    answer = {"success": done.get("status") == "delivered",
              "status_code": done.get("response_status_code"),
              "error": done.get("error_message")}
    if key:
        idempotency.record(ctx.store, scope, idempotency.fingerprint({}), 200, answer)
    return respond(answer)


async def list_deliveries(request: Request) -> Response:
    ctx = ctx_of(request)
    row = load_webhook(ctx, request.path_params["webhook_id"])
    limit = parse_limit(request, default=50, low=1, high=100) or 50
    status = request.query_params.get("status") or None
    if status is not None and status not in webhooks.DELIVERY_STATUSES:
        raise invalid("status", f"status must be one of {', '.join(webhooks.DELIVERY_STATUSES)}")
    rows = [d for d in ctx.store.query("webhook_delivery", parent=row.id)
            if status is None or d.doc["status"] == status]
    return respond([public(d.doc) for d in rows[:limit]])


async def get_delivery(request: Request) -> Response:
    ctx = ctx_of(request)
    return respond(public(load_delivery(ctx, request.path_params["delivery_id"]).doc))


async def retry_delivery(request: Request) -> Response:
    ctx = ctx_of(request)
    row = load_delivery(ctx, request.path_params["delivery_id"])
    if row.doc["status"] not in ("failed", "retrying"):
        raise conflict("resource_webhook_delivery_not_retryable",
                       f"Only failed or retrying deliveries can be retried; this one is "
                       f"{row.doc['status']}", delivery_id=row.id, status=row.doc["status"])
    webhooks.retry(ctx, row)
    return respond(public(row.doc))


async def list_events(request: Request) -> Response:
    return respond(list(webhooks.EVENTS))


ROUTES = [
    Route("/webhooks", create_webhook, methods=["POST"]),
    Route("/webhooks", list_webhooks, methods=["GET"]),
    Route("/webhooks/events", list_events, methods=["GET"]),
    Route("/webhooks/deliveries/{delivery_id}", get_delivery, methods=["GET"]),
    Route("/webhooks/deliveries/{delivery_id}/retry", retry_delivery, methods=["POST"]),
    Route("/webhooks/{webhook_id}", get_webhook, methods=["GET"]),
    Route("/webhooks/{webhook_id}", update_webhook, methods=["PATCH"]),
    Route("/webhooks/{webhook_id}", delete_webhook, methods=["DELETE"]),
    Route("/webhooks/{webhook_id}/rotate-secret", rotate_secret, methods=["POST"]),
    Route("/webhooks/{webhook_id}/test", test_webhook, methods=["POST"]),
    Route("/webhooks/{webhook_id}/deliveries", list_deliveries, methods=["GET"]),
]

"""Webhooks through the SDK: CRUD, events list, test, real signed deliveries, retries, log."""

from __future__ import annotations

import asyncio
import itertools
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from videovector import AsyncVideoVector, NotFoundError, ValidationError
from videovector._types import ImportJob, PromptRun
from videovector.resources.webhooks import WEBHOOK_EVENTS

from tests.sandbox.conftest import Runner, make_client
from tests.sandbox.helpers import make_file, poll, raw, upload_and_wait, wait_run
from tests.sandbox.receivers import Receiver, receiver, verify_signature
from tests.sandbox.shapes import missing_fields
from tests.sandbox_proc import SandboxProcess

ARCHIVE = "idx_demo_archive"


def body_of(post: Any) -> dict[str, Any]:
    return json.loads(post.body)


async def wait_posts(rec: Receiver, event: str, count: int = 1,
                     timeout: float = 20.0) -> list[Any]:
    deadline = asyncio.get_running_loop().time() + timeout
    while len(rec.posts(event)) < count:
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"{event}: {len(rec.posts(event))} of {count} posts")
        await asyncio.sleep(0.02)
    return rec.posts(event)


def test_events_list_is_the_sdks_and_needs_no_key(run: Runner, sandbox: SandboxProcess) -> None:
    events = run(lambda vv: vv.webhooks.list_events())
    assert events == WEBHOOK_EVENTS
    keyless = httpx.get(sandbox.base_url + "/webhooks/events", timeout=10)
    assert keyless.status_code == 200 and keyless.json() == WEBHOOK_EVENTS
    assert httpx.get(sandbox.base_url + "/webhooks", timeout=10).status_code == 401


def test_create_read_update_delete(run: Runner, sandbox: SandboxProcess) -> None:
    async def scenario(vv: AsyncVideoVector) -> None:
        made = await vv.webhooks.create(name="Ops", url="http://127.0.0.1:9/hook",
                                        events=["export.ready", "prompt_run.completed"],
                                        index_ids=[ARCHIVE], metadata={"team": "ops"})
        assert made.secret.startswith("whsec_") and made.status == "active"
        assert (made.failure_count, made.last_success_at, made.last_failure_at) == (0, None, None)
        assert made.index_ids == [ARCHIVE] and made.metadata == {"team": "ops"}
        got = await vv.webhooks.retrieve(made.webhook_id)
        assert got.name == "Ops" and got.events == ["export.ready", "prompt_run.completed"]
        plain = raw(sandbox, "GET", f"/webhooks/{made.webhook_id}").json()
        assert "secret" not in plain and made.secret not in json.dumps(plain)
        assert made.webhook_id in [w.webhook_id for w in await vv.webhooks.list()]

        paused = await vv.webhooks.update(made.webhook_id, status="paused", name="Ops 2",
                                          events=["export.failed"])
        assert (paused.status, paused.name, paused.events) == ("paused", "Ops 2",
                                                               ["export.failed"])
        assert paused.index_ids == [ARCHIVE]  # untouched by a partial update
        assert (await vv.webhooks.retrieve(made.webhook_id)).status == "paused"

        gone = await vv.webhooks.delete(made.webhook_id)
        assert made.webhook_id in gone.message
        with pytest.raises(NotFoundError):
            await vv.webhooks.retrieve(made.webhook_id)
        with pytest.raises(NotFoundError):
            await vv.webhooks.list_deliveries(made.webhook_id)

    run(scenario)


@pytest.mark.parametrize(("fields", "field"), [
    ({"url": "https://example.com/hook"}, "url"),
    ({"url": "http://10.0.0.1/hook"}, "url"),
    ({"url": "ftp://127.0.0.1/hook"}, "url"),
    ({"events": ["export.completed"]}, "events"),
    ({"events": []}, "events"),
    ({"name": "x" * 101}, "name"),
    ({"index_ids": ["idx_missing"]}, "index_ids"),
])
def test_create_is_validated(run: Runner, fields: dict[str, Any], field: str) -> None:
    args = {"name": "Bad", "url": "http://localhost:9/hook", "events": ["export.ready"],
            **fields}

    async def scenario(vv: AsyncVideoVector) -> None:
        with pytest.raises(ValidationError) as info:
            await vv.webhooks.create(**args)
        assert info.value.details["field"] == field

    run(scenario)


def test_create_key_belongs_to_the_live_webhook(run: Runner) -> None:
    async def scenario(vv: AsyncVideoVector) -> None:
        args = {"name": "Idem", "url": "http://127.0.0.1:9/", "events": ["export.ready"],
                "idempotency_key": "webhook-idem-1"}
        first = await vv.webhooks.create(**args)
        again = await vv.webhooks.create(**args)
        assert (again.webhook_id, again.secret) == (first.webhook_id, first.secret)
        await vv.webhooks.delete(first.webhook_id)
        fresh = await vv.webhooks.create(**args)
        assert fresh.webhook_id != first.webhook_id and fresh.secret != first.secret
        await vv.webhooks.delete(fresh.webhook_id)

    run(scenario)


def test_test_event_is_signed_and_logged(run: Runner) -> None:
    with receiver() as rec:
        async def scenario(vv: AsyncVideoVector) -> None:
            hook = await vv.webhooks.create(name="T", url=rec.url, events=["export.ready"],
                                            metadata={"env": "test"})
            result = await vv.webhooks.test(hook.webhook_id)
            assert (result.success, result.status_code, result.error) == (True, 200, None)
            [post] = rec.posts("webhook.test")
            assert verify_signature(post.body, post.headers["x-webhook-signature"], hook.secret)
            assert not verify_signature(post.body + b" ", post.headers["x-webhook-signature"],
                                        hook.secret)
            assert not verify_signature(post.body, post.headers["x-webhook-signature"],
                                        "whsec_other")
            assert post.headers["x-webhook-id"] == hook.webhook_id
            assert post.headers["content-type"] == "application/json"
            payload = body_of(post)
            assert payload["event"] == "webhook.test" and payload["metadata"] == {"env": "test"}
            [logged] = await vv.webhooks.list_deliveries(hook.webhook_id)
            assert logged.delivery_id == post.headers["x-delivery-id"]
            assert (logged.status, logged.attempts, logged.response_status_code) == (
                "delivered", 1, 200)
            assert logged.payload == payload and logged.event_type == "webhook.test"
            assert (await vv.webhooks.retrieve(hook.webhook_id)).last_success_at

            # rotated: the new secret signs, the old one no longer verifies
            rotated = await vv.webhooks.rotate_secret(hook.webhook_id)
            assert rotated.new_secret != hook.secret
            rec.script = [500]
            failed = await vv.webhooks.test(hook.webhook_id)
            assert (failed.success, failed.status_code) == (False, 500) and failed.error
            last = rec.posts("webhook.test")[-1]
            assert verify_signature(last.body, last.headers["x-webhook-signature"],
                                    rotated.new_secret)
            assert not verify_signature(last.body, last.headers["x-webhook-signature"],
                                        hook.secret)
            logged_failed = await vv.webhooks.list_deliveries(hook.webhook_id, status="failed")
            assert [d.response_status_code for d in logged_failed] == [500]
            assert (await vv.webhooks.retrieve(hook.webhook_id)).failure_count == 1
            await vv.webhooks.delete(hook.webhook_id)

        run(scenario)


def test_export_ready_reaches_subscribers_of_its_index_only(run: Runner) -> None:
    with receiver() as rec, receiver() as other:
        async def scenario(vv: AsyncVideoVector) -> None:
            hook = await vv.webhooks.create(name="E", url=rec.url, index_ids=[ARCHIVE],
                                            events=["export.ready", "export.failed"])
            elsewhere = await vv.webhooks.create(name="Other", url=other.url,
                                                 index_ids=["idx_demo_shared"],
                                                 events=["export.ready"])
            created = await vv.exports.create_index_export(ARCHIVE)
            [post] = await wait_posts(rec, "export.ready")
            payload = body_of(post)
            assert payload["data"]["export_id"] == created.export_id
            assert payload["data"]["status"] == "completed"
            assert verify_signature(post.body, post.headers["x-webhook-signature"], hook.secret)
            assert post.headers["idempotency-key"] == post.headers["x-delivery-id"]
            delivery_id = post.headers["x-delivery-id"]
            delivery = await poll(lambda: vv.webhooks.get_delivery(delivery_id),
                                  lambda d: d.status != "processing")  # answer being logged
            assert delivery.status == "delivered" and delivery.payload == payload
            await asyncio.sleep(0.3)
            assert other.posts() == []
            for h in (hook, elsewhere):
                await vv.webhooks.delete(h.webhook_id)

        run(scenario)


def test_import_and_run_completion_are_delivered(run: Runner, tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    make_file(path, 300_000)
    with receiver() as rec:
        async def scenario(vv: AsyncVideoVector) -> None:
            index = await vv.indexes.create(name="Hooked")
            hook = await vv.webhooks.create(
                name="R", url=rec.url,
                events=["import_job.completed", "prompt_run.completed", "prompt_run.cancelled"])
            job, _ = await upload_and_wait(vv, path, "Hooked clip", index.index_id)
            [imported] = await wait_posts(rec, "import_job.completed")
            assert body_of(imported)["data"]["job_id"] == job.job_id
            assert missing_fields(ImportJob, body_of(imported)["data"]) == []
            started = await vv.prompt_runs.execute(
                prompt_id="prm_demo_scenes", target={"type": "index", "index_id": index.index_id})
            done = await wait_run(vv, started.run_id)
            [finished] = await wait_posts(rec, "prompt_run.completed")
            assert body_of(finished)["data"]["run_id"] == done.run_id
            assert body_of(finished)["data"]["status"] == done.status == "completed"
            assert missing_fields(PromptRun, body_of(finished)["data"]) == []
            assert all(verify_signature(p.body, p.headers["x-webhook-signature"], hook.secret)
                       for p in rec.posts())
            await vv.webhooks.delete(hook.webhook_id)

        run(scenario)


def test_failed_attempts_are_retried_with_backoff(run: Runner, sandbox: SandboxProcess) -> None:
    """503, 503, then 200: three attempts, the same body and delivery id, spaced by the
    documented backoff (5 then 15 base seconds at time scale 50: 0.1 s, 0.3 s)."""
    with receiver(script=[503, 503]) as rec:
        async def scenario(vv: AsyncVideoVector) -> None:
            hook = await vv.webhooks.create(name="Retry", url=rec.url, events=["export.ready"],
                                            index_ids=[ARCHIVE])
            await vv.exports.create_index_export(ARCHIVE)
            posts = await wait_posts(rec, "export.ready", 3)
            assert len({p.headers["x-delivery-id"] for p in posts}) == 1
            assert len({p.headers["x-delivery-attempt-id"] for p in posts}) == 3
            assert len({p.body for p in posts}) == 1
            gaps = [b.at - a.at for a, b in itertools.pairwise(posts)]
            scale = sandbox.time_scale
            assert gaps[0] >= 5 / scale * 0.9 and gaps[1] >= 15 / scale * 0.9, gaps
            delivery = await poll(lambda: vv.webhooks.get_delivery(
                posts[0].headers["x-delivery-id"]), lambda d: d.status == "delivered")
            assert (delivery.attempts, delivery.response_status_code) == (3, 200)
            assert delivery.completed_at and delivery.next_retry_at is None
            after = await vv.webhooks.retrieve(hook.webhook_id)
            assert after.failure_count == 0 and after.last_failure_at and after.last_success_at
            await vv.webhooks.delete(hook.webhook_id)

        run(scenario)


@pytest.mark.timeout(60)
def test_gives_up_after_five_attempts_then_retries_on_request(run: Runner) -> None:
    with receiver(default_status=500) as rec:
        async def scenario(vv: AsyncVideoVector) -> None:
            hook = await vv.webhooks.create(name="Down", url=rec.url, events=["export.ready"],
                                            index_ids=[ARCHIVE])
            await vv.exports.create_index_export(ARCHIVE)
            [first] = await wait_posts(rec, "export.ready")
            delivery_id = first.headers["x-delivery-id"]
            mid = await poll(lambda: vv.webhooks.get_delivery(delivery_id),
                             lambda d: d.status == "retrying")
            assert mid.next_retry_at and mid.error_message and mid.response_status_code == 500
            failed = await poll(lambda: vv.webhooks.get_delivery(delivery_id),
                                lambda d: d.status == "failed", timeout=30)
            assert failed.attempts == 5 and len(rec.posts("export.ready")) == 5
            assert (await vv.webhooks.retrieve(hook.webhook_id)).failure_count == 5
            listed = await vv.webhooks.list_deliveries(hook.webhook_id, status="failed")
            assert [d.delivery_id for d in listed] == [delivery_id]

            rec.default_status = 204
            queued = await vv.webhooks.retry_delivery(delivery_id)
            assert queued.status in ("pending", "processing", "delivered")
            done = await poll(lambda: vv.webhooks.get_delivery(delivery_id),
                              lambda d: d.status == "delivered")
            assert (done.attempts, done.response_status_code) == (6, 204)
            assert (await vv.webhooks.retrieve(hook.webhook_id)).failure_count == 0
            with pytest.raises(Exception) as info:  # a delivered one is not retried
                await vv.webhooks.retry_delivery(delivery_id)
            assert getattr(info.value, "status_code", None) == 409
            await vv.webhooks.delete(hook.webhook_id)

        run(scenario)


def test_paused_webhooks_get_nothing(run: Runner) -> None:
    with receiver() as rec:
        async def scenario(vv: AsyncVideoVector) -> None:
            hook = await vv.webhooks.create(name="P", url=rec.url, events=["export.ready"])
            await vv.webhooks.update(hook.webhook_id, status="paused")
            created = await vv.exports.create_index_export(ARCHIVE)
            await vv.exports.wait_for_completion(created.export_id, poll_interval=0.05,
                                                 timeout=20)
            await asyncio.sleep(0.3)
            assert rec.posts() == []
            assert await vv.webhooks.list_deliveries(hook.webhook_id) == []
            await vv.webhooks.delete(hook.webhook_id)

        run(scenario)


def test_webhooks_and_pending_retries_survive_a_restart(tmp_path: Path) -> None:
    """Stopped while a delivery waits for its next attempt: after the restart the same
    webhook (same secret) gets it, and the log continues the attempt count."""
    with receiver(default_status=500) as rec:
        first = SandboxProcess(tmp_path / "data", time_scale=10.0)
        with first:
            async def before(vv: AsyncVideoVector) -> tuple[Any, str]:
                hook = await vv.webhooks.create(name="Persist", url=rec.url,
                                                events=["export.ready"], index_ids=[ARCHIVE])
                await vv.exports.create_index_export(ARCHIVE)
                [post] = await wait_posts(rec, "export.ready")
                delivery_id = post.headers["x-delivery-id"]
                await poll(lambda: vv.webhooks.get_delivery(delivery_id),
                           lambda d: d.status == "retrying")
                return hook, delivery_id

            hook, delivery_id = asyncio.run(_with_client(first, before))
        rec.default_status = 200
        with SandboxProcess(tmp_path / "data", time_scale=10.0) as second:
            async def after(vv: AsyncVideoVector) -> None:
                assert (await vv.webhooks.retrieve(hook.webhook_id)).name == "Persist"
                done = await poll(lambda: vv.webhooks.get_delivery(delivery_id),
                                  lambda d: d.status == "delivered")
                assert done.attempts >= 2 and done.response_status_code == 200
                last = rec.posts("export.ready")[-1]
                assert last.headers["x-delivery-id"] == delivery_id
                assert verify_signature(last.body, last.headers["x-webhook-signature"],
                                        hook.secret)

            asyncio.run(_with_client(second, after))


async def _with_client(sandbox: SandboxProcess, fn: Any) -> Any:
    vv = make_client(sandbox)
    try:
        return await fn(vv)
    finally:
        await vv.close()

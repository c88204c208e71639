"""Usage and rate limits through the SDK: counted per key, enforced as reported."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from videovector import AsyncVideoVector, RateLimitError, ValidationError

from tests.sandbox.conftest import Runner, make_client
from tests.sandbox.helpers import make_file, raw, upload_and_wait
from tests.sandbox_proc import SandboxProcess

TOKENS_PER_SEGMENT = 1200  # documented in vvdesk/sandbox/usage.py


def clear_minute() -> None:
    """Fixed minute windows: start counting tests well inside one (no rollover mid-test)."""
    while datetime.now(UTC).second >= 50:
        time.sleep(0.5)


def set_limits(sandbox: SandboxProcess, per_minute: int, per_hour: int,
               category: str | None = None) -> None:
    body = {"per_minute": per_minute, "per_hour": per_hour}
    if category:
        body["category"] = category
    assert raw(sandbox, "POST", "/_sandbox/rate-limits", json=body).status_code == 200


def test_status_counts_each_request_of_the_key(run: Runner) -> None:
    clear_minute()

    async def scenario(vv: AsyncVideoVector) -> None:
        before = (await vv.rate_limits.get_status()).categories["default"]
        for _ in range(3):
            await vv.indexes.list()
        after = await vv.rate_limits.get_status()
        default = after.categories["default"]
        assert after.plan_id == "sandbox" and after.user_id.startswith("user_")
        assert default.minute_used == before.minute_used + 3  # status reads are not counted
        assert default.hour_used == before.hour_used + 3
        assert default.minute_remaining == default.minute_limit - default.minute_used
        assert default.hour_remaining == default.hour_limit - default.hour_used
        now = time.time()
        assert now < default.reset_at <= now + 60 and default.reset_at % 60 == 0
        assert set(after.categories) == {"default", "upload", "search", "export_download"}
        refreshed = await vv.rate_limits.refresh()
        assert refreshed.categories["default"].minute_used == default.minute_used

    run(scenario)


def test_the_reported_limit_is_the_enforced_one(run: Runner, sandbox: SandboxProcess) -> None:
    clear_minute()
    used = run(lambda vv: vv.rate_limits.get_status()).categories["default"].minute_used
    set_limits(sandbox, per_minute=used + 4, per_hour=10_000, category="default")
    try:
        async def scenario(vv: AsyncVideoVector) -> None:
            status = (await vv.rate_limits.get_status()).categories["default"]
            assert status.minute_limit == used + 4 and status.minute_remaining == 4
            for _ in range(status.minute_remaining):
                await vv.indexes.list()
            with pytest.raises(RateLimitError) as info:
                await vv.indexes.list()
            assert info.value.error_code == "resource_rate_quota_exceeded"
            assert info.value.details["resource"] == "requests_per_minute"
            assert info.value.details["limit"] == used + 4
            assert 1 <= info.value.retry_after <= 60
            exhausted = (await vv.rate_limits.get_status()).categories["default"]
            assert exhausted.minute_remaining == 0 and exhausted.minute_used == used + 4
            # other categories keep their own counters
            assert (await vv.rate_limits.get_status()).categories["upload"].minute_remaining > 0

        run(scenario, max_retries=0)
    finally:
        set_limits(sandbox, per_minute=20_000, per_hour=1_000_000)


def test_command_line_limits_are_enforced_and_reported(tmp_path: Path) -> None:
    clear_minute()
    with SandboxProcess(tmp_path / "limited", seed_demo=False,
                        extra_args=["--rate-limit-per-minute", "50",
                                    "--rate-limit-per-hour", "5"]) as sandbox:
        import asyncio

        async def scenario() -> None:
            vv = make_client(sandbox, max_retries=0)
            try:
                status = await vv.rate_limits.get_status()
                assert {(c.minute_limit, c.hour_limit) for c in status.categories.values()} == {
                    (50, 5)}
                for _ in range(5):
                    await vv.indexes.list()
                with pytest.raises(RateLimitError) as info:
                    await vv.indexes.list()
                assert info.value.details["resource"] == "requests_per_hour"
                hour = (await vv.rate_limits.get_status()).categories["default"]
                assert (hour.hour_used, hour.hour_remaining) == (5, 0)
            finally:
                await vv.close()

        asyncio.run(scenario())


def test_usage_agrees_with_the_data_and_the_request_count(run: Runner, tmp_path: Path) -> None:
    path = tmp_path / "usage.mp4"
    make_file(path, 200_000)

    async def scenario(vv: AsyncVideoVector) -> None:
        first = await vv.usage.get_current()
        now = datetime.now(UTC)
        start = datetime.fromisoformat(first.period_start)
        end = datetime.fromisoformat(first.period_end)
        assert start <= now < end and start.day == 1
        assert first.user_id == (await vv.rate_limits.get_status()).user_id
        await vv.indexes.list()
        second = await vv.usage.get_current()
        # the status call, indexes.list and this usage call itself
        assert second.metrics["api_requests"] == first.metrics["api_requests"] + 2
        assert second.auth_usage["api_key"]["requests"] == second.metrics["api_requests"]

        uploaded_before = second.totals.total_videos_uploaded
        await upload_and_wait(vv, path, "Counted")
        third = await vv.usage.get_current()
        assert third.totals.total_videos_uploaded == uploaded_before + 1
        assert third.totals.total_storage_bytes >= second.totals.total_storage_bytes + 200_000

        runs = await vv.prompt_runs.list()
        finished = [r for r in runs if r.status in ("completed", "completed_with_failures",
                                                    "failed", "cancelled")]
        assert third.totals.total_tokens == TOKENS_PER_SEGMENT * sum(
            r.completed_segments for r in finished)
        assert third.totals.total_segments_created == sum(r.total_segments for r in finished)
        assert sum(m["tokens"] for m in third.model_usage.values()) == third.totals.total_tokens

        breakdown = await vv.usage.get_breakdown()
        assert breakdown.breakdown["tokens"] == third.metrics["tokens"]
        assert breakdown.totals.total_videos_uploaded == third.totals.total_videos_uploaded
        history = await vv.usage.get_history()
        assert history.periods[0].period_start == third.period_start
        assert history.periods[0].totals["total_videos_uploaded"] == uploaded_before + 1
        uploads = await vv.usage.get_details(metric_type="videos_uploaded", limit=1000)
        assert len(uploads) == third.totals.total_videos_uploaded
        assert uploads[0].timestamp >= uploads[-1].timestamp  # newest first
        assert {u.unit for u in uploads} == {"videos"}
        types = {t.type: t.unit for t in await vv.usage.get_metric_types()}
        assert set(third.metrics) == set(types) and types["tokens"] == "tokens"
        with pytest.raises(ValidationError):
            await vv.usage.get_details(metric_type="nonsense")
        with pytest.raises(ValidationError):
            await vv.usage.get_history(start_date="yesterday")

    run(scenario)

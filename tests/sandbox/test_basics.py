"""Auth, error envelopes, status mapping, indexes and idempotency."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from videovector import AsyncVideoVector
from videovector._exceptions import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    ValidationError,
)
from videovector._types import Index, IndexDeletionResponse

from .helpers import poll, raw

pytestmark = pytest.mark.timeout(60)


def assert_envelope(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error"}
    err = body["error"]
    assert set(err) == {"code", "message", "details", "request_id"}
    assert err["code"] == code
    assert err["request_id"] == response.headers["x-request-id"]
    return err


def test_auth_validate_and_activity(sandbox: Any, run: Any) -> None:
    assert raw(sandbox, "GET", "/auth/validate").status_code == 204
    ack = raw(sandbox, "POST", "/auth/processing-activity",
              json={"event_id": "e1", "surface": "sdk", "reason": "authentication"})
    assert ack.status_code == 200 and ack.json()["accepted"] is True
    assert "x-request-id" in ack.headers
    run(lambda vv: vv.indexes.list())


def test_wrong_key_is_authentication_error(sandbox: Any, run: Any) -> None:
    bad = raw(sandbox, "GET", "/indexes", headers={"X-API-Key": "sk_test_wrong"})
    assert_envelope(bad, 401, "authentication_invalid_api_key")
    missing = raw(sandbox, "GET", "/indexes", headers={"X-API-Key": ""})
    assert missing.status_code == 401
    with pytest.raises(AuthenticationError):
        run(lambda vv: vv.indexes.list(), api_key="sk_test_" + "1" * 48)


def test_not_found_has_code_and_request_id(sandbox: Any, run: Any) -> None:
    with pytest.raises(NotFoundError) as info:
        run(lambda vv: vv.indexes.retrieve("idx_missing"))
    assert info.value.error_code == "resource_index_not_found"
    assert isinstance(info.value.request_id, str) and info.value.request_id.startswith("req_")
    for path, code in (("/videos/vid_nope", "resource_video_not_found"),
                       ("/prompt-runs/run_nope", "resource_prompt_run_not_found"),
                       ("/exports/exp_nope", "resource_export_not_found"),
                       ("/import-jobs/job_nope", "resource_import_job_not_found"),
                       ("/prompts/prm_nope", "resource_prompt_not_found")):
        assert_envelope(raw(sandbox, "GET", path), 404, code)


def test_unknown_route_405_and_422_use_envelope(sandbox: Any) -> None:
    assert_envelope(raw(sandbox, "GET", "/no/such/route"), 404, "resource_route_not_found")
    assert_envelope(raw(sandbox, "PATCH", "/indexes"), 405, "method_not_allowed")
    err = assert_envelope(raw(sandbox, "GET", "/exports?limit=0"), 422, "validation_error")
    assert err["details"]["field"] == "limit"
    assert_envelope(raw(sandbox, "GET", "/exports?limit=101"), 422, "validation_error")
    assert_envelope(raw(sandbox, "GET", "/prompt-runs?limit=201"), 422, "validation_error")
    assert_envelope(raw(sandbox, "POST", "/indexes", content=b"{not json",
                        headers={"Content-Type": "application/json"}), 422, "validation_error")
    err = assert_envelope(raw(sandbox, "POST", "/indexes", json={"name": ""}), 422,
                          "validation_error")
    assert err["details"]["field"] == "name"
    assert raw(sandbox, "GET", "/indexes").headers["x-request-id"].startswith("req_")


def test_validation_error_maps_to_sdk(run: Any) -> None:
    with pytest.raises(ValidationError):
        run(lambda vv: vv.indexes.create(name="x" * 256))


def test_index_crud_and_defaults(run: Any) -> None:
    async def scenario(vv: AsyncVideoVector) -> None:
        created = await vv.indexes.create(name="Contract index")
        assert isinstance(created, Index) and created.name == "Contract index"
        assert (await vv.indexes.retrieve(created.index_id)) == created
        listed = await vv.indexes.list()
        ids = [i.index_id for i in listed]
        assert created.index_id in ids and "idx_demo_shared" in ids
        assert ids[0] == created.index_id  # newest first
        own = await vv.indexes.list(include_defaults=False)
        assert all(not i.is_default for i in own)
        assert any(i.is_default for i in listed)
        deletion = await vv.indexes.delete(created.index_id)
        assert isinstance(deletion, IndexDeletionResponse)
        assert deletion.status == "draining" and deletion.retry_after_seconds >= 1
        final = await poll(lambda: vv.indexes.get_deletion(created.index_id),
                           lambda d: d.status == "deleted")
        assert final.retry_after_seconds is None and final.deletion_id == deletion.deletion_id
        assert created.index_id not in [i.index_id for i in await vv.indexes.list()]
        with pytest.raises(NotFoundError):
            await vv.indexes.retrieve(created.index_id)

    run(scenario)


def test_idempotent_replay_and_mismatch(sandbox: Any, run: Any) -> None:
    key = f"index-create:{uuid.uuid4().hex}"
    first = raw(sandbox, "POST", "/indexes", json={"name": "Once"},
                headers={"Idempotency-Key": key})
    again = raw(sandbox, "POST", "/indexes", json={"name": "Once"},
                headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    names = [i["name"] for i in raw(sandbox, "GET", "/indexes").json()]
    assert names.count("Once") == 1
    other = raw(sandbox, "POST", "/indexes", json={"name": "Different"},
                headers={"Idempotency-Key": key})
    assert_envelope(other, 409, "idempotency_request_mismatch")

    async def sdk(vv: AsyncVideoVector) -> None:
        skey = f"index-create:{uuid.uuid4().hex}"
        a = await vv.indexes.create(name="SDK once", idempotency_key=skey)
        b = await vv.indexes.create(name="SDK once", idempotency_key=skey)
        assert a.index_id == b.index_id
        with pytest.raises(ConflictError) as info:
            await vv.indexes.create(name="SDK other", idempotency_key=skey)
        assert info.value.error_code == "idempotency_request_mismatch"

    run(sdk)


def test_prompts(sandbox: Any, run: Any) -> None:
    async def scenario(vv: AsyncVideoVector) -> None:
        listing = await vv.prompts.list()
        assert listing.total_count >= 2 and listing.active_count >= 2
        ids = [p.prompt_id for p in listing.prompts]
        assert "prm_demo_scenes" in ids and "prm_default_general" in ids
        own = await vv.prompts.list(include_defaults=False)
        assert "prm_default_general" not in [p.prompt_id for p in own.prompts]
        created = await vv.prompts.create(name="Mood", prompt_text="Describe the mood here.",
                                          json_schema={"type": "object"})
        assert (await vv.prompts.retrieve(created.prompt_id)).name == "Mood"

    run(scenario)
    for body, field in (({"name": "ab", "prompt_text": "0123456789", "json_schema": {}}, "name"),
                        ({"name": "abc", "prompt_text": "short", "json_schema": {}},
                         "prompt_text"),
                        ({"name": "abc", "prompt_text": "0123456789"}, "json_schema"),
                        ({"name": "abc", "prompt_text": "0123456789", "json_schema": {},
                          "description": "d" * 501}, "description")):
        err = assert_envelope(raw(sandbox, "POST", "/prompts", json=body), 422,
                              "validation_error")
        assert err["details"]["field"] == field

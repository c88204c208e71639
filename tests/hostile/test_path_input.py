"""Issue 12 item 12: NUL and overlong paths are refused up front, by the client and the
sandbox, and a sandbox job that cannot proceed fails with a reason instead of looping."""

from __future__ import annotations

import json
import sqlite3
import time
from typing import Any

import pytest

from tests.sandbox.helpers import raw
from vvdesk.api.automations import AutomationsApi
from vvdesk.api.client import make_client
from vvdesk.api.errors import ApiProblem, describe
from vvdesk.vocab import MAX_PATH_CHARS, import_problems, subpath_problem

BAD = {"nul": "team/a\x00b", "newline": "team/a\nb", "long": "a/" * 600 + "b",
       "long name": "x" * 300}


def s3_connector(sandbox: Any, bucket: str, scopes: list[str]) -> str:
    body = {"name": bucket, "bucket": bucket, "region": "eu-west-1",
            "aws_access_key_id": "AKIAEXAMPLE", "aws_secret_access_key": "s" * 20,
            "scopes": scopes, "import_mode": "all"}
    resp = raw(sandbox, "POST", "/connectors/s3", json=body)
    assert resp.status_code == 201, resp.text
    return resp.json()["connector_id"]


@pytest.mark.parametrize("value", BAD.values(), ids=BAD.keys())
def test_the_client_refuses_bad_paths_in_words(value):
    why = subpath_problem(value)
    assert why and "\x00" not in why
    cfg = {"connector_id": "con_1", "source_prefix": value, "file_pattern": "*.mp4",
           "debounce_interval": "5m", "prompt_preset": {"prompt_id": "prm_1"}}
    assert set(import_problems(cfg)) == {"source_prefix"}
    assert set(import_problems({**cfg, "source_prefix": "", "file_pattern": value})) \
        == {"file_pattern"}


def test_the_automation_adapter_refuses_before_sending(arun, sandbox):
    client = make_client(sandbox.base_url, sandbox.api_key, max_retries=0)
    api = AutomationsApi(client)
    cfg = {"enabled": True, "destination_connector_id": "con_x",
           "destination_subpath": "a\x00b"}

    async def attempt() -> ApiProblem:
        try:
            await api.put("idx_demo_archive", "export", cfg)
        except Exception as exc:
            return describe(exc)
        raise AssertionError("it was sent")

    try:
        problem = arun(attempt())
    finally:
        arun(client.close())
    assert problem.field == "destination_subpath" and "control character" in problem.message


@pytest.mark.parametrize("value", BAD.values(), ids=BAD.keys())
def test_the_sandbox_answers_422_naming_the_field(sandbox, value):
    cid = s3_connector(sandbox, f"sbx-nul-{abs(hash(value)) % 10**8}", ["import", "export"])
    calls = [("POST", "/exports/index/idx_demo_archive",
              {"destination_connector_id": cid, "destination_subpath": value},
              "destination_subpath"),
             ("PUT", "/indexes/idx_demo_archive/automations/export",
              {"enabled": True, "destination_connector_id": cid, "destination_subpath": value},
              "destination_subpath"),
             ("PUT", "/indexes/idx_demo_archive/automations/import",
              {"enabled": True, "connector_id": cid, "source_prefix": value,
               "file_pattern": "*", "debounce_interval": "5m",
               "prompt_preset": {"prompt_id": "prm_demo_scenes"}}, "source_prefix")]
    for method, path, body, field in calls:
        resp = raw(sandbox, method, path, json=body)
        assert resp.status_code == 422, (path, resp.text)
        error = resp.json()["error"]
        assert error["details"]["field"] == field
        assert str(sandbox.data_dir) not in resp.text and "/tmp" not in resp.text
        if value.startswith("a/a/"):
            assert str(MAX_PATH_CHARS) in error["message"]


def test_a_job_that_cannot_proceed_fails_with_a_reason(sandbox):
    """An export stored with a NUL in its sub-path (by a sandbox before this rule) used to
    fail on every worker tick and stay "processing" forever."""
    cid = s3_connector(sandbox, "sbx-stuck", ["export"])
    with sandbox.paused():
        resp = raw(sandbox, "POST", "/exports/index/idx_demo_archive",
                   json={"destination_connector_id": cid, "destination_subpath": "ok"})
        export_id = resp.json()["export_id"]
        db = sqlite3.connect(sandbox.data_dir / "sandbox.sqlite3", timeout=10)
        with db:
            (doc,), = db.execute("SELECT doc FROM docs WHERE kind = 'export' AND id = ?",
                                 (export_id,))
            doc = json.loads(doc)
            doc["destination_subpath"] = "ok/a\x00b"
            db.execute("UPDATE docs SET doc = ? WHERE kind = 'export' AND id = ?",
                       (json.dumps(doc), export_id))
        db.close()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        export = raw(sandbox, "GET", f"/exports/{export_id}").json()
        if export["status"] not in ("pending", "processing"):
            break
        time.sleep(0.1)
    assert export["status"] == "failed", export
    assert export["error_message"] and str(sandbox.data_dir) not in export["error_message"]

"""Automations (§6): validation, GET/PUT/pause/resume, import scanning, export delivery.

Uses its own sandbox at time-scale 600 so the 5m debounce lasts 0.5 s.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.sandbox_proc import SandboxProcess, wait_until

from .helpers import raw

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(scope="module")
def fast(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    proc = SandboxProcess(tmp_path_factory.mktemp("auto"), time_scale=600.0)
    proc.start()
    try:
        yield proc
    finally:
        proc.stop()


def connector(sb: SandboxProcess, bucket: str, mode: str = "all",
              scopes: tuple[str, ...] = ("import", "export"), base: str = "") -> str:
    body = {"name": bucket, "bucket": bucket, "region": "r", "aws_access_key_id": "a",
            "aws_secret_access_key": "s", "scopes": list(scopes), "import_mode": mode}
    if base:
        body["export_base_path"] = base
    resp = raw(sb, "POST", "/connectors/s3", json=body)
    assert resp.status_code == 201, resp.text
    return str(resp.json()["connector_id"])


def new_index(sb: SandboxProcess, name: str) -> str:
    return str(raw(sb, "POST", "/indexes", json={"name": name}).json()["index_id"])


def videos(sb: SandboxProcess, index_id: str) -> list[dict[str, Any]]:
    return list(raw(sb, "GET", f"/indexes/{index_id}/videos?limit=100").json()["data"])


def import_body(cid: str, **extra: Any) -> dict[str, Any]:
    return {"enabled": True, "paused": False, "connector_id": cid, "source_prefix": "incoming/",
            "file_pattern": "*.{mp4,wav}", "recursive": True, "debounce_interval": "5m",
            "prompt_preset": {"prompt_id": "prm_demo_scenes"}, **extra}


def test_validation_and_crud(fast: SandboxProcess) -> None:
    idx = new_index(fast, "Auto CRUD")
    cid = connector(fast, "auto-crud")
    in_only = connector(fast, "auto-in-only", scopes=("import",))
    missing = raw(fast, "GET", f"/indexes/{idx}/automations/import")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "resource_automation_not_found"
    assert raw(fast, "GET", f"/indexes/{idx}/automations/export").status_code == 404
    assert raw(fast, "POST", f"/indexes/{idx}/automations/export/pause").status_code == 404
    assert raw(fast, "GET", "/indexes/idx_nope/automations/import").status_code == 404
    bad_import = [
        (import_body(cid, debounce_interval="2m"), "debounce_interval"),
        (import_body("con_missing"), "connector_id"),
        (import_body(cid, prompt_preset={"prompt_id": "prm_missing"}), "prompt_preset.prompt_id"),
        (import_body(cid, prompt_preset={}), "prompt_preset.prompt_id"),
        (import_body(cid, enabled="yes"), "enabled"),
        (import_body(cid, prompt_preset={"prompt_id": "prm_demo_scenes",
                                         "video_segmentation_type": "fixed"}),
         "prompt_preset.video_segment_duration"),
    ]
    for body, field in bad_import:
        resp = raw(fast, "PUT", f"/indexes/{idx}/automations/import", json=body)
        assert resp.status_code == 422, (field, resp.text)
        assert resp.json()["error"]["details"]["field"] == field
    bad_export = [
        ({"enabled": True, "destination_connector_id": "con_missing"},
         "destination_connector_id"),
        ({"enabled": True, "destination_connector_id": in_only}, "destination_connector_id"),
        ({"enabled": True, "destination_connector_id": cid, "destination_subpath": "../x"},
         "destination_subpath"),
        ({"enabled": True, "destination_connector_id": cid, "destination_subpath": "a\\b"},
         "destination_subpath"),
    ]
    for body, field in bad_export:
        resp = raw(fast, "PUT", f"/indexes/{idx}/automations/export", json=body)
        assert resp.status_code == 422, (field, resp.text)
        assert resp.json()["error"]["details"]["field"] == field
    body = {"enabled": False, "paused": False, "destination_connector_id": cid,
            "destination_subpath": "review"}
    saved = raw(fast, "PUT", f"/indexes/{idx}/automations/export", json=body).json()
    assert {k: saved[k] for k in body} == body
    assert saved["index_id"] == idx and saved["created_at"] and saved["updated_at"]
    again = raw(fast, "PUT", f"/indexes/{idx}/automations/export", json=body).json()
    assert again["created_at"] == saved["created_at"]
    paused = raw(fast, "POST", f"/indexes/{idx}/automations/export/pause").json()
    assert paused["paused"] is True and paused["destination_subpath"] == "review"
    assert raw(fast, "GET", f"/indexes/{idx}/automations/export").json()["paused"] is True
    resumed = raw(fast, "POST", f"/indexes/{idx}/automations/export/resume").json()
    assert resumed["paused"] is False
    assert set(resumed) == set(body) | {"index_id", "created_at", "updated_at"}


def test_import_automation_all_mode_and_export_automation(fast: SandboxProcess) -> None:
    idx = new_index(fast, "Auto all")
    cid = connector(fast, "auto-all", base="deliveries")
    root = fast.data_dir / "buckets" / "auto-all" / "incoming"
    (root / "sub").mkdir(parents=True)
    (root / "old.mp4").write_bytes(b"o" * 300_000)  # present before enabling: counts (all)
    (root / "skip.txt").write_bytes(b"x")
    export_cfg = {"enabled": True, "paused": False, "destination_connector_id": cid,
                  "destination_subpath": "team"}
    assert raw(fast, "PUT", f"/indexes/{idx}/automations/export",
               json=export_cfg).status_code == 200
    saved = raw(fast, "PUT", f"/indexes/{idx}/automations/import", json=import_body(cid))
    assert saved.status_code == 200 and saved.json()["debounce_interval"] == "5m"
    time.sleep(0.1)
    (root / "sub" / "new.wav").write_bytes(b"w" * 32_000)
    wait_until(lambda: len(videos(fast, idx)) == 2, timeout=15)
    titles = sorted(v["title"] for v in videos(fast, idx))
    assert titles == ["new", "old"]
    runs = raw(fast, "GET", f"/indexes/{idx}/prompt-runs").json()["data"]
    assert len(runs) == 1 and runs[0]["prompt_id"] == "prm_demo_scenes"
    run_id = runs[0]["run_id"]
    wait_until(lambda: raw(fast, "GET", f"/prompt-runs/{run_id}").json()["status"]
               == "completed", timeout=15)
    out_dir = fast.data_dir / "buckets" / "auto-all" / "deliveries" / "team"
    wait_until(lambda: any(out_dir.glob("exp_*.json")), timeout=15)
    exports = [e for e in raw(fast, "GET", "/exports").json() if e["target_id"] == idx]
    assert exports and exports[0]["destination_connector_id"] == cid
    jobs = [j for j in raw(fast, "GET", "/import-jobs").json() if j["target_index_id"] == idx]
    assert len(jobs) == 1 and jobs[0]["execution"]["run_id"] == run_id
    assert jobs[0]["execution"]["status"] == "submitted"
    time.sleep(0.8)  # files are imported once each: no new job without new files
    assert len(videos(fast, idx)) == 2


def test_import_automation_new_only_and_pause(fast: SandboxProcess) -> None:
    idx = new_index(fast, "Auto new only")
    cid = connector(fast, "auto-new", mode="new_only")
    root = fast.data_dir / "buckets" / "auto-new" / "incoming"
    root.mkdir(parents=True)
    (root / "before.mp4").write_bytes(b"b" * 100_000)
    assert raw(fast, "PUT", f"/indexes/{idx}/automations/import",
               json=import_body(cid)).status_code == 200
    paused = raw(fast, "POST", f"/indexes/{idx}/automations/import/pause").json()
    assert paused["paused"] is True
    (root / "during.mp4").write_bytes(b"d" * 100_000)
    time.sleep(1.2)  # > debounce: paused automations import nothing
    assert videos(fast, idx) == []
    raw(fast, "POST", f"/indexes/{idx}/automations/import/resume")
    wait_until(lambda: len(videos(fast, idx)) == 1, timeout=15)
    assert [v["title"] for v in videos(fast, idx)] == ["during"]


def test_debounce_waits_for_quiet_period(tmp_path: Path) -> None:
    with SandboxProcess(tmp_path / "slow", time_scale=150.0) as sb:  # 5m -> 2 s
        idx = new_index(sb, "Debounce")
        cid = connector(sb, "auto-debounce")
        root = sb.data_dir / "buckets" / "auto-debounce" / "incoming"
        root.mkdir(parents=True)
        raw(sb, "PUT", f"/indexes/{idx}/automations/import", json=import_body(cid))
        started = time.monotonic()
        (root / "x.mp4").write_bytes(b"x" * 10_000)
        time.sleep(1.0)
        assert videos(sb, idx) == []
        wait_until(lambda: len(videos(sb, idx)) == 1, timeout=15)
        assert time.monotonic() - started >= 1.9

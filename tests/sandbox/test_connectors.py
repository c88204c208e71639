"""Connectors (§5): create/list/get/patch/delete, test, browse, imports, connector exports."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from videovector import AsyncVideoVector
from videovector._exceptions import ConflictError, NotFoundError
from videovector._types import CloudFile, Connector

from .helpers import poll, raw

pytestmark = pytest.mark.timeout(60)

SECRET = "very-secret-access-key-0123456789"


def s3_body(name: str, bucket: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "bucket": bucket, "region": "eu-west-1",
            "aws_access_key_id": "AKIAEXAMPLE", "aws_secret_access_key": SECRET,
            "scopes": ["import", "export"], "import_mode": "all", **extra}


def test_create_list_get_patch_delete(tmp_path: Path, sandbox: Any, run: Any) -> None:
    creds = tmp_path / "credentials.json"
    creds.write_text(json.dumps({"type": "service_account", "private_key": SECRET}))

    async def scenario(vv: AsyncVideoVector) -> None:
        s3 = await vv.connectors.create_s3(
            name="S3 in", bucket="sbx-s3-in", region="eu-west-1",
            aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key=SECRET,
            scopes=["import", "export"], export_base_path="vv/exports")
        assert isinstance(s3, Connector) and s3.provider == "s3" and s3.status == "active"
        assert s3.bucket == "sbx-s3-in" and s3.export_base_path == "vv/exports"
        gcs = await vv.connectors.create_gcs(name="GCS", bucket="sbx-gcs", gcp_project_id="p1",
                                             credentials_file=creds, scopes=["import"],
                                             import_mode="new_only")
        assert gcs.provider == "gcs" and gcs.gcp_project_id == "p1"
        assert gcs.import_mode == "new_only" and gcs.scopes == ["import"]
        az = await vv.connectors.create_azure(
            name="Azure", storage_account="acct", container="sbx-container", tenant_id="t",
            client_id="c", client_secret=SECRET)
        assert az.container == "sbx-container" and az.bucket is None
        listed = [c.connector_id for c in await vv.connectors.list()]
        assert {s3.connector_id, gcs.connector_id, az.connector_id} <= set(listed)
        assert (await vv.connectors.retrieve(s3.connector_id)) == s3
        result = await vv.connectors.test(s3.connector_id)
        assert result.success is True and result.error_message is None
        tested = await vv.connectors.retrieve(s3.connector_id)
        assert tested.last_tested_at and tested.last_test_result == "success"
        deleted = await vv.connectors.delete(az.connector_id)
        assert deleted.message
        with pytest.raises(NotFoundError) as info:
            await vv.connectors.retrieve(az.connector_id)
        assert info.value.error_code == "resource_connector_not_found"

    run(scenario)
    for bucket in ("sbx-s3-in", "sbx-gcs", "sbx-container"):
        assert (sandbox.data_dir / "buckets" / bucket).is_dir()
    for resp in (raw(sandbox, "GET", "/connectors"),):
        assert SECRET not in resp.text and "AKIAEXAMPLE" not in resp.text
    for db_file in sandbox.data_dir.glob("sandbox.sqlite3*"):
        assert SECRET.encode() not in db_file.read_bytes()
        assert b"AKIAEXAMPLE" not in db_file.read_bytes()
    conn = next(c for c in raw(sandbox, "GET", "/connectors").json() if c["name"] == "GCS")
    patched = raw(sandbox, "PATCH", f"/connectors/{conn['connector_id']}",
                  json={"name": "GCS renamed", "scopes": ["import", "export"]})
    assert patched.status_code == 200 and patched.json()["name"] == "GCS renamed"
    assert patched.json()["scopes"] == ["import", "export"]


def test_connector_validation(sandbox: Any) -> None:
    cases = [
        (s3_body("", "sbx-v1"), "name"),
        (s3_body("x", "sbx-v1", import_mode="sometimes"), "import_mode"),
        (s3_body("x", "sbx-v1", scopes=["delete"]), "scopes"),
        (s3_body("x", "Bad_Bucket!"), "bucket"),
        (s3_body("x", "sbx-v1", export_base_path="/abs"), "export_base_path"),
        ({k: v for k, v in s3_body("x", "sbx-v1").items() if k != "region"}, "region"),
    ]
    for body, field in cases:
        resp = raw(sandbox, "POST", "/connectors/s3", json=body)
        assert resp.status_code == 422, (field, resp.text)
        assert resp.json()["error"]["details"]["field"] == field
    big = {"credentials_file": ("credentials.json", b"{" + b" " * 70_000 + b"}",
                                "application/json")}
    resp = raw(sandbox, "POST", "/connectors/gcs", files=big,
               data={"name": "g", "bucket": "sbx-big", "gcp_project_id": "p"})
    assert resp.status_code == 422
    assert resp.json()["error"]["details"]["field"] == "credentials_file"
    created = raw(sandbox, "POST", "/connectors/s3", json=s3_body("ok", "sbx-v2"))
    assert created.status_code == 201


def test_browse_and_connector_import(sandbox: Any, run: Any) -> None:
    created = raw(sandbox, "POST", "/connectors/s3", json=s3_body("Browse", "sbx-browse"))
    cid = created.json()["connector_id"]
    root = sandbox.data_dir / "buckets" / "sbx-browse"
    (root / "in" / "deep").mkdir(parents=True)
    (root / "in" / "a.mp4").write_bytes(b"a" * 200_000)
    (root / "in" / "b.MOV").write_bytes(b"b" * 1000)
    (root / "in" / "c.mov").write_bytes(b"c" * 100_000)
    (root / "in" / "deep" / "d.mp4").write_bytes(b"d" * 50_000)
    (root / "in" / "notes.txt").write_bytes(b"n")
    (root / "top.mp4").write_bytes(b"t" * 10)

    async def scenario(vv: AsyncVideoVector) -> None:
        files = await vv.connectors.browse(cid, prefix="in/", pattern="*.{mp4,mov}")
        assert all(isinstance(f, CloudFile) for f in files)
        assert [f.path for f in files] == ["in/a.mp4", "in/c.mov", "in/deep/d.mp4"]
        assert files[0].name == "a.mp4" and files[0].size_bytes == 200_000
        assert files[0].extension == "mp4" and files[0].content_type == "video/mp4"
        flat = await vv.connectors.browse(cid, prefix="in/", pattern="*", recursive=False)
        assert [f.path for f in flat] == ["in/a.mp4", "in/b.MOV", "in/c.mov", "in/notes.txt"]
        index = await vv.indexes.create(name="From bucket")
        job = await vv.import_jobs.create(connector_id=cid, index_id=index.index_id,
                                          source_prefix="in/", file_pattern="*.{mp4,mov}")
        assert job.source_kind == "connector" and job.connector_id == cid
        done = await poll(lambda: vv.import_jobs.retrieve(job.job_id),
                          lambda j: j.status == "completed")
        assert done.progress.total_files == 3 and done.progress.imported == 3
        outs = [o async for o in vv.import_jobs.iter_outputs(job.job_id)]
        assert [o.file_name for o in outs] == ["in/a.mp4", "in/c.mov", "in/deep/d.mp4"]
        assert [o.source_ordinal for o in outs] == [0, 1, 2]
        video = await vv.videos.retrieve(outs[0].video_id)
        assert video.video_uri == "s3://sbx-browse/in/a.mp4" and video.title == "a"
        files_page = await vv.import_jobs.files(job.job_id)
        assert files_page.total == 3 and all(f.status == "completed" for f in files_page.items)

    run(scenario)
    shutil.rmtree(root)
    failed = raw(sandbox, "POST", f"/connectors/{cid}/test").json()
    assert failed["success"] is False and failed["error_message"]


def test_connector_export_delivery(sandbox: Any, run: Any) -> None:
    cid = raw(sandbox, "POST", "/connectors/s3",
              json=s3_body("Exports", "sbx-out", export_base_path="vv/base")).json()["connector_id"]
    import_only = raw(sandbox, "POST", "/connectors/s3",
                      json=s3_body("In only", "sbx-in-only", scopes=["import"])).json()

    async def scenario(vv: AsyncVideoVector) -> str:
        created = await vv.exports.create_index_export(
            "idx_demo_archive", destination_connector_id=cid, destination_subpath="team/a")
        done = await vv.exports.wait_for_completion(created.export_id, poll_interval=0.05,
                                                    timeout=20)
        assert done.destination_type == "connector" and done.destination_connector_id == cid
        assert done.destination_base_path == "vv/base" and done.destination_subpath == "team/a"
        assert done.download_url is None
        assert done.destination_uri == done.gcs_uri == (
            f"s3://sbx-out/vv/base/team/a/{done.export_id}.json")
        target = sandbox.data_dir / "buckets" / "sbx-out" / "vv" / "base" / "team" / "a"
        payload = json.loads((target / f"{done.export_id}.json").read_bytes())
        assert payload["export_id"] == done.export_id
        assert done.file_size_bytes == (target / f"{done.export_id}.json").stat().st_size
        with pytest.raises(ConflictError) as info:
            await vv.exports.download(done.export_id, "/tmp/not-this.json")
        assert info.value.error_code == "resource_export_not_downloadable"
        assert await vv.exports.download_url(done.export_id) is None
        run_export = await vv.exports.create_prompt_run_export("run_demo_shared",
                                                               destination_connector_id=cid)
        rdone = await vv.exports.wait_for_completion(run_export.export_id, poll_interval=0.05,
                                                     timeout=20)
        assert rdone.destination_uri == f"s3://sbx-out/vv/base/{rdone.export_id}.json"
        return done.export_id

    export_id = run(scenario)
    mint = raw(sandbox, "POST", f"/exports/{export_id}/download-url").json()
    assert mint == {"export_id": export_id, "status": "completed", "destination_type": "connector",
                    "destination_connector_id": cid, "download_url": None}
    resp = raw(sandbox, "POST", "/exports/index/idx_demo_archive",
               json={"destination_connector_id": import_only["connector_id"]})
    assert resp.status_code == 422


def test_patch_changes_only_the_common_fields_and_says_which_field_is_wrong(
        sandbox: Any) -> None:
    """Contract gap 3: name, scopes, import_mode, export_base_path; credentials and the
    bucket cannot change; null clears the export folder; the rest is kept."""
    made = raw(sandbox, "POST", "/connectors/s3",
               json=s3_body("Patchable", "sbx-patch", export_base_path="exp/a"))
    assert made.status_code == 201
    cid = made.json()["connector_id"]
    path = f"/connectors/{cid}"
    for body, field in [({"aws_secret_access_key": "new"}, "aws_secret_access_key"),
                        ({"bucket": "sbx-other"}, "bucket"),
                        ({"export_base_path": "a//b"}, "export_base_path"),
                        ({"scopes": []}, "scopes"), ({"name": ""}, "name")]:
        refused = raw(sandbox, "PATCH", path, json=body)
        assert refused.status_code == 422, body
        assert refused.json()["error"]["details"]["field"] == field
    assert raw(sandbox, "GET", path).json()["name"] == "Patchable"  # nothing half-applied
    patched = raw(sandbox, "PATCH", path, json={"import_mode": "new_only",
                                                "export_base_path": None})
    assert patched.status_code == 200
    doc = patched.json()
    assert (doc["name"], doc["import_mode"], doc["export_base_path"], doc["bucket"]) == (
        "Patchable", "new_only", None, "sbx-patch")
    assert doc["updated_at"] >= made.json()["updated_at"]
    assert raw(sandbox, "GET", path).json() == doc
    assert SECRET not in patched.text
    gone = raw(sandbox, "PATCH", "/connectors/con_missing", json={"name": "x"})
    assert gone.status_code == 404

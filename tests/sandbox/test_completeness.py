"""Completeness: every answer carries every field the SDK's model declares for it.

The SDK's pydantic models fill a missing field with its default, so "it validates" says
nothing about what the sandbox sent; a client in another language (the MCP server, the
n8n node) then reads ``undefined``. Here the raw JSON of each endpoint is walked against
the model: every declared key must be present, recursively (nested models, lists of
models, dicts of models), and the body must still validate.

``test_every_sdk_endpoint_is_accounted_for`` reads the SDK's resources (AST) so a route
the SDK calls is either checked here (``CASES``), streamed bytes (``NOT_JSON``), or named
in ``NOT_SERVED`` with the issue that adds it — and a route in ``NOT_SERVED`` that the
sandbox starts serving fails the test until its case is added here.
"""

from __future__ import annotations

import ast
import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import videovector
from pydantic import BaseModel
from videovector import _types as T

from .conftest import make_client
from .helpers import make_file, poll, raw, upload_and_wait, wait_run
from .shapes import missing_fields

pytestmark = pytest.mark.timeout(120)

def test_the_walker_finds_what_validation_hides() -> None:
    """A body the SDK accepts (defaults fill the gaps) still fails the walk."""
    body = {"segment_id": "s", "video_id": "v", "start_time": 0.0, "end_time": 1.0,
            "marker": {}, "metadata_markers": {"label": {"color": "red"}}}
    T.Segment.model_validate(body)
    gaps = missing_fields(T.Segment, body)
    assert "$.gcs_uri" in gaps and "$.thumbnail_available" in gaps
    assert "$.marker.marker_id" in gaps and "$.metadata_markers.label.note" in gaps
    assert missing_fields(T.PaginationMeta, {"limit": 1, "has_more": False,
                                             "next_cursor": None}) == []


# ---------------------------------------------------------------- the scenario


@dataclass
class Scenario:
    """Resources made once through the SDK; the cases read them over raw HTTP."""

    index_id: str
    prompt_id: str
    video_id: str
    fail_video_id: str
    run_id: str
    video_level_run_id: str
    failed_segment_id: str
    upload_job_id: str
    connector_id: str
    connector_job_id: str
    export_id: str
    bucket: str
    files: Path
    scratch: dict[str, str] = field(default_factory=dict)


SCHEMA = {"type": "object", "properties": {"label": {"type": "string"},
                                           "confidence": {"type": "number"}},
          "required": ["label"]}


@pytest.fixture(scope="module")
def scenario(sandbox: Any, tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    files = tmp_path_factory.mktemp("completeness")
    ok, bad = files / "harbour.mp4", files / "fail drill.mp4"
    make_file(ok, 300_000)  # 3 s
    make_file(bad, 500_000)  # 5 s in 1 s segments: segments 1 and 4 fail
    bucket = "sbx-complete"
    (sandbox.data_dir / "buckets").mkdir(exist_ok=True)

    async def build() -> Scenario:
        vv = make_client(sandbox)
        try:
            index = await vv.indexes.create(name="Completeness")
            prompt = await vv.prompts.create(name="Complete fields", prompt_text="Label the "
                                             "dominant scene of each segment.", json_schema=SCHEMA)
            job, outs = await upload_and_wait(vv, ok, "Harbour", index.index_id)
            _, bad_outs = await upload_and_wait(vv, bad, "Fail drill", index.index_id)
            run = await vv.prompt_runs.execute(
                prompt_id=prompt.prompt_id, target={"type": "index", "index_id": index.index_id},
                video_segmentation_type="fixed", video_segment_duration=1)
            done = await wait_run(vv, run.run_id)
            assert done.status == "completed_with_failures", done.status
            whole = await vv.prompts.create(
                name="Whole media", prompt_text="Label each segment and the whole media.",
                json_schema=SCHEMA, video_level={"instructions_text": "Summarise the media.",
                                                 "json_schema": SCHEMA})
            level_run = await vv.prompt_runs.execute(
                prompt_id=whole.prompt_id, target={"type": "videos",
                                                   "video_ids": [outs[0].video_id]})
            await wait_run(vv, level_run.run_id)
            manifest = await vv.prompt_runs.get_failed_segments(run.run_id)
            # the retry cases retry the last one; failed-segments still lists the first
            failed = manifest.videos[0].segments[-1].segment_id
            connector = await vv.connectors.create_s3(
                name="Complete bucket", bucket=bucket, region="eu-west-1",
                aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="s" * 32,
                scopes=["import", "export"], export_base_path="vv")
            (sandbox.data_dir / "buckets" / bucket / "in").mkdir(parents=True, exist_ok=True)
            (sandbox.data_dir / "buckets" / bucket / "in" / "dock.mp4").write_bytes(b"x" * 5000)
            conn_job = await vv.import_jobs.create(connector_id=connector.connector_id,
                                                   index_id=index.index_id, source_prefix="in/")
            await poll(lambda: vv.import_jobs.retrieve(conn_job.job_id),
                       lambda j: j.status == "completed")
            export = await vv.exports.create_prompt_run_export(run.run_id)
            await poll(lambda: vv.exports.retrieve(export.export_id),
                       lambda e: e.status == "completed")
            return Scenario(
                index_id=index.index_id, prompt_id=prompt.prompt_id,
                video_id=outs[0].video_id, fail_video_id=bad_outs[0].video_id,
                run_id=run.run_id, video_level_run_id=level_run.run_id,
                failed_segment_id=failed, upload_job_id=job.job_id,
                connector_id=connector.connector_id, connector_job_id=conn_job.job_id,
                export_id=export.export_id, bucket=bucket, files=files)
        finally:
            await vv.close()

    return asyncio.run(build())


# ---------------------------------------------------------------- the cases

FILTER = {"field": "label", "operator": "is_not_empty", "type": "string"}


def _thumbnail(sb: Any, s: Scenario) -> str:
    """A segment thumbnail of the scenario's media (rendered shortly after processing)."""
    if "thumbnail" not in s.scratch:
        def fetch() -> Any:
            return raw(sb, "GET", f"/videos/{s.video_id}/segments").json()["data"]

        deadline = time.monotonic() + 20
        segs = fetch()
        while not all(g["thumbnail_data"] for g in segs) and time.monotonic() < deadline:
            time.sleep(0.1)
            segs = fetch()
        s.scratch["thumbnail"] = segs[0]["thumbnail_data"]
    return s.scratch["thumbnail"]


def _playground_run(sb: Any, s: Scenario) -> str:
    """A processed run over a media item without an index (made on first use)."""
    if "playground_run" not in s.scratch:
        async def make() -> str:
            vv = make_client(sb)
            try:
                _, outs = await upload_and_wait(vv, s.files / "harbour.mp4", "Loose clip")
                run = await vv.prompt_runs.execute(
                    prompt_id=s.prompt_id, target={"type": "videos",
                                                   "video_ids": [outs[0].video_id]},
                    video_segmentation_type="fixed", video_segment_duration=1)
                await wait_run(vv, run.run_id)
                return run.run_id
            finally:
                await vv.close()

        s.scratch["playground_run"] = asyncio.run(make())
    return s.scratch["playground_run"]


Request = Callable[[Any, Scenario], httpx.Response]


@dataclass(frozen=True)
class Case:
    method: str
    template: str  # the SDK's path with ``{}`` for each parameter
    model: type[BaseModel]
    shape: str  # "object" | "list" (bare array) | "page" (data + pagination)
    request: Request


def _get(path: Callable[[Scenario], str], **params: Any) -> Request:
    return lambda sb, s: raw(sb, "GET", path(s), params=params or None)


def _post(path: Callable[[Scenario], str], body: Callable[[Scenario], Any] | None = None,
          *, key: bool = False) -> Request:
    def send(sb: Any, s: Scenario) -> httpx.Response:
        headers = {"Idempotency-Key": f"complete:{path(s)}"} if key else {}
        return raw(sb, "POST", path(s), json=body(s) if body else None, headers=headers)

    return send


def _upload(route: str) -> Request:
    def send(sb: Any, s: Scenario) -> httpx.Response:
        data = {"title": "Upload shape", "index_id": s.index_id}
        with (s.files / "harbour.mp4").open("rb") as handle:
            return raw(sb, "POST", route, data=data, files={"file": ("shape.mp4", handle)})

    return send


def _delete_fresh_index(sb: Any, s: Scenario) -> httpx.Response:
    made = raw(sb, "POST", "/indexes", json={"name": "Doomed"}).json()
    s.scratch["doomed_index"] = made["index_id"]
    return raw(sb, "DELETE", f"/indexes/{made['index_id']}")


def _index_deletion(sb: Any, s: Scenario) -> httpx.Response:
    doomed = s.scratch.get("doomed_index") or _delete_fresh_index(sb, s).json()["index_id"]
    return raw(sb, "GET", f"/indexes/{doomed}/deletion")


def _delete_fresh_video(sb: Any, s: Scenario) -> httpx.Response:
    job = _upload("/videos/upload")(sb, s).json()
    for _ in range(400):
        done = raw(sb, "GET", f"/import-jobs/{job['job_id']}").json()
        if done["status"] == "completed":
            break
        time.sleep(0.03)
    s.scratch["doomed_video"] = done["video_ids"][0]
    return raw(sb, "DELETE", f"/videos/{done['video_ids'][0]}")


def _video_deletion(sb: Any, s: Scenario) -> httpx.Response:
    doomed = s.scratch.get("doomed_video") or _delete_fresh_video(sb, s).json()["video_id"]
    return raw(sb, "GET", f"/videos/{doomed}/deletion")


def _fresh_prompt(sb: Any) -> str:
    body = {"name": "Scratch prompt", "prompt_text": "Describe the scene briefly.",
            "description": "", "json_schema": SCHEMA}
    return str(raw(sb, "POST", "/prompts", json=body).json()["prompt_id"])


def _update_prompt(sb: Any, s: Scenario) -> httpx.Response:
    return raw(sb, "PUT", f"/prompts/{_fresh_prompt(sb)}",
               json={"name": "Scratch renamed", "clear_video_level": True})


def _delete_prompt(sb: Any, s: Scenario) -> httpx.Response:
    return raw(sb, "DELETE", f"/prompts/{_fresh_prompt(sb)}")


def _retry(sb: Any, s: Scenario) -> httpx.Response:
    resp = raw(sb, "POST", f"/prompt-runs/{s.run_id}/videos/{s.fail_video_id}/segments/"
               f"{s.failed_segment_id}/retry", headers={"Idempotency-Key": "complete-retry"})
    if resp.status_code < 300:
        s.scratch["retry_id"] = resp.json()["retry_id"]
    return resp


def _retry_status(sb: Any, s: Scenario) -> httpx.Response:
    retry_id = s.scratch.get("retry_id") or _retry(sb, s).json().get("retry_id", "none")
    return raw(sb, "GET", f"/prompt-runs/{s.run_id}/videos/{s.fail_video_id}/segments/"
               f"{s.failed_segment_id}/retries/{retry_id}")


def _cancel_run(sb: Any, s: Scenario) -> httpx.Response:
    with sb.paused():
        run = raw(sb, "POST", "/prompt-runs/execute", json={
            "prompt_id": s.prompt_id, "target": {"type": "videos", "video_ids": [s.video_id]}})
        return raw(sb, "POST", f"/prompt-runs/{run.json()['run_id']}/cancel")


def _import_job(sb: Any, s: Scenario) -> httpx.Response:
    return raw(sb, "POST", "/import-jobs", json={
        "connector_id": s.connector_id, "index_id": s.index_id, "source_prefix": "in/",
        "file_pattern": "*", "recursive": True})


def _cancel_import(sb: Any, s: Scenario) -> httpx.Response:
    with sb.paused():
        job = _import_job(sb, s).json()
        return raw(sb, "POST", f"/import-jobs/{job['job_id']}/cancel")


def _retry_import(sb: Any, s: Scenario) -> httpx.Response:
    with sb.paused():
        job = _import_job(sb, s).json()
        raw(sb, "POST", f"/import-jobs/{job['job_id']}/cancel")
    return raw(sb, "POST", f"/import-jobs/{job['job_id']}/retry")


def _gcs_connector(sb: Any, s: Scenario) -> httpx.Response:
    data = {"name": "GCS shape", "bucket": "sbx-complete-gcs", "gcp_project_id": "p1",
            "scopes": "import", "import_mode": "all"}
    files = {"credentials_file": ("credentials.json", b'{"type": "service_account"}',
                                  "application/json")}
    return raw(sb, "POST", "/connectors/gcs", data=data, files=files)


def _delete_connector(sb: Any, s: Scenario) -> httpx.Response:
    made = raw(sb, "POST", "/connectors/s3", json=_s3("sbx-complete-gone")).json()
    return raw(sb, "DELETE", f"/connectors/{made['connector_id']}")


def _s3(bucket: str) -> dict[str, Any]:
    return {"name": "S3 shape", "bucket": bucket, "region": "eu-west-1",
            "aws_access_key_id": "AKIAEXAMPLE", "aws_secret_access_key": "s" * 32,
            "scopes": ["import", "export"], "import_mode": "all"}


def _azure(s: Scenario) -> dict[str, Any]:
    return {"name": "Azure shape", "storage_account": "acct", "container": "sbx-complete-az",
            "tenant_id": "t", "client_id": "c", "client_secret": "s" * 32,
            "scopes": ["import"], "import_mode": "all"}


HOOK = {"name": "Shape hook", "url": "http://127.0.0.1:9/hook", "events": ["export.ready"],
        "metadata": {"env": "shape"}}


def _webhook(sb: Any, s: Scenario) -> str:
    """A webhook (made once) whose test delivery failed: nothing listens on port 9."""
    if "webhook" not in s.scratch:
        made = raw(sb, "POST", "/webhooks", json=HOOK).json()
        s.scratch["webhook"] = made["webhook_id"]
        raw(sb, "POST", f"/webhooks/{made['webhook_id']}/test")
    return s.scratch["webhook"]


def _delivery(sb: Any, s: Scenario) -> str:
    return str(raw(sb, "GET", f"/webhooks/{_webhook(sb, s)}/deliveries").json()[0]["delivery_id"])


def _hook_get(suffix: str) -> Request:
    return lambda sb, s: raw(sb, "GET", f"/webhooks/{_webhook(sb, s)}{suffix}")


def _hook_post(suffix: str) -> Request:
    return lambda sb, s: raw(sb, "POST", f"/webhooks/{_webhook(sb, s)}{suffix}")


def _delete_webhook(sb: Any, s: Scenario) -> httpx.Response:
    made = raw(sb, "POST", "/webhooks", json=HOOK).json()
    return raw(sb, "DELETE", f"/webhooks/{made['webhook_id']}")


def _run_body(s: Scenario) -> dict[str, Any]:
    return {"prompt_id": s.prompt_id, "target": {"type": "videos", "video_ids": [s.video_id]},
            "video_segmentation_type": "smart", "audio_segmentation_type": "content_aware",
            "enable_transcription": True, "enable_image_embedding": True}


CASES = [
    # indexes
    Case("POST", "/indexes", T.Index, "object", _post(lambda s: "/indexes",
                                                       lambda s: {"name": "Shape"})),
    Case("GET", "/indexes", T.Index, "list", _get(lambda s: "/indexes")),
    Case("GET", "/indexes/{}", T.Index, "object", _get(lambda s: f"/indexes/{s.index_id}")),
    Case("DELETE", "/indexes/{}", T.IndexDeletionResponse, "object", _delete_fresh_index),
    Case("GET", "/indexes/{}/deletion", T.IndexDeletionResponse, "object", _index_deletion),
    Case("GET", "/indexes/{}/videos", T.Video, "page",
         _get(lambda s: f"/indexes/{s.index_id}/videos")),
    Case("GET", "/indexes/{}/prompt-runs", T.PromptRun, "page",
         _get(lambda s: f"/indexes/{s.index_id}/prompt-runs")),
    # media
    Case("POST", "/videos/upload", T.ImportJob, "object", _upload("/videos/upload")),
    Case("POST", "/workflow/upload", T.ImportJob, "object", _upload("/workflow/upload")),
    Case("POST", "/videos", T.ImportJob, "object", _post(lambda s: "/videos", lambda s: {
        "title": "By URI", "video_uri": "gs://bucket/by-uri.mp4", "index_id": s.index_id})),
    Case("GET", "/videos/{}", T.Video, "object", _get(lambda s: f"/videos/{s.fail_video_id}")),
    Case("DELETE", "/videos/{}", T.VideoDeletionResponse, "object", _delete_fresh_video),
    Case("GET", "/videos/{}/deletion", T.VideoDeletionResponse, "object", _video_deletion),
    Case("GET", "/videos/{}/segments", T.Segment, "page",
         _get(lambda s: f"/videos/{s.fail_video_id}/segments")),
    Case("GET", "/videos/{}/prompt-runs", T.PromptRun, "list",
         _get(lambda s: f"/videos/{s.video_id}/prompt-runs")),
    Case("POST", "/videos/batch", T.VideoWithDetails, "list",
         _post(lambda s: "/videos/batch", lambda s: {"video_ids": [s.fail_video_id]})),
    Case("POST", "/videos/batch/status", T.VideoStatus, "list",
         _post(lambda s: "/videos/batch/status", lambda s: {"video_ids": [s.fail_video_id]})),
    Case("POST", "/videos/batch/segments", T.VideoSegments, "list",
         _post(lambda s: "/videos/batch/segments", lambda s: {"video_ids": [s.fail_video_id]})),
    Case("GET", "/playground/videos", T.Video, "page", _get(lambda s: "/playground/videos")),
    # import jobs
    Case("POST", "/import-jobs", T.ImportJob, "object", _import_job),
    Case("GET", "/import-jobs", T.ImportJob, "list", _get(lambda s: "/import-jobs")),
    Case("GET", "/import-jobs/{}", T.ImportJob, "object",
         _get(lambda s: f"/import-jobs/{s.upload_job_id}")),
    Case("GET", "/import-jobs/{}/outputs", T.ImportOutputsPage, "object",
         _get(lambda s: f"/import-jobs/{s.upload_job_id}/outputs")),
    Case("GET", "/import-jobs/{}/files", T.ImportFilesPage, "object",
         _get(lambda s: f"/import-jobs/{s.connector_job_id}/files")),
    Case("POST", "/import-jobs/{}/cancel", T.ImportJob, "object", _cancel_import),
    Case("POST", "/import-jobs/{}/retry", T.ImportJob, "object", _retry_import),
    # prompts
    Case("POST", "/prompts", T.Prompt, "object", _post(lambda s: "/prompts", lambda s: {
        "name": "Shape prompt", "prompt_text": "Describe the scene briefly.",
        "description": "", "json_schema": SCHEMA})),
    Case("GET", "/prompts", T.PromptListResponse, "object", _get(lambda s: "/prompts")),
    Case("GET", "/prompts/{}", T.Prompt, "object", _get(lambda s: f"/prompts/{s.prompt_id}")),
    Case("PUT", "/prompts/{}", T.Prompt, "object", _update_prompt),
    Case("DELETE", "/prompts/{}", T.DeleteResponse, "object", _delete_prompt),
    Case("POST", "/prompts/test-schema", T.TestSchemaResponse, "object",
         _post(lambda s: "/prompts/test-schema",
               lambda s: {"json_schema": SCHEMA, "sample_data": {"label": "harbour"}})),
    Case("GET", "/prompts/{}/usage", T.PromptUsageStats, "object",
         _get(lambda s: f"/prompts/{s.prompt_id}/usage")),
    # prompt runs
    Case("POST", "/prompt-runs/execute", T.PromptRun, "object",
         _post(lambda s: "/prompt-runs/execute", _run_body)),
    Case("POST", "/prompt-runs/estimate", T.PromptRunCostEstimate, "object",
         _post(lambda s: "/prompt-runs/estimate", _run_body)),
    Case("GET", "/prompt-runs", T.PromptRun, "list", _get(lambda s: "/prompt-runs")),
    Case("GET", "/prompt-runs/{}", T.PromptRun, "object",
         _get(lambda s: f"/prompt-runs/{s.run_id}")),
    Case("POST", "/prompt-runs/{}/cancel", T.PromptRun, "object", _cancel_run),
    Case("GET", "/prompt-runs/{}/results", T.SegmentRunResult, "page",
         lambda sb, s: raw(sb, "GET", f"/prompt-runs/{s.run_id}/results",
                           params={"video_id": s.fail_video_id})),
    Case("GET", "/prompt-runs/{}/videos/{}/video-result", T.PromptRunVideoResult, "object",
         _get(lambda s: f"/prompt-runs/{s.video_level_run_id}/videos/{s.video_id}/"
              "video-result")),
    Case("GET", "/prompt-runs/{}/failed-segments", T.PromptRunFailedSegmentsManifest, "object",
         _get(lambda s: f"/prompt-runs/{s.run_id}/failed-segments")),
    Case("POST", "/prompt-runs/{}/videos/{}/segments/{}/retry", T.PromptRunSegmentRetry,
         "object", _retry),
    Case("GET", "/prompt-runs/{}/videos/{}/segments/{}/retries/{}",
         T.PromptRunSegmentRetryStatus, "object", _retry_status),
    # connectors
    Case("POST", "/connectors/s3", T.Connector, "object",
         _post(lambda s: "/connectors/s3", lambda s: _s3("sbx-complete-s3"))),
    Case("POST", "/connectors/gcs", T.Connector, "object", _gcs_connector),
    Case("POST", "/connectors/azure", T.Connector, "object",
         _post(lambda s: "/connectors/azure", _azure)),
    Case("GET", "/connectors", T.Connector, "list", _get(lambda s: "/connectors")),
    Case("GET", "/connectors/{}", T.Connector, "object",
         _get(lambda s: f"/connectors/{s.connector_id}")),
    Case("DELETE", "/connectors/{}", T.DeleteResponse, "object", _delete_connector),
    Case("POST", "/connectors/{}/test", T.TestConnectionResult, "object",
         _post(lambda s: f"/connectors/{s.connector_id}/test")),
    Case("POST", "/connectors/{}/browse", T.CloudFile, "list",
         _post(lambda s: f"/connectors/{s.connector_id}/browse",
               lambda s: {"prefix": "", "pattern": "*", "recursive": True})),
    # exports
    Case("POST", "/exports/index/{}", T.ExportCreateResult, "object",
         _post(lambda s: f"/exports/index/{s.index_id}", key=True)),
    Case("POST", "/exports/prompt-run/{}", T.ExportCreateResult, "object",
         _post(lambda s: f"/exports/prompt-run/{s.run_id}", key=True)),
    Case("GET", "/exports", T.Export, "list", _get(lambda s: "/exports")),
    Case("GET", "/exports/{}", T.Export, "object", _get(lambda s: f"/exports/{s.export_id}")),
    Case("POST", "/exports/{}/download-url", T.ExportDownloadUrlResult, "object",
         _post(lambda s: f"/exports/{s.export_id}/download-url")),
    # webhooks
    Case("POST", "/webhooks", T.WebhookWithSecret, "object",
         _post(lambda s: "/webhooks", lambda s: HOOK)),
    Case("GET", "/webhooks", T.Webhook, "list", _get(lambda s: "/webhooks")),
    Case("GET", "/webhooks/{}", T.Webhook, "object", _hook_get("")),
    Case("PATCH", "/webhooks/{}", T.Webhook, "object",
         lambda sb, s: raw(sb, "PATCH", f"/webhooks/{_webhook(sb, s)}",
                           json={"name": "Shape hook renamed"})),
    Case("DELETE", "/webhooks/{}", T.DeleteResponse, "object", _delete_webhook),
    Case("POST", "/webhooks/{}/rotate-secret", T.RotateSecretResponse, "object",
         _hook_post("/rotate-secret")),
    Case("POST", "/webhooks/{}/test", T.WebhookTestResponse, "object", _hook_post("/test")),
    Case("GET", "/webhooks/{}/deliveries", T.WebhookDelivery, "list", _hook_get("/deliveries")),
    Case("GET", "/webhooks/deliveries/{}", T.WebhookDelivery, "object",
         lambda sb, s: raw(sb, "GET", f"/webhooks/deliveries/{_delivery(sb, s)}")),
    Case("POST", "/webhooks/deliveries/{}/retry", T.WebhookDelivery, "object",
         lambda sb, s: raw(sb, "POST", f"/webhooks/deliveries/{_delivery(sb, s)}/retry")),
    # usage and rate limits
    Case("GET", "/usage", T.CurrentUsage, "object", _get(lambda s: "/usage")),
    Case("GET", "/usage/history", T.UsageHistory, "object", _get(lambda s: "/usage/history")),
    Case("GET", "/usage/details", T.UsageDetail, "list", _get(lambda s: "/usage/details")),
    Case("GET", "/usage/breakdown", T.UsageBreakdown, "object",
         _get(lambda s: "/usage/breakdown")),
    Case("GET", "/usage/metric-types", T.UsageMetricTypeInfo, "list",
         _get(lambda s: "/usage/metric-types")),
    Case("GET", "/rate-limit/status", T.RateLimitStatus, "object",
         _get(lambda s: "/rate-limit/status")),
    Case("POST", "/rate-limit/refresh", T.RateLimitStatus, "object",
         _post(lambda s: "/rate-limit/refresh")),
    # media links and search
    Case("POST", "/videos/signed-url", T.SignedUrl, "object",
         lambda sb, s: raw(sb, "POST", "/videos/signed-url", json={
             "gcs_uri": raw(sb, "GET", f"/videos/{s.video_id}").json()["video_uri"]})),
    Case("POST", "/indexes/{}/search", T.SearchResult, "list",
         _post(lambda s: f"/indexes/{s.index_id}/search",
               lambda s: {"query": "scene objects", "top_k": 5})),
    Case("POST", "/indexes/{}/image-search", T.ImageSearchResult, "list",
         lambda sb, s: raw(sb, "POST", f"/indexes/{s.index_id}/image-search",
                           json={"image_data": _thumbnail(sb, s), "top_k": 5})),
    Case("POST", "/indexes/{}/multimodal-search", T.MultimodalSearchResult, "list",
         lambda sb, s: raw(sb, "POST", f"/indexes/{s.index_id}/multimodal-search",
                           json={"text_query": "scene", "image_data": _thumbnail(sb, s),
                                 "top_k": 5})),
    Case("POST", "/search/filter/{}", T.FilterSearchResponse, "object",
         _post(lambda s: f"/search/filter/{s.index_id}",
               lambda s: {"conditions": [FILTER], "page_size": 2})),
    Case("POST", "/search/filter/playground", T.FilterSearchResponse, "object",
         _post(lambda s: "/search/filter/playground",
               lambda s: {"conditions": [FILTER], "page_size": 2, "index_ids": [s.index_id]})),
    Case("POST", "/search/multi-run", T.SearchResult, "list",
         _post(lambda s: "/search/multi-run",
               lambda s: {"query": "scene", "run_ids": [s.run_id], "top_k": 3})),
    Case("POST", "/workflow/search", T.WorkflowSearchResponse, "object",
         _post(lambda s: "/workflow/search", lambda s: {
             "query": "scene", "index_id": s.index_id, "limit": 2}, key=True)),
    Case("POST", "/workflow/process", T.WorkflowProcessResponse, "object",
         _post(lambda s: "/workflow/process", lambda s: {
             "prompt_id": s.prompt_id, "video_ids": [s.video_id]}, key=True)),
    Case("GET", "/workflow/search/page", T.WorkflowSearchResponse, "object",
         lambda sb, s: raw(sb, "GET", "/workflow/search/page", params={"cursor": raw(
             sb, "POST", "/workflow/search", json={"query": "scene", "index_id": s.index_id,
                                                   "limit": 1}).json()["pagination"][
                                                       "next_cursor"]})),
    Case("POST", "/playground/search", T.SearchResult, "list",
         lambda sb, s: raw(sb, "POST", "/playground/search",
                           json={"query": "scene", "top_k": 5},
                           params={"run_id": _playground_run(sb, s)})),
]

# Served, but with no model to walk: the export's bytes (checked byte for byte in
# test_exports.py) and the event names (a bare array of strings, test_webhooks.py).
NOT_JSON = {("ITER_BYTES", "/exports/{}/download"), ("GET", "/webhooks/events")}

# SDK endpoints the sandbox does not serve yet, with who adds them.
NOT_SERVED: dict[tuple[str, str], str] = {

    ("POST", "/workflow/define"): "not claimed yet (prompt generation by a model)",
    ("GET", "/prompt-runs/{}/llm-calls"): "not claimed yet (LLM call log)",
    ("POST", "/videos/{}/process"): "legacy processing route (SDK marks it legacy)",
    **{(m, p): "needs a JWT bearer, not an API key (parity matrix)" for m, p in [
        ("POST", "/api-keys"), ("GET", "/api-keys"), ("GET", "/api-keys/{}"),
        ("DELETE", "/api-keys/{}"), ("POST", "/api-keys/{}/revoke"),
        ("POST", "/api-keys/{}/rotate")]},
}


def sdk_endpoints() -> set[tuple[str, str]]:
    """``(METHOD, path template)`` of every HTTP call in the SDK's async resources."""
    root = Path(videovector.__file__).parent / "resources"

    def template(node: ast.AST, names: dict[str, str]) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.JoinedStr):
            return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        if isinstance(node, ast.Name):
            return names.get(node.id)
        return None

    found: set[tuple[str, str]] = set()
    for source in sorted(root.glob("*.py")):
        for fn in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if not isinstance(fn, ast.AsyncFunctionDef):
                continue
            names = {n.targets[0].id: t for n in ast.walk(fn) if isinstance(n, ast.Assign)
                     and isinstance(n.targets[0], ast.Name)
                     and (t := template(n.value, {})) is not None}
            for call in ast.walk(fn):
                if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                        and isinstance(call.func.value, ast.Attribute)
                        and call.func.value.attr == "_client" and call.args):
                    path = template(call.args[0], names)
                    assert path, f"unreadable SDK call in {source.name}:{call.lineno}"
                    found.add((call.func.attr.upper(), path))
    return found


def test_every_sdk_endpoint_is_accounted_for(sandbox: Any) -> None:
    sdk = sdk_endpoints()
    assert len(sdk) > 80, "the SDK scan found too few calls"
    checked = {(c.method, c.template) for c in CASES}
    unaccounted = sdk - checked - NOT_JSON - set(NOT_SERVED)
    assert unaccounted == set(), "SDK endpoints with no completeness case"
    assert (checked | NOT_JSON | set(NOT_SERVED)) - sdk == set(), "cases for routes the SDK lacks"
    now_served = []
    for method, template in NOT_SERVED:
        path = template.replace("{}", "x_probe")
        resp = raw(sandbox, method, path, json={} if method != "GET" else None)
        code = resp.json()["error"]["code"] if resp.status_code >= 400 else ""
        if code not in ("resource_route_not_found", "method_not_allowed"):
            now_served.append((method, template))
    assert now_served == [], "now served: move these from NOT_SERVED into CASES"


@pytest.mark.parametrize("case", CASES, ids=[f"{c.method} {c.template}" for c in CASES])
def test_answer_has_every_declared_field(case: Case, sandbox: Any,
                                         scenario: Scenario) -> None:
    resp = case.request(sandbox, scenario)
    assert resp.status_code < 300, f"{resp.status_code}: {resp.text[:300]}"
    body = resp.json()
    if case.shape == "object":
        gaps = missing_fields(case.model, body)
        case.model.model_validate(body)
    else:
        items = body
        gaps = []
        if case.shape == "page":
            assert isinstance(body, dict), f"expected a page, got {json.dumps(body)[:200]}"
            gaps += missing_fields(T.PaginationMeta, body.get("pagination"), "$.pagination")
            items = body.get("data")
        assert isinstance(items, list) and items, "nothing to check: the list is empty"
        for i, item in enumerate(items):
            gaps += missing_fields(case.model, item, f"$[{i}]")
            case.model.model_validate(item)
    assert not gaps, "missing: " + ", ".join(sorted(set(gaps)))

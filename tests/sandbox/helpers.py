"""Shared async helpers for sandbox contract tests (pure SDK + httpx, no server imports)."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from videovector import AsyncVideoVector
from videovector._types import ImportJob, ImportOutput, PromptRun

LABELS = (
    "harbor", "street", "forest", "kitchen", "stadium", "office", "beach", "studio",
    "warehouse", "classroom", "airport", "garden", "bridge", "market", "library", "stage",
)


def expected_metadata(file_sha: str, part_index: int, index: int) -> tuple[dict[str, Any], str]:
    """Independent re-implementation of the documented deterministic metadata rule."""
    digest = hashlib.sha256(f"{file_sha}:{part_index}:{index}".encode()).hexdigest()
    label = LABELS[int(digest[0:2], 16) % 16]
    objects = [LABELS[int(digest[i : i + 2], 16) % 16] for i in (6, 8)]
    meta = {"label": label, "confidence": int(digest[2:6], 16) % 1000 / 1000,
            "objects": objects, "fingerprint": digest[:16], "segment_index": index}
    text = (f"{label} scene, segment {index}: objects {objects[0]} and {objects[1]} "
            f"(fingerprint {digest[:16]})")
    return meta, text


def make_file(path: Path, size: int, seed: str = "") -> str:
    """Write ``size`` deterministic bytes; returns their sha256."""
    block = hashlib.sha256((seed or path.name).encode()).digest() * 2048
    hasher = hashlib.sha256()
    with path.open("wb") as handle:
        left = size
        while left:
            chunk = block[: min(left, len(block))]
            handle.write(chunk)
            hasher.update(chunk)
            left -= len(chunk)
    return hasher.hexdigest()


async def poll(fetch: Callable[[], Awaitable[Any]], done: Callable[[Any], bool],
               timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = await fetch()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"still not done: {value!r}")
        await asyncio.sleep(0.03)


async def upload_and_wait(vv: AsyncVideoVector, path: Path, title: str,
                          index_id: str | None = None) -> tuple[ImportJob, list[ImportOutput]]:
    job = await vv.videos.upload(file=path, title=title, index_id=index_id)
    job = await poll(lambda: vv.import_jobs.retrieve(job.job_id),
                     lambda j: j.status in ("completed", "failed", "cancelled"))
    outputs = [o async for o in vv.import_jobs.iter_outputs(job.job_id)]
    return job, outputs


async def wait_run(vv: AsyncVideoVector, run_id: str) -> PromptRun:
    terminal = ("completed", "completed_with_failures", "failed", "cancelled")
    return await poll(lambda: vv.prompt_runs.retrieve(run_id), lambda r: r.status in terminal)


def raw(sandbox: Any, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """Plain httpx call with the sandbox key (for shapes the SDK validates client-side)."""
    headers = {"X-API-Key": sandbox.api_key, **kwargs.pop("headers", {})}
    return httpx.request(method, sandbox.base_url + path, headers=headers, timeout=30.0,
                         **kwargs)

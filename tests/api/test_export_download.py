"""vvdesk's export download: through the minted URL over https (no API key sent to it),
through the SDK's authenticated stream over http; a profile CA is trusted exactly."""

from __future__ import annotations

import asyncio
import io
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from videovector import ConnectionError as SdkConnectionError

from tests.sandbox_proc import SandboxProcess
from vvdesk.api.client import ca_file_of, make_client
from vvdesk.api.export_download import download_export

ARCHIVE = "idx_demo_archive"


@pytest.fixture(scope="module")
def tls_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    with SandboxProcess(tmp_path_factory.mktemp("tls"), extra_args=["--https"]) as proc:
        yield proc


def ca_of(sandbox: SandboxProcess) -> Path:
    return sandbox.data_dir / "tls" / "ca.pem"


def download_log(sandbox: SandboxProcess) -> list[dict[str, Any]]:
    response = httpx.get(f"{sandbox.base_url}/_sandbox/download-log", timeout=10,
                         headers={"X-API-Key": sandbox.api_key},
                         verify=ssl.create_default_context(cafile=str(ca_of(sandbox))))
    response.raise_for_status()
    return response.json()


async def fresh_export(client: Any) -> str:
    created = await client.exports.create_index_export(ARCHIVE)
    await client.exports.wait_for_completion(created.export_id, poll_interval=0.05, timeout=20)
    return created.export_id


def test_https_download_goes_through_the_minted_url_without_the_key(
        tls_sandbox: SandboxProcess) -> None:
    async def scenario() -> tuple[str, bytes, bytes]:
        client = make_client(tls_sandbox.base_url, tls_sandbox.api_key, max_retries=0,
                             ca_file=ca_of(tls_sandbox))
        try:
            assert ca_file_of(client) == ca_of(tls_sandbox)
            export_id = await fresh_export(client)
            minted, direct = io.BytesIO(), io.BytesIO()
            written = await download_export(client, export_id, minted)
            await client.exports.download(export_id, direct)
            assert written == len(minted.getvalue())
            return export_id, minted.getvalue(), direct.getvalue()
        finally:
            await client.close()

    before = len(download_log(tls_sandbox))
    export_id, minted, direct = asyncio.run(scenario())
    assert minted == direct and minted.startswith(b"{")
    [seen] = download_log(tls_sandbox)[before:]  # exactly one token download: the app's
    assert seen["export_id"] == export_id and seen["outcome"] == "accepted"
    assert seen["credential_headers"] == []  # no X-API-Key, Authorization or Cookie


def test_http_download_uses_the_authenticated_stream(tmp_path: Path) -> None:
    with SandboxProcess(tmp_path / "plain") as plain:
        async def scenario() -> bytes:
            client = make_client(plain.base_url, plain.api_key, max_retries=0)
            try:
                out = io.BytesIO()
                await download_export(client, await fresh_export(client), out)
                return out.getvalue()
            finally:
                await client.close()

        assert asyncio.run(scenario()).startswith(b"{")
        log = httpx.get(f"{plain.base_url}/_sandbox/download-log", timeout=10,
                        headers={"X-API-Key": plain.api_key}).json()
        assert log == []  # no minted URL over http


def test_a_profile_ca_is_the_only_one_trusted(tls_sandbox: SandboxProcess,
                                              tmp_path: Path) -> None:
    """Without the CA the sandbox is refused; with another CA too (verification stays on)."""
    with SandboxProcess(tmp_path / "other", seed_demo=False, extra_args=["--https"]) as other:
        async def attempt(ca: Path | None) -> None:
            client = make_client(tls_sandbox.base_url, tls_sandbox.api_key, max_retries=0,
                                 ca_file=ca)
            try:
                await client.indexes.list()
            finally:
                await client.close()

        asyncio.run(attempt(ca_of(tls_sandbox)))
        for wrong in (None, ca_of(other)):
            with pytest.raises(SdkConnectionError):
                asyncio.run(attempt(wrong))

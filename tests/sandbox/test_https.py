"""``--https``: own CA kept in the data dir, minted download URLs, fetched without API keys."""

from __future__ import annotations

import asyncio
import io
import re
import ssl
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from videovector import AsyncVideoVector

from tests.sandbox_proc import SandboxProcess

T = TypeVar("T")
ARCHIVE = "idx_demo_archive"
TOKEN = re.compile(r"^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")


@pytest.fixture(scope="module")
def tls_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    proc = SandboxProcess(tmp_path_factory.mktemp("tls"), extra_args=["--https"])
    proc.start()
    try:
        yield proc
    finally:
        proc.stop()


def ca_of(sandbox: SandboxProcess) -> Path:
    return sandbox.data_dir / "tls" / "ca.pem"


def trusting(sandbox: SandboxProcess) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(ca_of(sandbox)))


def sdk(sandbox: SandboxProcess) -> AsyncVideoVector:
    """The SDK trusting exactly the sandbox CA (it has no verify option: fill its slot)."""
    vv = AsyncVideoVector(api_key=sandbox.api_key, base_url=sandbox.base_url, max_retries=0)
    http = vv._http
    http._client = httpx.AsyncClient(base_url=http._config.base_url,
                                     timeout=httpx.Timeout(30.0),
                                     headers=http._default_headers(), verify=trusting(sandbox))
    return vv


def run_sdk(sandbox: SandboxProcess, fn: Callable[[AsyncVideoVector], Awaitable[T]]) -> T:
    async def main() -> T:
        vv = sdk(sandbox)
        try:
            return await fn(vv)
        finally:
            await vv.close()

    return asyncio.run(main())


def control(sandbox: SandboxProcess, method: str, path: str, **kw: Any) -> Any:
    response = httpx.request(method, f"{sandbox.base_url}/_sandbox{path}",
                             headers={"X-API-Key": sandbox.api_key}, verify=trusting(sandbox),
                             timeout=10, **kw)
    response.raise_for_status()
    return response.json()


async def completed_export(vv: AsyncVideoVector) -> str:
    created = await vv.exports.create_index_export(ARCHIVE)
    await vv.exports.wait_for_completion(created.export_id, poll_interval=0.05, timeout=20)
    return created.export_id


def test_serves_https_with_its_own_ca_only(tls_sandbox: SandboxProcess) -> None:
    assert tls_sandbox.base_url.startswith("https://127.0.0.1:")
    assert ca_of(tls_sandbox).exists()
    assert (ca_of(tls_sandbox).parent / "server-key.pem").stat().st_mode & 0o077 == 0
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(tls_sandbox.base_url + "/auth/validate", timeout=10)  # system roots only
    ok = httpx.get(tls_sandbox.base_url + "/auth/validate", verify=trusting(tls_sandbox),
                   headers={"X-API-Key": tls_sandbox.api_key}, timeout=10)
    assert ok.status_code == 204
    indexes = run_sdk(tls_sandbox, lambda vv: vv.indexes.list())
    assert ARCHIVE in [i.index_id for i in indexes]


def test_certificates_are_made_once_and_reused(tmp_path: Path) -> None:
    with SandboxProcess(tmp_path / "d", seed_demo=False, extra_args=["--https"]) as first:
        ca = ca_of(first).read_bytes()
        server = (ca_of(first).parent / "server.pem").read_bytes()
    with SandboxProcess(tmp_path / "d", seed_demo=False, extra_args=["--https"]) as second:
        assert ca_of(second).read_bytes() == ca and (
            ca_of(second).parent / "server.pem").read_bytes() == server
        assert httpx.get(second.base_url + "/webhooks/events", verify=trusting(second),
                         timeout=10).status_code == 200


def test_minted_url_downloads_without_api_headers(tls_sandbox: SandboxProcess) -> None:
    async def scenario(vv: AsyncVideoVector) -> tuple[str, str, bytes]:
        export_id = await completed_export(vv)
        buf = io.BytesIO()
        await vv.exports.download(export_id, buf)
        url = await vv.exports.download_url(export_id)
        assert url is not None  # not None: the SDK accepted its shape and origin
        return export_id, url, buf.getvalue()

    export_id, url, authenticated = run_sdk(tls_sandbox, scenario)
    parts, base = urlsplit(url), urlsplit(tls_sandbox.base_url)
    assert (parts.scheme, parts.hostname, parts.port) == ("https", base.hostname, base.port)
    assert parts.path == f"/api/v2/exports/{export_id}/download"
    token = parse_qs(parts.query)["token"][0]
    assert TOKEN.match(token) and 32 <= len(token) <= 2048

    before = len(control(tls_sandbox, "GET", "/download-log"))
    fetched = httpx.get(url, verify=trusting(tls_sandbox), timeout=10,
                        headers={"Accept-Encoding": "identity"})
    assert fetched.status_code == 200 and fetched.content == authenticated
    assert fetched.headers["content-type"].startswith("application/json")
    assert int(fetched.headers["content-length"]) == len(authenticated)
    [seen] = control(tls_sandbox, "GET", "/download-log")[before:]
    assert seen == {**seen, "export_id": export_id, "outcome": "accepted",
                    "credential_headers": []}

    # the token opens only its own export, and nothing else
    other = run_sdk(tls_sandbox, completed_export)
    wrong = httpx.get(url.replace(export_id, other), verify=trusting(tls_sandbox), timeout=10)
    assert wrong.status_code == 403
    assert wrong.json()["error"]["code"] == "authorization_invalid_download_token"
    forged = httpx.get(url[:-4] + "AAAA", verify=trusting(tls_sandbox), timeout=10)
    assert forged.status_code == 403
    assert httpx.get(url.replace("?token=", "?access_token="), verify=trusting(tls_sandbox),
                     timeout=10).status_code == 401


def test_minted_url_expires(tls_sandbox: SandboxProcess) -> None:
    control(tls_sandbox, "POST", "/download-urls", json={"ttl_seconds": 0.3})
    try:
        async def scenario(vv: AsyncVideoVector) -> str | None:
            return await vv.exports.download_url(await completed_export(vv))

        url = run_sdk(tls_sandbox, scenario)
        assert url is not None
        time.sleep(0.5)
        late = httpx.get(url, verify=trusting(tls_sandbox), timeout=10)
        assert late.status_code == 403 and late.json()["error"]["details"]["reason"] == "expired"
    finally:
        control(tls_sandbox, "POST", "/download-urls", json={"ttl_seconds": 900})


def test_no_url_for_unfinished_or_connector_exports(tls_sandbox: SandboxProcess) -> None:
    async def scenario(vv: AsyncVideoVector) -> None:
        control(tls_sandbox, "POST", "/simulation", json={"paused": True})
        try:
            created = await vv.exports.create_index_export(ARCHIVE)
            assert await vv.exports.download_url(created.export_id) is None
        finally:
            control(tls_sandbox, "POST", "/simulation", json={"paused": False})

    run_sdk(tls_sandbox, scenario)

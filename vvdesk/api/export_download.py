"""Export bytes through a minted download URL when the server offers one.

Over https the API can mint a short-lived bearer URL for a completed export
(`POST /exports/{id}/download-url`; the SDK validates its shape and origin). That URL is
fetched with a separate httpx client that carries no API headers at all: no key, no
bearer token, no cookies, redirects not followed, trusting the same CA as the profile's
client. The answer is checked exactly as the SDK checks its authenticated stream (200,
application/json, identity encoding, Content-Length 1…64 MiB, byte count), using the
SDK's own checks. When no URL is offered (plain http, or the server says null) the
SDK's authenticated download is used, as before.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, Protocol

from vvdesk.api.client import ca_file_of, trust_for

if TYPE_CHECKING:
    from videovector import AsyncVideoVector

MAX_BYTES = 64 * 1024 * 1024
CHUNK = 1024 * 1024


class Writer(Protocol):
    def write(self, chunk: bytes, /) -> Any: ...


async def download_export(client: AsyncVideoVector, export_id: str, writer: Writer) -> int:
    """Write export `export_id` to `writer` (called from worker threads); bytes written."""
    url = None
    if client._config.base_url.lower().startswith("https://"):
        url = await client.exports.download_url(export_id)
    if url is None:
        return await client.exports.download(export_id, writer)  # type: ignore[arg-type]
    return await fetch_minted(url, writer, verify=trust_for(ca_file_of(client)),
                              timeout=client._config.timeout)


async def fetch_minted(url: str, writer: Writer, *, verify: Any, timeout: float) -> int:
    """GET a minted URL without any credential header; the SDK's checks on the answer."""
    import httpx
    from videovector import ConnectionError as SdkConnectionError
    from videovector import TimeoutError as SdkTimeoutError
    from videovector._exceptions import VideoVectorError
    from videovector._http import (
        _raise_stream_error,
        _validate_download_response_headers,
        _validate_streamed_length,
    )
    from videovector.resources.exports import _to_thread_settled

    http = await asyncio.to_thread(httpx.AsyncClient, verify=verify, follow_redirects=False,
                                   trust_env=False, timeout=httpx.Timeout(timeout))
    headers = {"Accept": "application/json", "Accept-Encoding": "identity"}
    written = 0
    try:
        async with http, http.stream("GET", url, headers=headers) as response:
            if response.status_code != 200:
                await response.aread()
                if response.status_code < 400:
                    raise VideoVectorError("Download did not return a complete response",
                                           status_code=response.status_code,
                                           error_code="unexpected_download_status")
                _raise_stream_error(response, max_retry_delay=300)
            expected = _validate_download_response_headers(response, max_bytes=MAX_BYTES)
            async for chunk in response.aiter_bytes(chunk_size=CHUNK):
                if not chunk:
                    continue
                written += len(chunk)
                if written > MAX_BYTES:
                    raise VideoVectorError("Download exceeded the configured byte limit",
                                           error_code="download_size_limit_exceeded")
                await _to_thread_settled(writer.write, chunk)
            _validate_streamed_length(expected_length=expected, actual_length=written)
    except httpx.TimeoutException:
        raise SdkTimeoutError("Download timed out.") from None
    except httpx.ConnectError:
        raise SdkConnectionError("Download connection failed.") from None
    except httpx.HTTPError:
        raise SdkConnectionError("Download failed.") from None
    return written

"""Media bytes through signed links (`videos.get_signed_url`): the link is the credential.

Whatever fetches a signed URL carries no API header at all: the player (QMediaPlayer
fetches it itself, with none of our headers) and, here, a separate httpx client with no
key, no cookies, redirects not followed, trusting the same CA as the profile's client.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vvdesk.api.client import ca_file_of, trust_for

if TYPE_CHECKING:
    import httpx
    from videovector import AsyncVideoVector

MAX_PICTURE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class MediaLink:
    url: str
    size: int | None  # bytes, from the link's Content-Range (None if it did not say)


async def _plain_client(client: AsyncVideoVector) -> httpx.AsyncClient:
    import httpx

    return await asyncio.to_thread(
        httpx.AsyncClient, verify=trust_for(ca_file_of(client)), follow_redirects=False,
        trust_env=False, timeout=httpx.Timeout(client._config.timeout))


async def signed_link(client: AsyncVideoVector, gcs_uri: str) -> MediaLink:
    """A signed URL for `gcs_uri` and the file's size (a 1-byte Range request, no key)."""
    signed = await client.videos.get_signed_url(gcs_uri)
    size = None
    http = await _plain_client(client)
    async with http:
        response = await http.get(signed.signed_url, headers={"Range": "bytes=0-0"})
        total = response.headers.get("content-range", "").rpartition("/")[2]
        if response.status_code == 206 and total.isdigit():
            size = int(total)
    return MediaLink(signed.signed_url, size)


async def fetch_link(client: AsyncVideoVector, url: str) -> bytes:
    """The bytes behind a signed URL (a picture to show), without any credential header."""
    http = await _plain_client(client)
    async with http:
        response = await http.get(url)
        response.raise_for_status()
        if len(response.content) > MAX_PICTURE_BYTES:
            raise ValueError("the picture is larger than 64 MiB")
        return response.content

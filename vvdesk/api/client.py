"""One AsyncVideoVector client per profile; the SDK does HTTP, retries and idempotency."""

from __future__ import annotations

import asyncio
import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from videovector import AsyncVideoVector

USER_AGENT_SUFFIX = "vvdesk"


def normalize_base_url(url: str) -> str:
    """Strip blanks and a trailing slash; the SDK does the same, we need it for display/compare."""
    return url.strip().rstrip("/")


async def preload_sdk() -> None:
    """Import the SDK (~1 s of pydantic model building) in a worker thread, not the UI's."""
    await asyncio.to_thread(importlib.import_module, "videovector")


def make_client(
    base_url: str, api_key: str, *, max_retries: int = 3, timeout: float = 60.0
) -> AsyncVideoVector:
    """Build the SDK client. The key goes into the SDK's default headers and nowhere else."""
    from videovector import AsyncVideoVector

    return AsyncVideoVector(
        api_key=api_key,
        base_url=normalize_base_url(base_url),
        timeout=timeout,
        max_retries=max_retries,
    )

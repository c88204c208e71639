"""Direct SDK calls the tests use to set up and check the sandbox (not through the app)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vvdesk.api.client import make_client


def new_index(sandbox: Any, arun: Callable[..., Any], name: str) -> str:
    async def create() -> str:
        vv = make_client(sandbox.base_url, sandbox.api_key)
        try:
            return (await vv.indexes.create(name=name)).index_id
        finally:
            await vv.close()

    return arun(create())


def media_titles(server: Any, arun: Callable[..., Any], index_id: str) -> list[str]:
    async def load() -> list[str]:
        vv = make_client(server.base_url, server.api_key)
        try:
            page = await vv.indexes.list_videos(index_id, limit=100)
            return [v.title async for v in page.auto_paging_iter()]
        finally:
            await vv.close()

    return arun(load())

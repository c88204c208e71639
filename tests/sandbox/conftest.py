"""Fixtures: one seeded sandbox per test module, plus an SDK client runner."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from videovector import AsyncVideoVector

from tests.sandbox_proc import SandboxProcess

T = TypeVar("T")


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    proc = SandboxProcess(tmp_path_factory.mktemp("sandbox"), time_scale=50.0)
    proc.start()
    try:
        yield proc
    finally:
        proc.stop()


def make_client(sandbox: SandboxProcess, *, api_key: str | None = None,
                max_retries: int = 1) -> AsyncVideoVector:
    return AsyncVideoVector(api_key=api_key or sandbox.api_key, base_url=sandbox.base_url,
                            max_retries=max_retries)


Runner = Callable[[Callable[[AsyncVideoVector], Awaitable[Any]]], Any]


@pytest.fixture
def run(sandbox: SandboxProcess) -> Runner:
    """``run(lambda vv: coro)``: execute a coroutine with a fresh client on a fresh loop."""

    def runner(fn: Callable[[AsyncVideoVector], Awaitable[T]], **kwargs: Any) -> T:
        async def main() -> T:
            client = make_client(sandbox, **kwargs)
            try:
                return await fn(client)
            finally:
                await client.close()

        return asyncio.run(main())

    return runner


@pytest.fixture
def data_dir(sandbox: SandboxProcess) -> Path:
    return sandbox.data_dir

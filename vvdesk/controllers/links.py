"""Connections a controller made, undone together when its session ends; and asking the
user from inside a flow coroutine."""

from __future__ import annotations

import asyncio
import contextlib
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import SignalInstance

T = TypeVar("T")


class Links:
    """Every connect of a controller goes through here; close() undoes them all."""

    def __init__(self) -> None:
        self._pairs: list[tuple[SignalInstance, Callable[..., Any]]] = []

    def connect(self, signal: SignalInstance, slot: Callable[..., Any]) -> None:
        signal.connect(slot)
        self._pairs.append((signal, slot))

    def close(self) -> None:
        pairs, self._pairs = self._pairs, []
        with warnings.catch_warnings():
            # a sender already destroyed (a closed dialog) has dropped its connections
            warnings.simplefilter("ignore", RuntimeWarning)
            for signal, slot in reversed(pairs):
                with contextlib.suppress(RuntimeError, TypeError, SystemError):
                    signal.disconnect(slot)

    def __len__(self) -> int:
        return len(self._pairs)


async def answer(question: Callable[[], T]) -> T:
    """The user's answer to a (modal) question, awaited by a flow coroutine.

    The question runs in a loop callback, not inside the awaiting task's step: a modal
    dialog's nested event loop then steps other tasks normally (inside a task step
    asyncio refuses to enter another task).
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def ask() -> None:
        if future.cancelled():
            return
        try:
            result = question()
        except BaseException as exc:
            if not future.cancelled():
                future.set_exception(exc)
            return
        if not future.cancelled():
            future.set_result(result)

    loop.call_soon(ask)
    return await future

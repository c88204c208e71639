"""The one owner of asyncio work: named tasks, strong references, cancellable, awaited on quit.

Widgets never create tasks; services call JobManager.run with a success handler and
(optionally) an error handler. Unhandled failures reach one default path: `failed`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from vvdesk.api.errors import ApiProblem

log = logging.getLogger(__name__)

T = TypeVar("T")
ErrorHandler = Callable[["ApiProblem"], None]


class JobManager(QObject):
    failed = Signal(str, object)  # job name, ApiProblem
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks: dict[str, asyncio.Task[Any]] = {}
        self._closing = False

    def run(
        self,
        name: str,
        coro: Coroutine[Any, Any, T],
        *,
        on_ok: Callable[[T], object] | None = None,
        on_error: ErrorHandler | None = None,
        replace: bool = True,
    ) -> asyncio.Task[Any] | None:
        """Start `coro` as job `name`. replace=True cancels a running job of the same name."""
        if self._closing:
            coro.close()
            return None
        old = self._tasks.get(name)
        if old is not None and not old.done():
            if not replace:
                coro.close()
                return old
            old.cancel()
        was_idle = not self.busy
        task = asyncio.ensure_future(coro)
        task.set_name(name)
        self._tasks[name] = task
        task.add_done_callback(lambda t: self._finished(name, t, on_ok, on_error))
        if was_idle:
            self.busy_changed.emit(True)
        return task

    def _finished(
        self, name: str, task: asyncio.Task[T], on_ok: Callable[[T], object] | None,
        on_error: ErrorHandler | None,
    ) -> None:
        if self._tasks.get(name) is task:
            del self._tasks[name]
        if not self.busy:
            self.busy_changed.emit(False)
        if task.cancelled() or self._closing:
            return
        exc = task.exception()
        if exc is None:
            if on_ok is not None:
                on_ok(task.result())
            return
        from vvdesk.api.errors import describe

        problem = describe(exc)
        if not isinstance(exc, Exception) or problem.kind.value == "unknown":
            log.error("job %s failed", name, exc_info=(type(exc), exc, exc.__traceback__))
        else:
            log.info("job %s failed: %s", name, problem)
        if on_error is not None:
            on_error(problem)
        else:
            self.failed.emit(name, problem)

    @property
    def busy(self) -> bool:
        return any(not t.done() for t in self._tasks.values())

    def is_running(self, name: str) -> bool:
        task = self._tasks.get(name)
        return task is not None and not task.done()

    def cancel(self, name: str) -> None:
        task = self._tasks.get(name)
        if task is not None:
            task.cancel()

    async def stop(self, name: str) -> None:
        """Cancel this job, if running, and wait until it has finished unwinding."""
        task = self._tasks.get(name)
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def shutdown(self) -> None:
        """Cancel every job and wait for them to finish unwinding."""
        self._closing = True
        tasks = [t for t in self._tasks.values() if not t.done()]
        for t in tasks:
            t.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()

"""A connection to one server: the SDK client, its state for the status bar, and its jobs."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, SignalInstance

from vvdesk.services.jobs import JobManager

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from videovector import AsyncVideoVector

    from vvdesk.api.errors import ApiProblem
    from vvdesk.api.waits import RateNotice


class ConnState(StrEnum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    OFFLINE = "offline"
    AUTH_FAILED = "key rejected"
    SERVER_TROUBLE = "server errors"  # answers, but errors over and over (api/health.py)
    CLOSED = "closed"


class ApiSession(QObject):
    """Owns the per-profile SDK client; every service of this profile shares it."""

    state_changed = Signal(str, str)  # ConnState value, detail in plain words
    auth_failed = Signal()
    # api.waits.RateNotice, the moment a 429 arrives (before any retry): .message says
    # how long the server asked to wait and until when, in words for a status line
    rate_limited = Signal(object)

    def __init__(
        self, profile_name: str, base_url: str, client: AsyncVideoVector, *,
        poll_client: AsyncVideoVector | None = None, is_sandbox: bool = False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.profile_name = profile_name
        self.base_url = base_url
        self.client = client
        # Pollers use a client without SDK retries: they see every 429/5xx at once, honour
        # Retry-After and keep to their own request budget (the SDK would sleep up to
        # 3 × Retry-After silently, outside that budget).
        self.poll_client = poll_client or client
        self.is_sandbox = is_sandbox
        self.jobs = JobManager(self)
        self.state = ConnState.CONNECTING
        self.detail = ""
        self._opened = time.monotonic()
        self._answered = False
        self.last_rate_notice: RateNotice | None = None
        from vvdesk.api.health import ServerHealth
        from vvdesk.api.transport import guard_of

        self.health = ServerHealth()
        for sdk_client in (client, self.poll_client):
            if (guard := guard_of(sdk_client)) is not None:
                guard.on_rate_limited = self._rate_limited
                guard.on_answer = self._on_answer

    def _on_answer(self, status: int) -> None:
        """Every HTTP answer: a run of server errors is "server errors" in the status bar
        (with how long they have lasted); the first good answer ends it."""
        if self.state is ConnState.CLOSED:
            return
        if self.health.answer(status):
            self._set_state(ConnState.SERVER_TROUBLE, self.health.describe())
        elif self.state is ConnState.SERVER_TROUBLE and status != 401:
            self._set_state(ConnState.CONNECTED)

    def _rate_limited(self, notice: RateNotice) -> None:
        log.info("connection %s: rate limited: %s", self.profile_name, notice.message)
        self.last_rate_notice = notice
        self.rate_limited.emit(notice)

    def _set_state(self, state: ConnState, detail: str = "") -> None:
        if (state, detail) != (self.state, self.detail):
            self._log_change(state, detail)
            self.state, self.detail = state, detail
            self.state_changed.emit(state.value, detail)
        if state is ConnState.AUTH_FAILED:
            self.auth_failed.emit()

    def _log_change(self, state: ConnState, detail: str) -> None:
        """Every change of the connection state goes to the log; the first answer with the
        time it took since the session was opened."""
        if state is ConnState.CONNECTED and not self._answered:
            self._answered = True
            log.info("connection %s: first answer from %s after %.2f s", self.profile_name,
                     self.base_url, time.monotonic() - self._opened)
            return
        level = logging.INFO if state in (ConnState.CONNECTED, ConnState.CLOSED) else (
            logging.WARNING)
        log.log(level, "connection %s: %s -> %s%s", self.profile_name, self.state.value,
                state.value, f" ({detail})" if detail else "")

    def mark_ok(self, _result: object = None) -> None:
        self._set_state(ConnState.CONNECTED)

    def note_problem(self, problem: ApiProblem) -> None:
        """Let any failed call update the connection state (offline, key rejected)."""
        kind = problem.kind.value
        if kind == "auth":
            self._set_state(ConnState.AUTH_FAILED, problem.message)
        elif kind in ("offline", "timeout", "tls"):
            self._set_state(ConnState.OFFLINE, problem.message)

    def reporter(self, signal: SignalInstance, *head: object,
                 transform: Callable[[ApiProblem], ApiProblem] | None = None,
                 ) -> Callable[[ApiProblem], None]:
        """The error handler every service uses: update the connection state from the
        problem, then emit `signal(*head, problem)` (optionally transformed)."""

        def handler(problem: ApiProblem) -> None:
            self.note_problem(problem)
            signal.emit(*head, transform(problem) if transform else problem)

        return handler

    async def close(self) -> None:
        await self.jobs.shutdown()
        await self.client.close()
        if self.poll_client is not self.client:
            await self.poll_client.close()
        self._set_state(ConnState.CLOSED)

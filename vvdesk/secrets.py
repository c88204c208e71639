"""API keys live in the OS keyring, or for this session only; never in a file we write.

Keyring calls are blocking D-Bus round trips (5-50 ms), so every call runs in a thread.
When no usable backend exists (no Secret Service, a locked keyring, or a plaintext
backend such as keyrings.alt) the vault says why and keeps keys in memory only.

A Secret Service can also stop answering (a hung daemon, an unlock prompt nobody sees).
Every keyring call therefore has a deadline (KEYRING_TIMEOUT_S) and runs on its own daemon
thread, not the loop's executor: a call that never returns cannot hold up startup, a
profile save, or the end of the process. After one timeout the vault stops asking the
keyring and keeps keys for this session only, and says so (`keyring_problem`).
Loading keyring's code (its backends, secretstorage, cryptography) is not a call to the
service: it is done first, with a deadline of its own, because on a busy machine it alone
can take longer than KEYRING_TIMEOUT_S (a working keyring was then taken for a stuck one).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
KEYRING_TIMEOUT_S = 5.0
KEYRING_LOAD_TIMEOUT_S = 60.0  # importing keyring and its backends: local work, only slow
STUCK = ("The system keyring did not answer within {s:g} s (it may be waiting for an unlock "
         "prompt, or its service is stuck). API keys are kept for this session only; check "
         "the keyring and restart vvdesk to use saved keys.")


class KeyringStuck(Exception):
    """A keyring call did not return in time (its thread is left to finish on its own)."""


async def in_daemon_thread(fn: Callable[..., T], *args: Any,
                           timeout: float | None = None) -> T:
    """Run a blocking call on a fresh daemon thread; KeyringStuck after `timeout` seconds.

    Unlike asyncio.to_thread, nothing waits for that thread: not the loop's executor at
    shutdown, not the interpreter at exit.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(ok: bool, value: Any) -> None:
        if not future.done():
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

    def work() -> None:
        try:
            outcome: tuple[bool, Any] = (True, fn(*args))
        except BaseException as exc:  # handed to the awaiting task
            outcome = (False, exc)
        with contextlib.suppress(RuntimeError):  # the loop is gone: nobody waits any more
            loop.call_soon_threadsafe(settle, *outcome)

    threading.Thread(target=work, name="vvdesk-keyring", daemon=True).start()
    try:
        return await asyncio.wait_for(asyncio.shield(future), timeout)
    except TimeoutError:
        raise KeyringStuck(f"{getattr(fn, '__name__', 'keyring call')} took over "
                           f"{timeout} s") from None


SERVICE = "vvdesk"
_PLAINTEXT_HINTS = ("plaintext", "keyrings.alt", "null", "fail")


def _load_keyring_code() -> None:
    """Import keyring and the backends it chooses from (runs in a thread). This reads
    only local files, so it cannot hang on the service, but it takes seconds of CPU time
    on a loaded machine."""
    from importlib.metadata import entry_points

    import keyring  # noqa: F401

    for ep in entry_points(group="keyring.backends"):  # what keyring itself loads
        with contextlib.suppress(Exception):  # keyring logs a broken plugin itself
            ep.load()


def _probe_backend() -> str | None:
    """Return why the keyring cannot be used, or None when it can (runs in a thread)."""
    import keyring
    from keyring.errors import KeyringError

    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}".lower()
    if any(h in name for h in _PLAINTEXT_HINTS) or getattr(backend, "priority", 0) < 1:
        return ("No system keyring (Secret Service) is available, so API keys cannot be "
                "saved. You can use a key for this session only.")
    try:
        keyring.get_password(SERVICE, "__vvdesk_probe__")
    except KeyringError as exc:
        from keyring.errors import KeyringLocked

        why = ("it is locked" if isinstance(exc, KeyringLocked)
               else "it refused to be read")
        return (f"The system keyring cannot be used ({why}). Unlock it, then restart vvdesk; "
                "until then keys are kept for this session only.")
    return None


@dataclass
class SecretVault:
    """Keys by profile name: keyring-backed when possible, else session-only."""

    keyring_problem: str | None = None
    _session: dict[str, str] = field(default_factory=dict)

    keyring_stuck: bool = False  # a call timed out: the keyring is not asked again

    @classmethod
    async def open(cls) -> SecretVault:
        try:
            await in_daemon_thread(_load_keyring_code, timeout=KEYRING_LOAD_TIMEOUT_S)
            return cls(keyring_problem=await in_daemon_thread(_probe_backend,
                                                              timeout=KEYRING_TIMEOUT_S))
        except KeyringStuck:
            vault = cls()
            vault._stuck()
            return vault

    @property
    def can_persist(self) -> bool:
        return self.keyring_problem is None

    def _stuck(self) -> None:
        log.warning("the system keyring did not answer within %g s; keys are session-only",
                    KEYRING_TIMEOUT_S)
        self.keyring_stuck = True
        self.keyring_problem = STUCK.format(s=KEYRING_TIMEOUT_S)

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        try:
            return await in_daemon_thread(fn, *args, timeout=KEYRING_TIMEOUT_S)
        except KeyringStuck:
            self._stuck()
            raise

    async def get(self, profile: str) -> str | None:
        """The key, or None when there is none (or the keyring no longer answers: then
        `keyring_problem` says so)."""
        if profile in self._session:
            return self._session[profile]
        if not self.can_persist:
            return None
        import keyring

        try:
            return await self._call(keyring.get_password, SERVICE, profile)
        except KeyringStuck:
            return None

    async def set(self, profile: str, api_key: str, *, remember: bool = True) -> None:
        """Store the key; remember=False (or no keyring, or a keyring that does not answer)
        keeps it for this session only."""
        if remember and self.can_persist:
            import keyring

            try:
                await self._call(keyring.set_password, SERVICE, profile, api_key)
                self._session.pop(profile, None)
                return
            except KeyringStuck:
                pass
        self._session[profile] = api_key

    async def delete(self, profile: str) -> None:
        self._session.pop(profile, None)
        if not self.can_persist:
            return
        import keyring
        from keyring.errors import PasswordDeleteError

        # nothing stored: already done; a stuck keyring: nothing more we can do
        with contextlib.suppress(PasswordDeleteError, KeyringStuck):
            await self._call(keyring.delete_password, SERVICE, profile)

    def is_session_only(self, profile: str) -> bool:
        return profile in self._session

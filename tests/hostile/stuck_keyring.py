"""A keyring backend that stops answering, like a hung Secret Service (for tests).

`StuckKeyring` blocks every call until `release()`; `LateStuckKeyring` answers the first
N calls (the startup probe) and then blocks. Selected in a child process with
PYTHON_KEYRING_BACKEND=tests.hostile.stuck_keyring.StuckKeyring.
"""

from __future__ import annotations

import threading

from keyring.backend import KeyringBackend

_released = threading.Event()


def release() -> None:
    _released.set()


def reset() -> None:
    _released.clear()


class StuckKeyring(KeyringBackend):
    priority = 10  # type: ignore[assignment]
    answers = 0  # calls answered before it hangs

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0
        self.stored: dict[tuple[str, str], str] = {}

    def _maybe_hang(self) -> None:
        self.calls += 1
        if self.calls > self.answers:
            _released.wait()

    def get_password(self, service: str, username: str) -> str | None:
        self._maybe_hang()
        return self.stored.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._maybe_hang()
        self.stored[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self._maybe_hang()
        self.stored.pop((service, username), None)


class LateStuckKeyring(StuckKeyring):
    answers = 1


class LockedKeyring(StuckKeyring):
    """A Secret Service whose collection is locked (no prompt can unlock it)."""

    def get_password(self, service: str, username: str) -> str | None:
        from keyring.errors import KeyringLocked

        raise KeyringLocked("Failed to unlock the collection!")

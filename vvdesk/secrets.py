"""API keys live in the OS keyring, or for this session only; never in a file we write.

Keyring calls are blocking D-Bus round trips (5-50 ms), so every call runs in a thread.
When no usable backend exists (no Secret Service, a locked keyring, or a plaintext
backend such as keyrings.alt) the vault says why and keeps keys in memory only.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

SERVICE = "vvdesk"
_PLAINTEXT_HINTS = ("plaintext", "keyrings.alt", "null", "fail")


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
        return (f"The system keyring cannot be used ({type(exc).__name__}). Unlock it or use "
                "a key for this session only.")
    return None


@dataclass
class SecretVault:
    """Keys by profile name: keyring-backed when possible, else session-only."""

    keyring_problem: str | None = None
    _session: dict[str, str] = field(default_factory=dict)

    @classmethod
    async def open(cls) -> SecretVault:
        return cls(keyring_problem=await asyncio.to_thread(_probe_backend))

    @property
    def can_persist(self) -> bool:
        return self.keyring_problem is None

    async def get(self, profile: str) -> str | None:
        if profile in self._session:
            return self._session[profile]
        if not self.can_persist:
            return None
        import keyring

        return await asyncio.to_thread(keyring.get_password, SERVICE, profile)

    async def set(self, profile: str, api_key: str, *, remember: bool = True) -> None:
        """Store the key; remember=False (or no keyring) keeps it for this session only."""
        if remember and self.can_persist:
            import keyring

            await asyncio.to_thread(keyring.set_password, SERVICE, profile, api_key)
            self._session.pop(profile, None)
        else:
            self._session[profile] = api_key

    async def delete(self, profile: str) -> None:
        self._session.pop(profile, None)
        if not self.can_persist:
            return
        import keyring
        from keyring.errors import PasswordDeleteError

        with contextlib.suppress(PasswordDeleteError):  # nothing stored: already done
            await asyncio.to_thread(keyring.delete_password, SERVICE, profile)

    def is_session_only(self, profile: str) -> bool:
        return profile in self._session

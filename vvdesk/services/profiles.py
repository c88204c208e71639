"""Saved profiles (settings) and their keys (vault), plus "Test connection"."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from vvdesk.api.errors import ApiProblem
from vvdesk.api.probe import ProbeResult, test_connection
from vvdesk.secrets import SecretVault
from vvdesk.services.jobs import JobManager
from vvdesk.settings import Profile, Settings


class ProfileService(QObject):
    tested = Signal(object)  # ProbeResult
    saved = Signal(str)
    removed = Signal(str)
    failed = Signal(str)  # plain words

    def __init__(self, settings: Settings, vault: SecretVault, jobs: JobManager,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.vault = vault
        self._jobs = jobs

    def profiles(self) -> list[Profile]:
        return self.settings.profiles()

    def test(self, base_url: str, api_key: str) -> None:
        self._jobs.run("profiles.test", test_connection(base_url, api_key),
                       on_ok=self.tested.emit, on_error=self._failed)

    def test_saved(self, name: str, base_url: str) -> None:
        """Test with the key already stored for `name` (the dialog never reads it back)."""

        async def probe() -> ProbeResult:
            return await test_connection(base_url, await self.vault.get(name) or "")

        self._jobs.run("profiles.test", probe(), on_ok=self.tested.emit, on_error=self._failed)

    def save(self, profile: Profile, api_key: str | None, *, remember: bool = True,
             replacing: str | None = None) -> None:
        """Save the profile; api_key None keeps the stored key (moved along on a rename)."""
        async def save() -> str:
            key = api_key
            if replacing and replacing != profile.name:
                key = key or await self.vault.get(replacing)
                await self.vault.delete(replacing)
            if key:
                await self.vault.set(profile.name, key, remember=remember)
            self.settings.save_profile(profile, replacing=replacing)
            return profile.name

        def ok(name: str) -> None:
            self.saved.emit(name)
            if remember and api_key and self.vault.keyring_stuck:  # saved, but not the key
                self.failed.emit(f"The profile is saved. {self.vault.keyring_problem}")

        self._jobs.run(f"profiles.save:{profile.name}", save(), on_ok=ok, on_error=self._failed)

    def remove(self, name: str) -> None:
        async def remove() -> str:
            await self.vault.delete(name)
            self.settings.remove_profile(name)
            return name

        self._jobs.run(f"profiles.remove:{name}", remove(), on_ok=self.removed.emit,
                       on_error=self._failed)

    def _failed(self, problem: ApiProblem) -> None:
        self.failed.emit(str(problem))


__all__ = ["ProbeResult", "ProfileService"]


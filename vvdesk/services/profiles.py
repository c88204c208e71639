"""Saved profiles (settings) and their keys (vault), plus "Test connection"."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from vvdesk.api.errors import ApiProblem
from vvdesk.api.probe import ProbeResult, test_connection
from vvdesk.secrets import SecretVault
from vvdesk.services.jobs import JobManager
from vvdesk.settings import Profile, Settings
from vvdesk.vocab import check_api_key, origin_text, same_origin

KEY_STAYS = ("The address points to another server than the saved one. Type the API key "
             "again: the saved key is only sent to {origin}.")


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
        if why := check_api_key(api_key.strip()):
            self.tested.emit(ProbeResult(False, why))
            return
        self._jobs.run("profiles.test", test_connection(base_url, api_key),
                       on_ok=self.tested.emit, on_error=self._failed)

    def test_saved(self, name: str, base_url: str) -> None:
        """Test with the key already stored for `name` (the dialog never reads it back).

        Only at the origin the profile was saved with: the key never goes to a new address.
        """
        saved = self.settings.profile(name)
        if saved is None or not same_origin(saved.base_url, base_url):
            where = origin_text(saved.base_url) if saved else "its own server"
            self.tested.emit(ProbeResult(False, KEY_STAYS.format(origin=where)))
            return

        async def probe() -> ProbeResult:
            return await test_connection(base_url, await self.vault.get(name) or "")

        self._jobs.run("profiles.test", probe(), on_ok=self.tested.emit, on_error=self._failed)

    def save(self, profile: Profile, api_key: str | None, *, remember: bool = True,
             replacing: str | None = None) -> None:
        """Save the profile; api_key None keeps the stored key (moved along on a rename).

        A kept key stays only if the address still has the origin it was saved for.
        """
        if api_key is not None and (why := check_api_key(api_key)):
            self.failed.emit(why)
            return
        old = self.settings.profile(replacing) if replacing else None
        if api_key is None and old is not None and not same_origin(old.base_url,
                                                                     profile.base_url):
            self.failed.emit(KEY_STAYS.format(origin=origin_text(old.base_url)))
            return
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


"""Profiles (File → Profiles…): the dialog's test, save and remove, and "Save and connect".

App-wide, not per connection: it outlives a profile switch (it causes them).
"""

from __future__ import annotations

from collections.abc import Callable

from vvdesk.api.probe import ProbeResult
from vvdesk.controllers.links import Links
from vvdesk.services.profiles import ProfileService
from vvdesk.ui.dialogs.profiles import ProfileDialog
from vvdesk.ui.main_window import MainWindow


class ProfilesController:
    def __init__(self, service: ProfileService, window: MainWindow | None,
                 connect: Callable[[str | None], None]) -> None:
        self.service, self.window, self._connect = service, window, connect
        self.dialog: ProfileDialog | None = None
        self._links = Links()
        if window is not None:
            self._links.connect(window.profiles_requested, self.open)

    def make_dialog(self) -> ProfileDialog:
        """A profile dialog wired to the service (open() shows it; tests show it)."""
        vault = self.service.vault
        dlg = ProfileDialog(self.service.settings, keyring_problem=vault.keyring_problem or "",
                            can_persist=vault.can_persist, parent=self.window)
        links = Links()
        links.connect(self.service.tested, lambda r: dlg.show_tested(r.ok, r.message))
        links.connect(self.service.saved, dlg.show_saved)
        links.connect(self.service.removed, dlg.show_removed)
        links.connect(self.service.failed, dlg.show_failed)
        links.connect(dlg.test_requested, self.service.test)
        links.connect(dlg.test_saved_requested, self.service.test_saved)
        service = self.service
        links.connect(dlg.save_requested, lambda profile, key, remember, replacing:
                      service.save(profile, key, remember=remember, replacing=replacing))
        links.connect(dlg.remove_requested, self.service.remove)
        links.connect(dlg.connect_requested, self._connect)
        dlg.destroyed.connect(lambda *_: links.close())
        self._dialog_links = links
        return dlg

    def open(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self._dialog_links.close()
        self.dialog = self.make_dialog()
        self.dialog.open()

    def close(self) -> None:
        self._links.close()
        if self.dialog is not None:
            self._dialog_links.close()
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None


__all__ = ["ProbeResult", "ProfilesController"]

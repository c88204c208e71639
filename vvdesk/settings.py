"""Typed settings over QSettings, with defaults and a schema version. Never holds a secret."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import StrEnum

from PySide6.QtCore import QByteArray, QSettings

SCHEMA_VERSION = 1


class ColorSchemeChoice(StrEnum):
    """Light or dark look: follow the operating system, or always one of the two."""

    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


@dataclass(frozen=True)
class Profile:
    """A saved server: a name and a base URL. The key is in the keyring under the name."""

    name: str
    base_url: str


class Settings:
    """The app's options. Pass a QSettings to isolate tests; the default is the user's."""

    def __init__(self, store: QSettings | None = None) -> None:
        self._s = store if store is not None else QSettings("vvdesk", "vvdesk")
        if self.whole("schema_version", 0) < SCHEMA_VERSION:
            self._s.setValue("schema_version", SCHEMA_VERSION)

    # profiles ------------------------------------------------------------------
    def profiles(self) -> list[Profile]:
        raw = self._s.value("profiles/list", "[]")
        try:
            items = json.loads(raw if isinstance(raw, str) else "[]")
            return [Profile(str(i["name"]), str(i["base_url"])) for i in items]
        except (ValueError, KeyError, TypeError):
            return []

    def profile(self, name: str) -> Profile | None:
        return next((p for p in self.profiles() if p.name == name), None)

    def save_profile(self, profile: Profile, *, replacing: str | None = None) -> None:
        """Add or update a profile (replacing = its old name when renamed)."""
        drop = {profile.name, replacing}
        items = [p for p in self.profiles() if p.name not in drop] + [profile]
        self._write_profiles(sorted(items, key=lambda p: p.name.lower()))

    def remove_profile(self, name: str) -> None:
        self._write_profiles([p for p in self.profiles() if p.name != name])
        if self.last_profile == name:
            self.last_profile = ""

    def _write_profiles(self, items: list[Profile]) -> None:
        self._s.setValue("profiles/list", json.dumps([asdict(p) for p in items]))
        self._s.sync()

    @property
    def last_profile(self) -> str:
        return str(self._s.value("profiles/last", "") or "")

    @last_profile.setter
    def last_profile(self, name: str) -> None:
        self._s.setValue("profiles/last", name)

    # view options --------------------------------------------------------------
    @property
    def include_default_indexes(self) -> bool:
        return bool(self._s.value("indexes/include_defaults", True, type=bool))

    @include_default_indexes.setter
    def include_default_indexes(self, value: bool) -> None:
        self._s.setValue("indexes/include_defaults", value)

    @property
    def color_scheme(self) -> ColorSchemeChoice:
        raw = str(self._s.value("appearance/color_scheme", "") or "")
        try:
            return ColorSchemeChoice(raw)
        except ValueError:
            return ColorSchemeChoice.SYSTEM

    @color_scheme.setter
    def color_scheme(self, choice: ColorSchemeChoice) -> None:
        self._s.setValue("appearance/color_scheme", choice.value)
        self._s.sync()

    def window_state(self) -> tuple[QByteArray | None, QByteArray | None]:
        return self._s.value("window/geometry"), self._s.value("window/state")

    def save_window_state(self, geometry: QByteArray, state: QByteArray) -> None:
        self._s.setValue("window/geometry", geometry)
        self._s.setValue("window/state", state)
        self._s.sync()

    def value(self, key: str, default: object = None) -> object:
        """Escape hatch for pane-local options (splitter sizes, last folders)."""
        return self._s.value(key, default)

    def whole(self, key: str, default: int) -> int:
        """A whole-number option as QSettings returns it (an int, or its text in some stores);
        the default when it is unset, 0 or empty."""
        raw = self._s.value(key, default)
        return int(raw) if isinstance(raw, int | float | str) and raw else default

    def set_value(self, key: str, value: object) -> None:
        self._s.setValue(key, value)

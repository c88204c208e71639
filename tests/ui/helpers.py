"""Build the real app (window + services) against a sandbox for UI tests."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from vvdesk.app import Options, VvdeskApp
from vvdesk.settings import Profile, Settings
from vvdesk.ui.main_window import MainWindow

SHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def shoot(widget: Any, name: str) -> None:
    """Save an offscreen grab to screenshots/ when VVDESK_SCREENSHOTS is set (./dev shots)."""
    if os.environ.get("VVDESK_SCREENSHOTS"):
        SHOTS.mkdir(exist_ok=True)
        widget.grab().save(str(SHOTS / name))


def names(window: MainWindow) -> list[str]:
    return [ix.name for ix in window.index_model.rows()]


@contextmanager
def running_app(qtbot: Any, arun: Callable[..., Any], settings: Settings,
                options: Options) -> Iterator[VvdeskApp]:
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.show()
    app = VvdeskApp(options, settings, window)
    arun(app.start(), 60)
    try:
        yield app
    finally:
        arun(app.shutdown(), 30)
        window.close()


def add_profile(arun: Callable[..., Any], settings: Settings, name: str, url: str,
                key: str) -> None:
    """Save a profile the way the dialog does: URL in settings, key in the keyring."""
    from vvdesk.secrets import SecretVault

    async def store() -> None:
        vault = await SecretVault.open()
        assert vault.can_persist, vault.keyring_problem
        await vault.set(name, key)

    arun(store())
    settings.save_profile(Profile(name, url))


def select_index(window: MainWindow, until: Callable[..., None], index_id: str,
                 what: str = "the index list") -> None:
    """Wait for the index to be listed, then select it (what a user does first)."""
    until(lambda: window.index_model.row_of(index_id) >= 0, what)
    window.indexes.select(index_id)


def unique(prefix: str) -> str:
    """A bucket/container name no other test of this session uses (3-63 of a-z0-9._-)."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def sdk(sandbox: Any, arun: Callable[..., Any], fn: Callable[[Any], Any]) -> Any:
    """`await fn(client)` with a fresh SDK client on the sandbox (no retries): what the
    server holds, seen from outside the app."""
    from videovector import AsyncVideoVector

    async def call() -> Any:
        async with AsyncVideoVector(api_key=sandbox.api_key, base_url=sandbox.base_url,
                                    max_retries=0) as vv:
            return await fn(vv)

    return arun(call())

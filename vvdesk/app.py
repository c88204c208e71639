"""Composition root: settings, secret vault, sandbox, one session per profile, the window.

With vvdesk/wiring/ (one module per feature), the only place that wires services to
widgets. Everything slow (SDK import, keyring,
sandbox start) happens here, after the window has painted.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QTimer

from vvdesk import gc_guard
from vvdesk.log import register_secret
from vvdesk.services.jobs import JobManager
from vvdesk.settings import Settings
from vvdesk.ui.main_window import MainWindow

log = logging.getLogger(__name__)
SANDBOX_LABEL = "Sandbox (local)"
NO_ANSWER_WARN_S = 15.0  # log a warning when a new session has had no answer by then


@dataclass
class Options:
    sandbox: bool = False
    profile: str | None = None
    time_scale: float = 1.0


class VvdeskApp(QObject):
    def __init__(self, options: Options, settings: Settings, window: MainWindow) -> None:
        super().__init__()
        self.options = options
        self.settings = settings
        self.window = window
        self.jobs = JobManager(self)
        self.vault: Any = None
        self.profiles: Any = None
        self.launcher: Any = None
        self._sandbox_endpoint: Any = None  # base URL + key of the running child
        self.session: Any = None
        self.ctx: Any = None  # SessionContext of the connected profile
        self._quit = asyncio.Event()
        window.closing.connect(self._quit.set)
        window.profiles_requested.connect(self.open_profiles)
        window.connect_requested.connect(self.switch_to)
        self.jobs.failed.connect(window.show_problem)

    async def run(self) -> None:
        try:
            await self.start()
            await self._quit.wait()
        finally:
            await self.shutdown()

    def quit(self) -> None:
        self._quit.set()

    async def start(self) -> None:
        from vvdesk.api.client import preload_sdk
        from vvdesk.secrets import SecretVault

        started = time.monotonic()
        sdk = asyncio.ensure_future(preload_sdk())  # overlaps the keyring probe
        self.vault = await SecretVault.open()
        await sdk
        log.info("startup: SDK and keyring ready after %.2f s", time.monotonic() - started)
        from vvdesk.services.profiles import ProfileService

        if self.vault.keyring_problem:
            log.info("keyring unavailable: %s", self.vault.keyring_problem)
        self.profiles = ProfileService(self.settings, self.vault, self.jobs, self)
        await self.connect(self._initial_profile())

    def _initial_profile(self) -> str | None:
        if self.options.sandbox:
            return None
        if self.options.profile:
            return self.options.profile
        last = self.settings.last_profile
        return last if last and self.settings.profile(last) else None

    async def connect(self, name: str | None) -> bool:
        """Connect to a saved profile, or to the embedded sandbox when name is None."""
        from vvdesk.api.client import make_client, open_transport, preload_sdk
        from vvdesk.services.session import ApiSession

        started = time.monotonic()
        log.info("connect: to %s", "the local sandbox" if name is None else f"profile {name!r}")
        await preload_sdk()
        await self._disconnect()
        if name is None:
            label, endpoint = SANDBOX_LABEL, await self._ensure_sandbox()
            if endpoint is None:
                return False
            base_url, key = endpoint.base_url, endpoint.api_key
        else:
            profile = self.settings.profile(name)
            if profile is None:
                log.warning("connect: there is no profile named %r", name)
                self.window.show_problem("Connecting", f"There is no profile named “{name}”.")
                return False
            label, base_url = name, profile.base_url
            key = await self.vault.get(name)
            if not key:
                log.warning("connect: no API key for profile %r (keyring: %s)", name,
                            self.vault.keyring_problem or "available")
                self.window.set_connection(label, "no key")
                self.window.banner.show_message(
                    f"No API key is available for “{name}”. Enter it in Profiles.", "error",
                    "Open Profiles…", self.open_profiles)
                return False
            self.settings.last_profile = name
        register_secret(key)
        client, poll_client = make_client(base_url, key), make_client(base_url, key,
                                                                      max_retries=0)
        await asyncio.gather(open_transport(client), open_transport(poll_client))
        self.session = ApiSession(label, base_url, client, poll_client=poll_client,
                                  is_sandbox=name is None, parent=self)
        self._bind_session()
        gc_guard.settle()  # this session's objects stay out of GUI-thread collections
        log.info("connect: session for %s at %s ready after %.2f s; waiting for the first "
                 "answer", label, base_url, time.monotonic() - started)
        self._watch_first_answer(self.session)
        return True

    def _watch_first_answer(self, session: Any) -> None:
        """Say so in the log when a session stays without any answer (nothing asked, or the
        server is silent): that is what a window stuck at “Connecting…” looks like."""

        def check() -> None:
            if self.session is session and session.state.value == "connecting":
                log.warning("connect: no answer from %s at %s %.0f s after connecting; "
                            "nothing may have asked it anything", session.profile_name,
                            session.base_url, NO_ANSWER_WARN_S)

        QTimer.singleShot(int(NO_ANSWER_WARN_S * 1000), session, check)

    async def _ensure_sandbox(self) -> Any:
        from vvdesk.services.sandbox import SandboxLauncher, default_data_dir

        self.window.set_connection(SANDBOX_LABEL, "starting")
        if self.launcher is None:
            self.launcher = SandboxLauncher(default_data_dir(),
                                            time_scale=self.options.time_scale)
        try:
            if not self.launcher.running:
                self._sandbox_endpoint = await self.launcher.start()
            return self._sandbox_endpoint
        except (OSError, RuntimeError) as exc:
            log.error("connect: the local sandbox did not start: %s", exc)
            self.window.set_connection(SANDBOX_LABEL, "failed")
            self.window.show_problem("Starting the local sandbox", str(exc))
            return None

    def _bind_session(self) -> None:
        from vvdesk.wiring import SessionContext, Wiring, bind_all

        self.ctx = SessionContext(self.session, self.window, self.settings, self.jobs, Wiring())
        bind_all(self.ctx)

    async def _disconnect(self) -> None:
        """Stop the session's work first, then let features release what they hold."""
        from vvdesk.wiring import unbind_all

        if self.ctx is not None:
            ctx, self.ctx = self.ctx, None
            await ctx.session.jobs.shutdown()
            for cleanup in unbind_all(ctx):
                await cleanup
        if self.session is not None:
            session, self.session = self.session, None
            await session.close()
            session.deleteLater()

    def switch_to(self, name: str | None) -> None:
        """Connect to another profile (None: the local sandbox) without blocking the UI."""
        if not self.window.may_leave():
            return
        self.jobs.run("connect", self.connect(name))

    def open_profiles(self) -> None:
        from vvdesk.ui.dialogs.profiles import ProfileDialog

        if self.profiles is None:
            return
        dlg = ProfileDialog(self.profiles, self.window)
        dlg.connect_requested.connect(self.switch_to)
        dlg.open()
        self._profile_dialog = dlg

    async def shutdown(self) -> None:
        await self._disconnect()
        await self.jobs.shutdown()
        if self.launcher is not None:
            await self.launcher.stop()
        gc_guard.thaw()

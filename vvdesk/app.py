"""Composition root: settings, secret vault, sandbox, one session per profile, the window.

`build_session` is the one place that makes a connection's services, models, panes and
feature controllers, in the order written there, each with what it needs as typed
arguments. Everything slow (SDK import, keyring, sandbox start) happens here, after the
window has painted.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from vvdesk import gc_guard
from vvdesk.controllers.options import NOTIFY as NOTIFY_KEY
from vvdesk.controllers.options import flag
from vvdesk.log import register_secret
from vvdesk.services.jobs import JobManager
from vvdesk.services.notifier import Notifier
from vvdesk.settings import Settings
from vvdesk.ui.main_window import SANDBOX_DOWN_TOPIC, MainWindow

if TYPE_CHECKING:
    from vvdesk.controllers.automations import AutomationsController
    from vvdesk.controllers.connection import ConnectionController
    from vvdesk.controllers.connector_import import ConnectorImportController
    from vvdesk.controllers.connectors import ConnectorsController
    from vvdesk.controllers.exports import ExportsController
    from vvdesk.controllers.indexes import IndexesController
    from vvdesk.controllers.media import MediaController
    from vvdesk.controllers.preview import PreviewController
    from vvdesk.controllers.profiles import ProfilesController
    from vvdesk.controllers.runs import RunsController
    from vvdesk.controllers.search import SearchController
    from vvdesk.controllers.transfers import TransfersController
    from vvdesk.secrets import SecretVault
    from vvdesk.services.journal import Journal
    from vvdesk.services.sandbox import SandboxEndpoint, SandboxLauncher
    from vvdesk.services.session import ApiSession
    from vvdesk.ui.notify import NotifyView

log = logging.getLogger(__name__)
SANDBOX_LABEL = "Sandbox (local)"
NO_ANSWER_WARN_S = 15.0  # log a warning when a new session has had no answer by then
SANDBOX_RESTARTS = 3  # restarts of a sandbox that keeps stopping, within ...
SANDBOX_RESTART_WINDOW_S = 60.0  # ... this long; then the user decides
SANDBOX_TOPIC = "sandbox"


@dataclass
class Options:
    sandbox: bool = False
    profile: str | None = None
    time_scale: float = 1.0


@dataclass
class SessionControllers:
    """The feature controllers of one connection (tests reach features through these)."""

    connection: ConnectionController
    indexes: IndexesController
    media: MediaController
    preview: PreviewController
    search: SearchController
    runs: RunsController
    transfers: TransfersController
    exports: ExportsController
    connectors: ConnectorsController
    automations: AutomationsController
    connector_import: ConnectorImportController

    async def close(self) -> None:
        """Undo every link, newest feature first; wait for what must finish (uploads)."""
        self.connector_import.close()
        self.automations.close()
        self.connectors.close()
        self.exports.close()
        await self.transfers.aclose()
        self.runs.close()
        self.search.close()
        self.preview.close()
        self.media.close()
        self.indexes.close()
        self.connection.close()


def build_session(session: ApiSession, window: MainWindow, settings: Settings,
                  journal: Journal, notifier: Notifier,
                  notices: NotifyView) -> SessionControllers:
    """Make one connection's services, models, panes and controllers, in this order."""
    from vvdesk.api.upload import make_pump
    from vvdesk.controllers import transfers as transfer_options
    from vvdesk.controllers.automations import AutomationsController
    from vvdesk.controllers.connection import ConnectionController
    from vvdesk.controllers.connector_import import ConnectorImportController
    from vvdesk.controllers.connectors import ConnectorsController
    from vvdesk.controllers.exports import ExportsController
    from vvdesk.controllers.indexes import IndexesController
    from vvdesk.controllers.media import MediaController
    from vvdesk.controllers.preview import PreviewController
    from vvdesk.controllers.runs import RunsController
    from vvdesk.controllers.search import SearchController
    from vvdesk.controllers.transfers import TransfersController
    from vvdesk.models.exports import ExportListModel
    from vvdesk.models.media import MediaModel
    from vvdesk.models.runs import RunListModel
    from vvdesk.models.search import SearchResultModel
    from vvdesk.models.segments import SegmentModel
    from vvdesk.models.transfers import TransferModel
    from vvdesk.services.automations import AutomationService
    from vvdesk.services.connectors import ConnectorService
    from vvdesk.services.downloads import DownloadService
    from vvdesk.services.export_tracker import ExportTracker
    from vvdesk.services.exports import ExportService
    from vvdesk.services.indexes import IndexService
    from vvdesk.services.media import MediaService
    from vvdesk.services.media_facts import MediaFactsService
    from vvdesk.services.picture_cache import PictureCache, default_cache_dir
    from vvdesk.services.preview import PreviewService
    from vvdesk.services.result_strips import StripService
    from vvdesk.services.runs import RunService
    from vvdesk.services.search import SearchService
    from vvdesk.services.thumbnails import ThumbnailService
    from vvdesk.services.transfer_store import TransferStore
    from vvdesk.services.transfers import TransferService
    from vvdesk.ui.panes.automations import AutomationsPane
    from vvdesk.ui.panes.exports import ExportsPane
    from vvdesk.ui.panes.media import MediaPane
    from vvdesk.ui.panes.runs import RunsPane
    from vvdesk.ui.panes.search import SearchPane
    from vvdesk.ui.widgets.transfers_dock import TransfersDock

    s = session
    connection = ConnectionController(s, window)
    indexes = IndexesController(s, window, settings, IndexService(s, s))

    media_model, segment_model = MediaModel(s), SegmentModel(s)
    pictures = PictureCache(default_cache_dir())  # one cache (and lock) for every picture
    thumbnails = ThumbnailService(s, pictures, s)
    media = MediaController(window, settings, MediaService(s, s), thumbnails,
                            MediaFactsService(s, s), media_model, segment_model,
                            MediaPane(media_model, segment_model))
    transfer_store = TransferStore(journal, s.profile_name)
    preview = PreviewController(window, PreviewService(s, transfer_store, s), media)

    search_model = SearchResultModel(s)
    search = SearchController(s, window, SearchService(s, s), search_model,
                              SearchPane(search_model), media, StripService(s, pictures, s),
                              open_preview=preview.open_at)

    run_model = RunListModel(s)
    runs = RunsController(s, window, RunService(s, s), run_model, RunsPane(run_model), media,
                          notifier)

    limit = settings.whole(transfer_options.LIMIT_KEY, 2)
    pump = make_pump(s.client, str(settings.value(transfer_options.PUMP_KEY, "loop") or "loop"))
    uploads = TransferService(s, transfer_store, pump, limit=limit,
                              parent=s)
    transfer_model = TransferModel(uploads.queue, s)
    transfers = TransfersController(window, settings, uploads, transfer_model,
                                    TransfersDock(transfer_model, limit), media, notifier)

    connectors = ConnectorsController(window, ConnectorService(s, s))
    tracker = ExportTracker(s, journal, parent=s)
    export_model = ExportListModel(s)
    exports = ExportsController(s, window, settings, ExportService(s, tracker, s), tracker,
                                DownloadService(s, s, journal=journal), export_model,
                                ExportsPane(export_model), runs, notifier, notices,
                                connectors=connectors)

    automations = AutomationsController(window, AutomationService(s, s), AutomationsPane(),
                                        connectors, runs)
    connector_import = ConnectorImportController(s, window, settings, uploads, transfers.dock,
                                                 connectors, runs.service, media, notifier)
    return SessionControllers(connection, indexes, media, preview, search, runs, transfers,
                              exports, connectors, automations, connector_import)


class VvdeskApp(QObject):
    def __init__(self, options: Options, settings: Settings, window: MainWindow) -> None:
        super().__init__()
        self.options = options
        self.settings = settings
        self.window = window
        self.jobs = JobManager(self)
        self.notifier = Notifier(self)  # app-wide: outlives a profile switch
        self.notifier.tray_enabled = flag(settings.value(NOTIFY_KEY), True)
        self.notify_view: NotifyView | None = None
        self.journal: Journal | None = None
        self.vault: SecretVault | None = None
        self.profiles: ProfilesController | None = None
        self.launcher: SandboxLauncher | None = None
        self._sandbox_endpoint: SandboxEndpoint | None = None
        self._sandbox_restarts: list[float] = []  # monotonic times of automatic restarts
        self.session: ApiSession | None = None
        self.controllers: SessionControllers | None = None  # of the connected session
        self._quit = asyncio.Event()
        window.closing.connect(self._quit.set)
        window.connect_requested.connect(self.switch_to)
        self.jobs.failed.connect(window.show_problem)

    async def run(self) -> None:
        """Start, run until asked to quit, shut down. Asked to quit while still starting (a
        keyring that hangs, a sandbox coming up on a loaded machine), the start is given up:
        it went on to the end first, and the app took most of a minute to quit."""
        starting = asyncio.ensure_future(self.start())
        quitting = asyncio.ensure_future(self._quit.wait())
        try:
            await asyncio.wait({starting, quitting}, return_when=asyncio.FIRST_COMPLETED)
            if starting.done():
                starting.result()  # its failure, if any, is the app's
                await quitting
            else:
                log.info("asked to quit while starting: the start is given up")
        finally:
            for task in (starting, quitting):
                task.cancel()
            await asyncio.gather(starting, quitting, return_exceptions=True)
            await self.shutdown()

    def quit(self) -> None:
        self._quit.set()

    async def start(self) -> None:
        from vvdesk.api.client import preload_sdk
        from vvdesk.controllers.profiles import ProfilesController
        from vvdesk.secrets import SecretVault
        from vvdesk.services.journal import Journal, default_journal_path
        from vvdesk.services.profiles import ProfileService
        from vvdesk.ui.notify import NotifyView
        from vvdesk.worker_gil import favour_ui_thread

        favour_ui_thread()
        started = time.monotonic()
        sdk = asyncio.ensure_future(preload_sdk())  # overlaps the keyring probe
        self.vault = await SecretVault.open()
        await sdk
        log.info("startup: SDK and keyring ready after %.2f s", time.monotonic() - started)
        if self.vault.keyring_problem:
            log.info("keyring unavailable: %s", self.vault.keyring_problem)
        self.journal = Journal(default_journal_path())
        self.notify_view = NotifyView(self.window, lambda: self.notifier.tray_enabled)
        self.notifier.message.connect(self.notify_view.show)
        self.notifier.withdrawn.connect(self.notify_view.withdraw)
        self.profiles = ProfilesController(
            ProfileService(self.settings, self.vault, self.jobs, self), self.window,
            self.switch_to)
        await self.connect_profile(self._initial_profile())

    def _initial_profile(self) -> str | None:
        """--sandbox, --profile, else the last connection (the sandbox when it was that)."""
        if self.options.sandbox:
            return None
        if self.options.profile:
            return self.options.profile
        last = self.settings.last_profile
        return last if last and self.settings.profile(last) else None

    async def connect_profile(self, name: str | None) -> bool:
        """Connect to a saved profile, or to the embedded sandbox when name is None."""
        from vvdesk.api.client import make_client, open_transport, preload_sdk
        from vvdesk.services.session import ApiSession

        started = time.monotonic()
        log.info("connect: to %s", "the local sandbox" if name is None else f"profile {name!r}")
        await preload_sdk()
        await self._disconnect()
        key: str | None
        if name is None:
            label, endpoint = SANDBOX_LABEL, await self._ensure_sandbox()
            if endpoint is None:
                return False
            base_url, key, ca_file = endpoint.base_url, endpoint.api_key, endpoint.ca_file
        else:
            profile = self.settings.profile(name)
            if profile is None:
                log.warning("connect: there is no profile named %r", name)
                self.window.show_problem("Connecting", f"There is no profile named “{name}”.")
                return False
            label, base_url, ca_file = name, profile.base_url, None
            assert self.vault is not None
            key = await self.vault.get(name)
            if not key:
                log.warning("connect: no API key for profile %r (keyring: %s)", name,
                            self.vault.keyring_problem or "available")
                self.window.set_connection(label, "no key")
                why = f" {self.vault.keyring_problem}" if self.vault.keyring_stuck else ""
                self.window.banner.show_message(
                    f"No API key is available for “{name}”.{why} Enter it in Profiles.",
                    "error", "Open Profiles…", self.open_profiles)
                return False
        self.settings.last_profile = name or ""  # "" = the sandbox: a restart comes back here
        register_secret(key)
        client = make_client(base_url, key, ca_file=ca_file)
        poll_client = make_client(base_url, key, max_retries=0, ca_file=ca_file)
        await asyncio.gather(open_transport(client), open_transport(poll_client))
        self.session = ApiSession(label, base_url, client, poll_client=poll_client,
                                  is_sandbox=name is None, parent=self)
        assert self.journal is not None and self.notify_view is not None
        self.controllers = build_session(self.session, self.window, self.settings,
                                         self.journal, self.notifier, self.notify_view)
        gc_guard.settle()  # this session's objects stay out of GUI-thread collections
        log.info("connect: session for %s at %s ready after %.2f s; waiting for the first "
                 "answer", label, base_url, time.monotonic() - started)
        self._watch_first_answer(self.session)
        return True

    def _watch_first_answer(self, session: ApiSession) -> None:
        """Say so in the log when a session stays without any answer (nothing asked, or the
        server is silent): that is what a window stuck at “Connecting…” looks like.

        A job of the session, cancelled with it, not a QTimer tied to the session: a
        singleShot with the session as context (or a QTimer child of it) calling a Python
        closure crashed the test process (SIGSEGV, tests/ui/test_export_destinations_ui.py)."""
        from vvdesk.services.session import ConnState

        async def check() -> None:
            # ends at the first answer: while it runs the window shows itself busy
            deadline = time.monotonic() + NO_ANSWER_WARN_S
            while session.state is ConnState.CONNECTING and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
            if self.session is session and session.state is ConnState.CONNECTING:
                log.warning("connect: no answer from %s at %s %.0f s after connecting; "
                            "nothing may have asked it anything", session.profile_name,
                            session.base_url, NO_ANSWER_WARN_S)

        session.jobs.run("connect.first-answer", check())

    async def _ensure_sandbox(self) -> SandboxEndpoint | None:
        from vvdesk.services.sandbox import SandboxLauncher, default_data_dir

        self.window.set_connection(SANDBOX_LABEL, "starting")
        if self.launcher is None:
            self.launcher = SandboxLauncher(default_data_dir(),
                                            time_scale=self.options.time_scale)
            self.launcher.on_exit = self._sandbox_stopped
        try:
            if not self.launcher.running:
                self._sandbox_endpoint = await self.launcher.start()
            return self._sandbox_endpoint
        except (OSError, RuntimeError) as exc:
            log.error("connect: the local sandbox did not start: %s", exc)
            self.window.set_connection(SANDBOX_LABEL, "failed")
            self.window.show_problem("Starting the local sandbox", str(exc))
            return None

    def _sandbox_stopped(self, code: int | None) -> None:
        """The sandbox child ended by itself: if this session uses it, restart and reconnect
        (its data is on disk); a sandbox that keeps stopping is left to the user."""
        if self.session is None or not self.session.is_sandbox:
            log.info("sandbox: stopped while not in use; it starts again on the next connect")
            return
        now = time.monotonic()
        self._sandbox_restarts = [t for t in self._sandbox_restarts
                                  if now - t < SANDBOX_RESTART_WINDOW_S]
        if len(self._sandbox_restarts) >= SANDBOX_RESTARTS:
            self.jobs.run("sandbox.gave-up", self._sandbox_gave_up())
            return
        self._sandbox_restarts.append(now)
        self.jobs.run("sandbox.restart", self._restart_sandbox())

    def _say_restarting(self) -> None:
        self.window.set_connection(SANDBOX_LABEL, "restarting")
        self.window.banner.show_message(
            "The local sandbox stopped. Restarting it and reconnecting — your indexes and "
            "files are kept on disk.", "warning", topic=SANDBOX_DOWN_TOPIC)

    async def _restart_sandbox(self) -> None:
        started = time.monotonic()
        self._say_restarting()  # at once; the old session's jobs may take a moment to stop
        await self._disconnect()  # its jobs would only meet a closed port
        self._say_restarting()  # (a disconnect clears the banner)
        log.info("sandbox: old session closed after %.2f s; restarting",
                 time.monotonic() - started)
        if await self.connect_profile(None):
            log.info("sandbox: restarted and reconnected after %.1f s",
                     time.monotonic() - started)
            self.window.banner.show_message(
                "The local sandbox stopped and was restarted; you are connected again. "
                "Work that was in progress on it may need to be started again.", "info",
                topic=SANDBOX_TOPIC)

    async def _sandbox_gave_up(self) -> None:
        await self._disconnect()
        self.window.set_connection(SANDBOX_LABEL, "stopped")
        where = self.launcher.log_path if self.launcher is not None else "its data folder"
        self.window.banner.show_message(
            f"The local sandbox stopped {SANDBOX_RESTARTS + 1} times within a minute, so it "
            f"is not restarted again. Its log is at {where}. Choose “Start again” to retry.",
            "error", "Start again", self._retry_sandbox, topic=SANDBOX_DOWN_TOPIC)

    def _retry_sandbox(self) -> None:
        self._sandbox_restarts.clear()
        self.window.banner.dismiss()
        self.switch_to(None)

    async def _disconnect(self) -> None:
        """Stop the session's work, undo its controllers, close its clients: nothing of
        the old connection fires or stays on screen afterwards."""
        if self.controllers is not None and self.session is not None:
            controllers, self.controllers = self.controllers, None
            await self.session.jobs.shutdown()
            await controllers.close()
            self.window.banner.dismiss()  # whatever it said was about that connection
        if self.session is not None:
            session, self.session = self.session, None
            await session.close()
            session.deleteLater()

    def switch_to(self, name: str | None) -> None:
        """Connect to another profile (None: the local sandbox) without blocking the UI."""
        if not self.window.may_leave():
            return
        self.jobs.run("connect", self.connect_profile(name))

    def open_profiles(self) -> None:
        if self.profiles is not None:
            self.profiles.open()

    async def shutdown(self) -> None:
        await self._disconnect()
        await self.jobs.shutdown()
        if self.profiles is not None:
            self.profiles.close()
        if self.notify_view is not None:
            self.notify_view.close()
        if self.journal is not None:
            self.journal.close()
        if self.launcher is not None:
            await self.launcher.stop()
        gc_guard.thaw()

"""Entry point. Paints the window first, then builds everything slow on the qasync loop.

Import order matters for startup time: only PySide6 and our light UI modules are imported
before the first paint; qasync, the SDK, httpx and keyring come after.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # (imported late at run time: startup speed)
    from PySide6.QtWidgets import QApplication, QWidget

    from vvdesk.app import VvdeskApp

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="vvdesk", description="Desktop client for VideoVector.")
    p.add_argument("--sandbox", action="store_true",
                   help="connect to the embedded local sandbox server (default without profiles)")
    p.add_argument("--profile", metavar="NAME", help="connect to this saved profile")
    p.add_argument("--time-scale", type=float, default=1.0,
                   help="sandbox only: simulate processing this many times faster")
    p.add_argument("--log-level", default="INFO", type=str.upper, choices=LOG_LEVELS,
                   metavar="LEVEL", help="debug, info (default), warning or error")
    p.add_argument("--self-test", action="store_true",
                   help="start headless on a fresh local sandbox in a temporary folder, "
                        "connect, list indexes, upload, export and download; print one "
                        "line per step; exit 0 when all pass")
    p.add_argument("--version", action="store_true",
                   help="print the versions of vvdesk, the VideoVector SDK and Qt, then exit")
    return p.parse_args(argv)


def version_text() -> str:
    """vvdesk, SDK, Qt and Python versions, one per line (what a bug report needs)."""
    import platform

    import PySide6
    from PySide6.QtCore import qVersion

    from vvdesk import __version__

    try:
        from videovector._version import __version__ as sdk_version
    except ImportError:  # never expected; --version must still answer
        sdk_version = "not found"
    return "\n".join([f"vvdesk {__version__}", f"VideoVector SDK {sdk_version}",
                      f"Qt {qVersion()} (PySide6 {PySide6.__version__})",
                      f"Python {platform.python_version()}"])


def _report(event: str) -> None:
    """Startup figures for bench/startup.py (only when VVDESK_STARTUP_REPORT is set)."""
    print(f"vvdesk-startup {event} {time.time():.6f}", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.version:
        print(version_text())
        return 0
    selftest = None
    if args.self_test:
        from vvdesk.selftest import TIME_SCALE, SelfTest

        selftest = SelfTest.prepare()  # before Qt: it picks the offscreen platform
        args.sandbox, args.profile, args.time_scale = True, None, TIME_SCALE
    report = bool(os.environ.get("VVDESK_STARTUP_REPORT"))

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    app.setApplicationName("vvdesk")
    app.setOrganizationName("vvdesk")
    app.setDesktopFileName("com.vectormethods.vvdesk")  # the installed .desktop file
    app.setQuitOnLastWindowClosed(False)  # we quit after cleanup, not before

    from vvdesk import gc_guard

    gc_guard.install(app)  # Python GC only on this (the GUI) thread

    from vvdesk.settings import Settings
    from vvdesk.ui.main_window import MainWindow

    config_dir = os.environ.get("VVDESK_CONFIG_DIR")
    store = (QSettings(os.path.join(config_dir, "vvdesk.ini"), QSettings.Format.IniFormat)
             if config_dir else None)
    settings = Settings(store)
    window = MainWindow(settings, deferred=True)
    if report:
        from vvdesk.startup_probe import report_first_expose

        report_first_expose(window, lambda: _report("exposed"))
    window.show()
    _paint_now(app, window)  # the frame is on screen while the rest is built and imported
    window.build_content()
    if selftest is not None:
        selftest.passed("window", f"Qt platform {app.platformName()}")
    if report:
        from vvdesk.startup_probe import report_first_rows

        report_first_rows(window.index_model, lambda: _report("indexes"))

    import asyncio

    import qasync

    from vvdesk.app import Options, VvdeskApp
    from vvdesk.log import install_excepthook, setup_logging

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    vapp = VvdeskApp(Options(sandbox=args.sandbox, profile=args.profile,
                             time_scale=args.time_scale), settings, window)

    async def start() -> int:
        if selftest is not None:
            setup_logging(args.log_level, selftest.log_dir)
            return await selftest.run(vapp)  # uncaught exceptions: logged, not a dialog
        setup_logging(args.log_level)
        install_excepthook()
        _install_signal_handlers(vapp)
        await vapp.run()
        return 0

    with loop:
        status = loop.run_until_complete(start())
    if selftest is not None:
        selftest.finish(status)
    return status


def _paint_now(app: QApplication, window: QWidget, budget_s: float = 0.5) -> None:
    """Process events until the window is exposed (painted), at most budget_s.

    Nothing async exists yet; input arriving meanwhile stays queued for the real loop.
    """
    handle = window.windowHandle()
    deadline = time.monotonic() + budget_s
    app.processEvents()
    while handle is not None and not handle.isExposed() and time.monotonic() < deadline:
        time.sleep(0.002)
        app.processEvents()


def _install_signal_handlers(vapp: VvdeskApp) -> None:
    """SIGINT/SIGTERM quit cleanly; a second one, while the cleanup is still running (or
    stuck), ends the process at once: asking to quit must always end the app."""
    import asyncio
    import signal

    asked: list[float] = []

    def quit_now() -> None:
        if asked:
            import logging

            logging.getLogger("vvdesk").warning("asked to quit again: leaving without cleanup")
            logging.shutdown()
            os._exit(1)
        asked.append(time.monotonic())
        vapp.quit()

    loop = asyncio.get_event_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, quit_now)
        except (NotImplementedError, RuntimeError):
            signal.signal(sig, lambda *_: quit_now())


if __name__ == "__main__":
    sys.exit(main())

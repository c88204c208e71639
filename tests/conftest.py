"""Test setup: headless Qt, isolated config/data dirs, a qasync loop, a real sandbox server.

Qt runs offscreen (set here, before Qt is imported, so nobody has to remember it).
The sandbox is a real child process on 127.0.0.1, driven over HTTP; nothing of ours is mocked.
"""

from __future__ import annotations

import asyncio
import gc
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

os.environ["QT_QPA_PLATFORM"] = "offscreen"
_TMP = Path(tempfile.mkdtemp(prefix="vvdesk-tests-"))
os.environ["VVDESK_DATA_DIR"] = str(_TMP / "data")
os.environ["VVDESK_CONFIG_DIR"] = str(_TMP / "config")
os.environ["VVDESK_CACHE_DIR"] = str(_TMP / "cache")
os.environ["XDG_CONFIG_HOME"] = str(_TMP / "xdg-config")
os.environ["XDG_DATA_HOME"] = str(_TMP / "xdg-data")
os.environ["XDG_STATE_HOME"] = str(_TMP / "xdg-state")
os.environ.pop("DBUS_SESSION_BUS_ADDRESS", None)  # never the developer's own keyring

import pytest  # noqa: E402
import qasync  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402

from tests import leftovers  # noqa: E402

TEST_KEY = "sk_test_" + "a1" * 24
SETTLE_TURNS, SETTLE_TURN_S = 100, 0.02  # up to 2 s for a test's last tasks to finish (a
# loaded machine is slow to run them out; a task left running for good still shows)


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Any]:
    """One seeded sandbox for the session (tests that need a pristine one make their own)."""
    from tests.sandbox_proc import SandboxProcess

    with SandboxProcess(_TMP / "sandbox-session", api_key=TEST_KEY, seed_demo=True,
                        time_scale=50.0) as proc:
        yield proc


@pytest.fixture(scope="session")
def secret_service() -> Iterator[None]:
    """A real Secret Service (gnome-keyring on a private D-Bus) as keyring's backend."""
    import keyring

    from tests.secret_service import PrivateSecretService

    service = PrivateSecretService()
    service.start()
    try:
        yield
    finally:
        keyring.set_keyring(keyring.backends.fail.Keyring())
        service.stop()


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """Simulate a machine with no keyring backend at all."""
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def run_on(loop: asyncio.AbstractEventLoop, coro: Any) -> Any:
    """Like loop.run_until_complete, minus qasync's trailing processEvents().

    qasync 0.28 runs one last processEvents() after it has unset the running loop, so a
    background task (an app's poller, a to_thread result) stepped there dies with
    "no running event loop". Between our calls, pending work simply waits for the next one.
    A stale quit left by the previous stop can end app.exec() early: then we just re-enter.
    """
    future = asyncio.ensure_future(coro, loop=loop)
    future.add_done_callback(lambda _f: loop.stop())
    while not future.done():
        loop.run_forever()
    return future.result()


@pytest.fixture(scope="session", autouse=True)
def gc_on_gui_thread(qapp: Any) -> Iterator[None]:
    """As in the app: Python's GC runs only on the GUI thread (see vvdesk/gc_guard.py)."""
    from vvdesk import gc_guard

    gc_guard.install(qapp)
    yield


@pytest.fixture
def qloop(qapp: Any) -> Iterator[asyncio.AbstractEventLoop]:
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    for _ in range(SETTLE_TURNS):  # tasks that are finishing anyway get to finish
        if not leftovers.live_tasks(loop):
            break
        run_on(loop, asyncio.sleep(SETTLE_TURN_S))
    pending = leftovers.live_tasks(loop)
    left = [leftovers.describe_task(t) for t in pending]
    for t in pending:  # clean up first, so the next test starts clean; then fail this one
        t.cancel()
    if pending:
        run_on(loop, asyncio.gather(*pending, return_exceptions=True))
    run_on(loop, loop.shutdown_asyncgens())
    loop.close()
    asyncio.set_event_loop(None)
    gc.collect()  # this test's Qt garbage goes now, on this thread
    if left:
        pytest.fail("The test left asyncio tasks running:\n  " + "\n  ".join(left),
                    pytrace=False)


@pytest.fixture(autouse=True)
def no_leftover_timers_or_windows(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test that leaves an active QTimer or a top-level widget fails, naming them.

    Set up before qtbot/qloop, so this runs after they have closed their widgets and loop.
    Tests that use neither have no Qt event loop to leave anything to: not checked.
    """
    if not {"qtbot", "qloop"} & set(request.fixturenames):
        yield
        return
    leftovers.settle_qt()
    timers_before = leftovers.active_timers()
    widgets_before = leftovers.top_level_widgets()
    yield
    leftovers.release_modifier_keys()
    leftovers.settle_qt()
    timers = [t for k, t in leftovers.active_timers().items() if k not in timers_before]
    widgets = [w for k, w in leftovers.top_level_widgets().items()
               if k not in widgets_before and leftovers.is_ours_or_shown(w)]
    left = [leftovers.describe_timer(t) for t in timers] + [
        leftovers.describe_widget(w) for w in widgets]
    leftovers.clean_up(timers, widgets)
    if left:
        pytest.fail("The test left Qt objects alive:\n  " + "\n  ".join(left), pytrace=False)


@pytest.fixture
def arun(qloop: asyncio.AbstractEventLoop) -> Callable[..., Any]:
    """Run a coroutine to completion on the Qt loop (Qt events are processed meanwhile)."""

    def run(coro: Any, timeout: float = 20.0) -> Any:
        return run_on(qloop, asyncio.wait_for(coro, timeout))

    return run


@pytest.fixture
def until(arun: Callable[..., Any]) -> Callable[..., None]:
    """Spin the loop until `predicate()` is true; fail with `what` after `timeout` seconds."""

    def wait(predicate: Callable[[], Any], what: str = "condition", timeout: float = 20.0) -> None:
        async def poll() -> None:
            while not predicate():
                await asyncio.sleep(0.02)

        try:
            arun(poll(), timeout)
        except TimeoutError:
            pytest.fail(f"timed out after {timeout} s waiting for: {what}")

    return wait


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Each test gets its own app data dir: journal (transfers, tracked exports), sandbox."""
    monkeypatch.setenv("VVDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("VVDESK_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


@pytest.fixture
def settings(tmp_path: Path) -> Any:
    from vvdesk.settings import Settings

    return Settings(QSettings(str(tmp_path / "vvdesk.ini"), QSettings.Format.IniFormat))

"""Python's GC must not destroy QObjects on worker threads (it crashed the suite before)."""

from __future__ import annotations

import asyncio
import gc
import threading

import pytest
from PySide6.QtCore import QObject

from vvdesk import gc_guard


class Probe(QObject):
    deaths: list[bool] = []

    def __del__(self) -> None:
        Probe.deaths.append(threading.current_thread() is threading.main_thread())


def test_qobject_garbage_dies_on_the_gui_thread(arun, until):
    assert not gc.isenabled()  # the guard is installed for the whole session, as in the app
    Probe.deaths.clear()

    def worker() -> list:
        p = Probe()
        p.me = p  # garbage only the cyclic GC can free, made while on the worker...
        del p
        # ...followed by heavy allocation: automatic GC would collect it right here.
        # The result stays alive so the net count is over the threshold for the GUI timer.
        return [[{} for _ in range(20)] for _ in range(50_000)]

    data = arun(asyncio.to_thread(worker))
    until(lambda: Probe.deaths, "the GUI-thread collector", 20)
    del data
    assert Probe.deaths == [True]  # collected once, and on the GUI thread (False: a worker)


def test_settle_sets_live_objects_aside_and_still_collects_garbage(until):
    Probe.deaths.clear()
    before = Probe()
    before.me = before  # garbage made before the connection: settle collects it
    del before
    kept = [{} for _ in range(1000)]
    gc_guard.settle()
    try:
        assert Probe.deaths == [True]
        assert gc.get_freeze_count() >= len(kept)
        assert not any(o is kept for o in gc.get_objects())  # full collections skip it
        after = Probe()
        after.me = after  # garbage made later is still the guard's to collect
        del after
        churn = [{} for _ in range(2000)]  # over the gen-0 threshold for the GUI timer
        until(lambda: len(Probe.deaths) == 2, "the GUI-thread collector", 20)
        del churn
    finally:
        gc_guard.thaw()
    assert gc.get_freeze_count() == 0
    assert any(o is kept for o in gc.get_objects())


@pytest.mark.usefixtures("secret_service")
def test_connected_app_sets_its_objects_aside_until_shutdown(qtbot, arun, until, settings,
                                                             sandbox):
    from tests.ui.helpers import add_profile, running_app
    from vvdesk.app import Options

    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        assert gc.get_freeze_count() > 10_000  # window, SDK models, the session
        assert not any(o is app.session for o in gc.get_objects())
    assert gc.get_freeze_count() == 0


def test_rows_set_aside_are_not_walked_again_and_still_freed_when_dropped():
    """After a long list merges its rows leave later collections (each walked them: ~25 ms
    for 100k index rows, every few seconds), and dropping the list still frees them."""
    import weakref

    class Row:  # an IndexRow's shape, weak-referenceable to see it go
        __slots__ = ("__weakref__", "index_id")

        def __init__(self, i: int) -> None:
            self.index_id = f"idx_{i}"

    rows = [Row(i) for i in range(50_000)]
    probe = weakref.ref(rows[-1])
    assert gc.is_tracked(rows[0])
    before = gc.get_freeze_count()
    gc_guard.set_aside()
    try:
        assert gc.get_freeze_count() >= before + 50_000
        del rows
        assert probe() is None  # freed by reference counting, frozen or not
    finally:
        gc_guard.thaw()  # as the app does when it closes (the suite's leak checks need it)


def test_older_collections_wait_while_a_long_list_arrives():
    """While a long list is read and merged (100k rows, which each older collection walked
    on the GUI thread, again as they aged), the guard collects only the youngest
    generation; older garbage is collected once the list is in."""
    Probe.deaths.clear()
    guard = gc_guard.install()
    older = Probe()
    older.me = older
    gc.collect(0)  # alive: it moves to an older generation
    del older  # garbage there now
    for _ in range(guard.thresholds[1] + 1):
        gc.collect(0)  # the older generation is due
    with gc_guard.young_only():
        guard.check()
        assert Probe.deaths == []
    guard.check()
    assert Probe.deaths == [True]

"""Python's GC must not destroy QObjects on worker threads (it crashed the suite before)."""

from __future__ import annotations

import asyncio
import gc
import threading

from PySide6.QtCore import QObject


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
    until(lambda: Probe.deaths, "the GUI-thread collector", 5)
    del data
    assert Probe.deaths == [True]  # collected once, and on the GUI thread (False: a worker)

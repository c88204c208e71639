"""Run Python's cyclic garbage collector only on the GUI thread.

Automatic collection runs in whichever thread happens to allocate; when that is a worker
(keyring D-Bus calls, SQLite, file I/O via asyncio.to_thread) and the garbage holds
QObjects, Qt destroys them off their thread, their timers stay registered and later fire
into freed memory (SIGSEGV in QTimerInfoList::activateTimers — seen in our test suite).
So automatic GC is off and a GUI-thread timer collects with the same generation thresholds.

A full collection walks every tracked object: ~75k once the window, the SDK and a session
exist, ~40 ms on the GUI thread (twice that on a busy 2-core machine: the worst stalls in
bench/upload.py). Those objects live as long as the connection, so `settle()` sets them
aside (gc.freeze) once a connection is up, and full collections only walk what came later.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class MainThreadGC(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(interval_ms)
        gc.disable()

    def check(self) -> None:
        """Collect the oldest generation whose count passed its threshold (only the
        youngest while a long list is on its way: see `young_only`)."""
        counts = gc.get_count()
        for generation in (0,) if _young_only else (2, 1, 0):
            if counts[generation] > self.thresholds[generation]:
                gc.collect(generation)
                return

    def stop(self) -> None:
        self.timer.stop()
        gc.unfreeze()
        gc.enable()


_guard: MainThreadGC | None = None
_young_only = 0  # long lists on their way (see young_only)


@contextlib.contextmanager
def young_only() -> Iterator[None]:
    """While a long list is read and merged, collect only the youngest generation.

    Its rows arrive by the thousand and live on (100k index rows): each older collection
    walked all of them, one uninterruptible stretch of the GUI thread (~30 ms for 100k on
    a quiet machine, more under load), and again and again as they aged. The youngest
    generation holds only what came since the last check (a few thousand rows). When the
    list is merged, `set_aside()` keeps its rows out of collections for good; a list
    that fails is freed by reference counting (its rows hold no cycles). Nestable.
    """
    global _young_only
    _young_only += 1
    try:
        yield
    finally:
        _young_only -= 1


def install(parent: QObject | None = None) -> MainThreadGC:
    """Install once (idempotent); call from the GUI thread after QApplication exists."""
    global _guard
    if _guard is None:
        _guard = MainThreadGC(parent)
    return _guard


def settle() -> None:
    """Collect once (GUI thread), then keep every survivor out of later collections.

    Called after each connect: what an earlier settle set aside is thawed first, so the
    previous session's leftovers are collected here rather than kept for good.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def set_aside() -> None:
    """Keep every object alive now out of later collections, without collecting first.

    For a long list just merged (100k index rows: each full collection walked them, ~25 ms
    on a quiet machine, every few seconds from then on). The rows hold no cycles, so when a
    later answer replaces them reference counting frees them, frozen or not; the next
    settle() gives anything else set aside back to the collector.
    """
    gc.freeze()


def thaw() -> None:
    """Give what settle() set aside back to the collector (on shutdown)."""
    gc.unfreeze()

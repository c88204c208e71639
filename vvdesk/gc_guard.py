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

import gc

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
        """Collect the oldest generation whose count passed its threshold."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self.thresholds[generation]:
                gc.collect(generation)
                return

    def stop(self) -> None:
        self.timer.stop()
        gc.unfreeze()
        gc.enable()


_guard: MainThreadGC | None = None


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

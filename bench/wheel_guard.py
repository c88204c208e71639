"""What the app-wide wheel guard (vvdesk/ui/wheel_guard.py) costs every Qt event.

The guard is an application event filter written in Python, so every event of the app
(timers, socket notifiers of the qasync loop, paints) passes through it. Delivers 20 000
zero-interval timer events without and with the guard, best of 5 rounds each.
Prints ``wheel_guard_cost_us_per_event=<x>`` and the baseline ``qt_event_us=<x>``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

EVENTS = 20_000


def one_round(app: QApplication) -> float:
    """Seconds per event for EVENTS zero-interval timer events."""
    from PySide6.QtCore import QTimer

    count = 0
    timer = QTimer(interval=0)

    def tick() -> None:
        nonlocal count
        count += 1
        if count >= EVENTS:
            timer.stop()
            app.quit()

    timer.timeout.connect(tick)
    timer.start()
    start = time.perf_counter()
    app.exec()
    return (time.perf_counter() - start) / EVENTS


def per_event_us(app: QApplication) -> float:
    return min(one_round(app) for _ in range(5)) * 1e6


def main() -> None:
    from PySide6.QtWidgets import QApplication

    from vvdesk.ui import wheel_guard

    app = QApplication(sys.argv[:1])
    bare = per_event_us(app)
    wheel_guard.install(app)
    guarded = per_event_us(app)
    print(f"qt_event_us={bare:.2f}")
    print(f"wheel_guard_cost_us_per_event={guarded - bare:.2f}")


if __name__ == "__main__":
    main()

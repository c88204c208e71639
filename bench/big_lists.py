"""How the real app copes with 100k indexes and 100k exports answered by its sandbox.

Runs the app (window, services, embedded sandbox in a temporary data dir) offscreen,
fills the sandbox with 100k indexes (bench-only `POST /_sandbox/bench/indexes`) and makes
`GET /exports` answer 100k export rows (a fault rule with a body: the real route is capped
at 100, a hostile or future server is not), then presses Refresh on each list and waits
until the model holds every row. A 5 ms GUI-thread timer measures the longest gap.
Prints, per list: ``<list>_longest_stall_ms`` beside ``idle_stall_floor_ms`` (the same timer
on an idle loop), ``<list>_load_s`` (refresh → all rows in the model) and
``<list>_rss_growth_mib``. Target (issue 12 item 5): stall <= 50 ms, RSS growth <= 100 MiB.
"""

from __future__ import annotations

import asyncio
import json
import os
import ssl
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

N = int(os.environ.get("BENCH_ROWS", "100000"))
TICK_MS = 5


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class StallMeter:
    """The longest gap between ticks of a GUI-thread timer (what a user feels as a freeze)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.longest = 0.0
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now

    def start(self) -> None:
        self.longest, self._last = 0.0, time.perf_counter()
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return self.longest * 1000


async def wait_for(predicate: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the list did not fill in time")
        await asyncio.sleep(0.01)


def control(endpoint: Any, method: str, path: str, body: Any) -> Any:
    import httpx

    verify = ssl.create_default_context(cafile=str(endpoint.ca_file))
    response = httpx.request(method, f"{endpoint.base_url}/_sandbox{path}", json=body,
                             headers={"X-API-Key": endpoint.api_key}, timeout=600,
                             verify=verify)
    response.raise_for_status()
    return response.json()


async def scenario(app: Any) -> None:
    from vvdesk.api.client import make_client

    endpoint = app._sandbox_endpoint
    window = app.window
    meter = StallMeter()
    meter.start()
    await asyncio.sleep(3.0)
    print(f"idle_stall_floor_ms={meter.stop():.1f}", flush=True)

    # indexes
    await asyncio.to_thread(control, endpoint, "POST", "/bench/indexes", {"indexes": N})
    model = window.index_model
    before, started = rss_mib(), time.monotonic()
    meter.start()
    window.indexes.act_refresh.trigger()
    await wait_for(lambda: model.rowCount() >= N, 600)
    await asyncio.sleep(1.0)
    print(f"indexes_longest_stall_ms={meter.stop():.1f}", flush=True)
    print(f"indexes_load_s={time.monotonic() - started - 1.0:.1f}", flush=True)
    print(f"indexes_rss_growth_mib={rss_mib() - before:.0f}", flush=True)

    # exports: one real row as the template, N copies answered for GET /exports
    client = make_client(endpoint.base_url, endpoint.api_key, ca_file=endpoint.ca_file)
    try:
        made = await client.exports.create_index_export("idx_demo_archive")
        template = await client._http.get(f"/exports/{made.export_id}")
    finally:
        await client.close()
    rows = [dict(template, export_id=f"exp_bench_{i:06d}") for i in range(N)]
    body = json.loads(json.dumps(rows, default=str))
    await asyncio.to_thread(control, endpoint, "POST", "/faults",
                            {"method": "GET", "path": "/exports$", "body": body,
                             "times": 1000})
    del rows, body
    exports = app.controllers.exports.model
    before, started = rss_mib(), time.monotonic()
    meter.start()
    app.controllers.exports.tracker.refresh()
    await wait_for(lambda: exports.rowCount() >= N, 600)
    await asyncio.sleep(1.0)
    print(f"exports_longest_stall_ms={meter.stop():.1f}", flush=True)
    print(f"exports_load_s={time.monotonic() - started - 1.0:.1f}", flush=True)
    print(f"exports_rss_growth_mib={rss_mib() - before:.0f}", flush=True)
    await asyncio.to_thread(control, endpoint, "DELETE", "/faults", None)


def main() -> None:
    import qasync
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["VVDESK_DATA_DIR"] = str(Path(tmp) / "data")
        from vvdesk import gc_guard
        from vvdesk.app import Options, VvdeskApp
        from vvdesk.settings import Settings
        from vvdesk.ui.main_window import MainWindow

        qt = QApplication.instance() or QApplication([])
        loop = qasync.QEventLoop(qt)
        asyncio.set_event_loop(loop)
        gc_guard.install()
        settings = Settings(QSettings(str(Path(tmp) / "vvdesk.ini"),
                                      QSettings.Format.IniFormat))
        window = MainWindow(settings)
        window.show()
        app = VvdeskApp(Options(sandbox=True), settings, window)

        async def run() -> None:
            await app.start()
            try:
                await wait_for(lambda: window.index_model.rowCount() > 0, 120)
                await scenario(app)
            finally:
                await app.shutdown()
                window.close()

        loop.run_until_complete(run())


if __name__ == "__main__":
    main()

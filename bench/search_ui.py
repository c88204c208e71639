"""Search as the user sees it: from the moment a search is sent (the 300 ms debounce has
fired) to its rows shown in the Search tab, and the longest UI-thread stall meanwhile.

Starts a seeded sandbox, fills one index with BENCH_SEARCH_MEDIA x BENCH_SEARCH_PER_MEDIA
(default 20 x 1000) segments (bench fill: no pictures) and another with
BENCH_SEARCH_PICTURED x 100 (default 10 x 100) segments that have pictures, then drives
the real SearchPane, SearchResultModel and SearchService (one ApiSession, offscreen)
through BENCH_SEARCH_QUERIES (default 60) word searches (top_k 100, the API's maximum) on
each of them and as many on the demo archive (whose few results carry JPEG thumbnails).
Answers are parsed and validated, and thumbnails decoded, in a worker thread. A 2 ms
heartbeat timer measures the longest gap of the UI thread during the searches and, the
same way, while idle for as long (the floor of this machine at this moment); ``_busy_ms``
is the most CPU time the UI thread itself spent between two ticks (the app's own part of
a gap, which on a loaded machine is mostly waiting for a CPU). Showing a
page of rows (model + synchronous repaint) is timed in wall time and in the GUI thread's
own CPU time (on a busy 2-core machine the difference is waiting for a core). The loop
runs as the app's does: Python's GC on the GUI thread (gc_guard, settled once connected)
and the 1 ms interpreter switch interval (worker_gil.favour_ui_thread).
Prints ``name=value`` lines.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

KEY = "sk_test_" + "c3" * 24
MEDIA = int(os.environ.get("BENCH_SEARCH_MEDIA", 20))
PER_MEDIA = int(os.environ.get("BENCH_SEARCH_PER_MEDIA", 1000))
PICTURED = int(os.environ.get("BENCH_SEARCH_PICTURED", 10))  # x 100 segments with pictures
QUERIES = int(os.environ.get("BENCH_SEARCH_QUERIES", 60))
PROFILE = os.environ.get("BENCH_PROFILE")
WORDS = ("harbor", "street", "forest", "kitchen", "stadium", "office", "beach", "studio",
         "warehouse", "classroom", "airport", "garden", "bridge", "market", "library", "stage")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Heartbeat:
    """The longest gap between ticks of a 2 ms timer (how long the UI thread did not
    answer), and the most CPU time the UI thread itself spent between two ticks (`busiest`:
    the app's own share of a gap; on a busy shared machine a gap is mostly waiting for a
    CPU, or for the interpreter lock held by a worker that waits for one)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(2)
        self.timer.timeout.connect(self._tick)
        self.last, self.last_cpu = time.perf_counter(), time.thread_time()
        self.worst = self.busiest = 0.0

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self.worst = max(self.worst, now - self.last)
        self.busiest = max(self.busiest, cpu - self.last_cpu)
        self.last, self.last_cpu = now, cpu

    def start(self) -> None:
        self.last, self.last_cpu = time.perf_counter(), time.thread_time()
        self.worst = self.busiest = 0.0
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return self.worst * 1000


async def bench(base_url: str) -> dict[str, float]:
    import httpx

    from vvdesk import gc_guard
    from vvdesk.api.client import make_client, open_transport
    from vvdesk.models.search import SearchResultModel
    from vvdesk.services.search import SearchService
    from vvdesk.services.session import ApiSession
    from vvdesk.ui.panes.search import SearchPane

    client = make_client(base_url, KEY, max_retries=0)
    await open_transport(client)
    session = ApiSession("bench", base_url, client)
    gc_guard.settle()  # as the app does once connected
    service = SearchService(session, session)
    model = SearchResultModel(session)
    pane = SearchPane(model)
    pane.resize(1000, 700)
    pane.show()
    pane.top_k.setValue(100)
    shown: list[float] = []
    slot_ms: list[float] = []
    slot_cpu_ms: list[float] = []  # the GUI thread's own CPU in it (the rest: other processes)

    import cProfile
    prof = cProfile.Profile()

    def show(page: object) -> None:
        if PROFILE:
            prof.enable()
        t0, c0 = time.perf_counter(), time.thread_time()
        pane.show_page(page.request, page.rows, page.thumbs, page.cursor,  # type: ignore
                       page.first)  # type: ignore[attr-defined]
        pane.table.viewport().repaint()
        shown.append(time.perf_counter())
        slot_ms.append((shown[-1] - t0) * 1000)
        slot_cpu_ms.append((time.thread_time() - c0) * 1000)
        if PROFILE:
            prof.disable()

    service.page_loaded.connect(show)
    pane.search_requested.connect(service.search)
    rng = random.Random(15)
    heart = Heartbeat()
    figures: dict[str, float] = {}
    fills = {"bench": {"media": MEDIA, "per_media": PER_MEDIA},
             "pictured": {"media": PICTURED, "per_media": 100, "pictures": True}}
    for label in ("demo", "bench", "pictured"):
        # the demo archive first: beside a big index the sandbox's scoped lexical search
        # finds nothing for two words of which one matches (seen here; see the report)
        if label in fills:
            async with httpx.AsyncClient(timeout=600) as http:
                filled = (await http.post(f"{base_url}/_sandbox/bench/fill",
                                          headers={"X-API-Key": KEY},
                                          json=fills[label])).json()
            figures[f"search_ui_{label}_segments"] = filled["segments"]
            index_id, name = filled["index_id"], label.title()
        else:
            index_id, name = "idx_demo_archive", "Demo archive"
        for _ in range(600):  # the demo run is indexed (and pictured) shortly after start
            found = await client.search.text(index_id, query="scene", top_k=1)
            if found and (label == "bench" or found[0].thumbnail_data):
                break
            await asyncio.sleep(0.1)
        pane.set_index(type("Index", (), {"index_id": index_id, "name": name})())
        times: list[float] = []
        heart.start()
        for _ in range(QUERIES):
            words = rng.sample(WORDS, rng.choice((1, 2)))
            pane.query.setText(" ".join(words + (["scene"] if label == "demo" else [])))
            n = len(shown)
            t0 = time.perf_counter()
            pane.search_now()
            while len(shown) == n:
                await asyncio.sleep(0.001)
            times.append((shown[-1] - t0) * 1000)
            assert model.rowCount() > 0, (label, pane.query.text(), pane.status.text())
        figures[f"search_ui_{label}_p50_ms"] = round(statistics.median(times), 1)
        figures[f"search_ui_{label}_p95_ms"] = round(percentile(times, 0.95), 1)
        figures[f"search_ui_{label}_rows"] = model.rowCount()
        figures[f"search_ui_{label}_show_rows_max_ms"] = round(max(slot_ms), 1)
        figures[f"search_ui_{label}_show_rows_gui_cpu_max_ms"] = round(max(slot_cpu_ms), 1)
        slot_ms.clear()
        slot_cpu_ms.clear()
        figures[f"search_ui_{label}_longest_stall_ms"] = round(heart.stop(), 1)
        figures[f"search_ui_{label}_busy_ms"] = round(heart.busiest * 1000, 1)
        thumbs = sum(1 for r in model.rows() if model.thumbnail(r.result_id) is not None)
        figures[f"search_ui_{label}_thumbnails"] = thumbs
    heart.start()
    await asyncio.sleep(3.0)
    figures["idle_longest_stall_floor_ms"] = round(heart.stop(), 1)
    figures["idle_busy_floor_ms"] = round(heart.busiest * 1000, 1)
    figures["load_average_1m"] = round(os.getloadavg()[0], 2)
    if PROFILE:
        prof.dump_stats(PROFILE)
    pane.close()
    await session.jobs.shutdown()
    await client.close()
    return figures


def main() -> None:
    import qasync
    from PySide6.QtWidgets import QApplication

    from tests.sandbox_proc import SandboxProcess
    from vvdesk import gc_guard
    from vvdesk.worker_gil import favour_ui_thread

    app = QApplication.instance() or QApplication([])
    gc_guard.install(app)  # as the app runs: Python's GC on the GUI thread
    favour_ui_thread()
    with tempfile.TemporaryDirectory() as tmp, SandboxProcess(
            Path(tmp) / "sandbox", api_key=KEY, seed_demo=True, time_scale=50.0) as sb:
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        figures = loop.run_until_complete(bench(sb.base_url))
        loop.close()
    for name, value in figures.items():
        print(f"{name}={value}", flush=True)


if __name__ == "__main__":
    main()

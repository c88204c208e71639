"""The media grid with thumbnails: does scrolling 10k media stay smooth, how much memory
does it take, and how soon does a selected index show its first pictures?

1. `first_thumbnails_*_ms`: a seeded sandbox; the Media pane (grid) with the real
   MediaService and ThumbnailService; from asking for the "Demo archive" page to the first
   paint of the grid with every visible picture in it — cold (empty disk cache: the
   pictures come over `videos.batch_retrieve`) and warm (from the disk cache).
2. `grid_*`: BENCH_GRID_MEDIA (default 10000) media rows in the model (as pages would put
   them), every one with a thumbnail in the disk cache (JPEGs written before the run; the
   rows are synthetic, so no request reaches the server for them), the grid scrolled end
   to end a page every 30 ms, then the last screen's pictures awaited. A 5 ms heartbeat
   records the longest GUI stall, beside the idle loop's own stall floor in the same run
   (idle 1 s before, and idle as long as the scroll took after it), the GUI thread's CPU
   time inside that longest stall and the most CPU it used between two ticks;
   peak RSS growth is the high-water mark minus RSS before the rows were added.
Prints ``name=value`` lines (BENCH_PROFILE=1: a cProfile of the scroll on stderr).
Targets: stall <= 2x the floor, RSS growth <= 150 MiB,
first thumbnails <= 300 ms.
"""

from __future__ import annotations

import asyncio
import cProfile
import os
import pstats
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from upload import KEY, Heartbeat, app_loop  # bench/upload.py: key, heartbeat, loop


class CpuHeartbeat(Heartbeat):
    """The heartbeat, also noting the GUI thread's own CPU time inside each gap: a gap
    with little CPU in it is the machine's scheduler (other processes on 2 busy cores),
    not work of ours."""

    def __init__(self) -> None:
        super().__init__()
        self.cpu_last = 0.0
        self.max_cpu = 0.0
        self.max_gap_cpu = 0.0  # the CPU inside the longest gap

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        if self.last:
            used = cpu - self.cpu_last
            self.max_cpu = max(self.max_cpu, used)
            if now - self.last > self.max_gap:
                self.max_gap_cpu = used
        super()._tick()
        self.cpu_last = cpu

    def start(self) -> None:
        self.max_cpu = self.max_gap_cpu = 0.0
        super().start()

MEDIA = int(os.environ.get("BENCH_GRID_MEDIA", 10000))
PROFILE = os.environ.get("BENCH_PROFILE")  # set: a cProfile of the scroll on stderr


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def until(predicate: Any, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        await asyncio.sleep(0.005)


class Painted:
    """Notes the time of each paint of a view's viewport."""

    def __init__(self, view: Any) -> None:
        from PySide6.QtCore import QEvent, QObject

        class Filter(QObject):
            def eventFilter(inner, obj: Any, event: Any) -> bool:
                if event.type() == QEvent.Type.Paint:
                    self.paints.append((time.perf_counter(), self.check()))
                return False

        self.paints: list[tuple[float, bool]] = []
        self.check = lambda: False
        self.filter = Filter()
        view.viewport().installEventFilter(self.filter)


def fake_rows(n: int) -> list[Any]:
    from videovector import Video

    return [Video(video_id=f"vid_bench_{i:05d}", title=f"Bench clip {i:05d}",
                  video_uri=f"gs://bench/{i:05d}.mp4", status="processed",
                  created_at=f"2026-01-01T00:00:{i % 60:02d}Z") for i in range(n)]


def fill_cache(cache: Any, origin: str, n: int) -> None:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage

    from vvdesk.services.picture_cache import cache_key

    jpegs = []
    for k in range(64):
        img = QImage(320, 180, QImage.Format.Format_RGB32)
        img.fill(QColor.fromHsv(k * 5 % 360, 160, 200))
        data = QByteArray()
        buf = QBuffer(data)
        buf.open(QIODevice.OpenModeFlag.WriteOnly)
        # the stub says format is bytes; the binding takes str (bytes raises ValueError)
        img.save(buf, "JPEG", 80)  # type: ignore[call-overload]
        jpegs.append(bytes(data.data()))
    for i in range(n):
        cache.put(cache_key(origin, f"vid_bench_{i:05d}"), jpegs[i % len(jpegs)])


async def bench(base_url: str, work: Path) -> dict[str, float]:
    from vvdesk import gc_guard
    from vvdesk.api.client import make_client, open_transport, preload_sdk
    from vvdesk.models.media import MediaModel
    from vvdesk.models.segments import SegmentModel
    from vvdesk.services.media import MediaService
    from vvdesk.services.picture_cache import PictureCache
    from vvdesk.services.session import ApiSession
    from vvdesk.services.thumbnails import ThumbnailService
    from vvdesk.ui.panes.media import MediaPane

    await preload_sdk()
    client = make_client(base_url, KEY)
    await open_transport(client)
    session = ApiSession("bench", base_url, client)
    out: dict[str, float] = {}

    def build(cache_dir: Path) -> tuple[MediaModel, MediaPane, MediaService, ThumbnailService]:
        model, segments = MediaModel(), SegmentModel()
        pane = MediaPane(model, segments)
        service = MediaService(session, session)
        thumbs = ThumbnailService(session, PictureCache(cache_dir, 1 << 30), session)
        # as controllers/media.py connects them
        service.page_loaded.connect(lambda scope, rows, cur, first: model.set_page(
            rows, cur, first=first))
        pane.visible_changed.connect(
            lambda ids: thumbs.want([i for i in ids if not model.has_picture(i)]))
        thumbs.pictures.connect(model.set_pictures)
        pane.set_grid(True)
        pane.resize(1200, 900)
        pane.splitter.setSizes([800, 100])
        pane.show()
        return model, pane, service, thumbs

    # 1. select an index → first thumbnails painted (cold, then warm disk cache)
    cache_dir = work / "cache-demo"
    for label in ("cold", "warm"):
        model, pane, service, thumbs = build(cache_dir)
        await asyncio.sleep(0.3)
        painted = Painted(pane.grid)

        def all_visible(pane: Any = pane, model: Any = model) -> bool:
            ids = pane.visible_ids()
            return bool(ids) and all(model.has_picture(i) for i in ids)

        painted.check = all_visible
        t0 = time.perf_counter()
        service.load("idx_demo_archive")
        await until(lambda p=painted: any(ok for _, ok in p.paints))
        first = next(t for t, ok in painted.paints if ok)
        out[f"first_thumbnails_{label}_ms"] = (first - t0) * 1000
        pane.hide()
        pane.deleteLater()
        await asyncio.sleep(0.1)

    # 2. 10k media, scrolled end to end
    grid_cache = work / "cache-grid"
    fill_cache(PictureCache(grid_cache, 1 << 30), base_url, MEDIA)
    rows = fake_rows(MEDIA)
    model, pane, service, thumbs = build(grid_cache)
    gc_guard.settle()
    await asyncio.sleep(0.5)
    beat = CpuHeartbeat()
    beat.start()
    await asyncio.sleep(1.0)
    await asyncio.sleep(0.05)
    out["idle_floor_stall_ms"] = beat.stop()
    rss0 = rss_mib()
    beat.start()
    t0 = time.perf_counter()
    model.set_page(rows, None, first=True)
    bar = pane.grid.verticalScrollBar()
    await until(lambda: bar.maximum() > 0)
    await until(lambda: pane.visible_ids() and all(
        model.has_picture(i) for i in pane.visible_ids()))
    await asyncio.sleep(0.05)
    out["rows_stall_ms"] = beat.stop()
    beat.start()
    steps = 0
    prof = cProfile.Profile() if PROFILE else None
    if prof:
        prof.enable()
    while bar.value() < bar.maximum():
        bar.setValue(bar.value() + bar.pageStep())
        steps += 1
        await asyncio.sleep(0.03)
    await until(lambda: pane.visible_ids() and all(
        model.has_picture(i) for i in pane.visible_ids()))
    out["scroll_s"] = time.perf_counter() - t0
    if prof:
        prof.disable()
        pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    await asyncio.sleep(0.05)
    out["scroll_stall_ms"] = beat.stop()
    out["scroll_stall_cpu_ms"] = beat.max_gap_cpu * 1000
    out["scroll_max_cpu_ms"] = beat.max_cpu * 1000
    # the floor again, idle for as long as the scroll took: one second of idling before
    # it saw fewer of this machine's own hiccups than the 20-30 s of scrolling did
    beat.start()
    await asyncio.sleep(out["scroll_s"])
    out["long_idle_floor_stall_ms"] = beat.stop()
    out["steps"] = steps
    out["rss_growth_mib"] = peak_mib() - rss0
    out["pictures_fetched"] = thumbs.fetched
    pane.hide()
    await client.close()
    return out


def main() -> None:
    from tests.sandbox_proc import SandboxProcess

    work = Path(tempfile.mkdtemp(prefix="vvdesk-bench-grid-"))
    try:
        with SandboxProcess(work / "sandbox", api_key=KEY, seed_demo=True) as sb:
            time.sleep(2.0)  # the worker renders the demo pictures right after start
            loop = app_loop()
            with loop:
                r = loop.run_until_complete(bench(sb.base_url, work))
        print(f"first_thumbnails_cold_ms={r['first_thumbnails_cold_ms']:.0f}")
        print(f"first_thumbnails_warm_ms={r['first_thumbnails_warm_ms']:.0f}")
        print(f"grid_media={MEDIA}")
        print(f"grid_scroll_pages={r['steps']:.0f}")
        print(f"grid_scroll_seconds={r['scroll_s']:.2f}")
        print(f"grid_idle_floor_max_stall_ms={r['idle_floor_stall_ms']:.0f}")
        print(f"grid_add_rows_max_stall_ms={r['rows_stall_ms']:.0f}")
        print(f"grid_scroll_max_stall_ms={r['scroll_stall_ms']:.0f}")
        print(f"grid_idle_floor_as_long_as_scroll_max_stall_ms="
              f"{r['long_idle_floor_stall_ms']:.0f}")
        print(f"grid_scroll_max_stall_gui_cpu_ms={r['scroll_stall_cpu_ms']:.1f}")
        print(f"grid_scroll_max_gui_cpu_between_ticks_ms={r['scroll_max_cpu_ms']:.1f}")
        print(f"grid_peak_rss_growth_mib={r['rss_growth_mib']:.1f}")
        print(f"grid_pictures_from_server={r['pictures_fetched']:.0f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

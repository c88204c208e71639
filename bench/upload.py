"""Upload throughput, memory and GUI stalls of vvdesk's upload path, against curl.

Writes a 1 GiB random file, starts a local sandbox (no demo data, fast simulated time),
and uploads the file with curl and through the app's TransferService with each pump
(`loop`: the app's qasync loop, the default; `thread`: a worker thread's loop), on a
qasync loop of an offscreen QApplication with the GUI-thread GC guard installed.

Fairness: the first 1 GiB upload into a fresh sandbox is ~30 % faster than every later
one, whoever sends it (the sandbox's file writes cost 0.9 s of kernel time the first time,
2-3 s afterwards). So one unmeasured curl upload warms the sandbox first, then ROUNDS
rounds upload with curl and each pump in a rotated order; figures are medians over rounds
(RSS growth and stall: the worst round).

While vvdesk uploads, a 5 ms PreciseTimer on the app's loop records the longest gap
between its ticks (the GUI stall) and a sampler thread reads VmRSS every 10 ms. The same
heartbeat runs on the idle loop while curl uploads: the machine's own stall floor.
Prints ``name=value`` lines; the unsuffixed figures are the default pump's (loop).
Targets: ratio >= 0.8, RSS growth <= 64 MiB, stall <= 50 ms. BENCH_UPLOAD_BYTES overrides
the size (a multiple of 8 MiB) and BENCH_UPLOAD_ROUNDS the number of rounds.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SIZE = int(os.environ.get("BENCH_UPLOAD_BYTES", 1 << 30))
BLOCK = 8 << 20
KEY = "sk_test_" + "c3" * 24
PUMPS = ("loop", "thread")
ROUNDS = int(os.environ.get("BENCH_UPLOAD_ROUNDS", 3))


def rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class RssSampler:
    """Peak VmRSS seen by a plain thread (it keeps sampling while the loop is busy)."""

    def __init__(self, every_s: float = 0.01) -> None:
        self.every_s = every_s
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mib())
            time.sleep(self.every_s)

    def __enter__(self) -> RssSampler:
        self.peak = rss_mib()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


class Heartbeat:
    """A 5 ms precise QTimer on the GUI thread; the longest gap between ticks."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.max_gap = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        if self.last:
            self.max_gap = max(self.max_gap, now - self.last)
        self.last = now

    def start(self) -> None:
        self.last, self.max_gap = 0.0, 0.0
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return self.max_gap * 1000


def app_loop() -> Any:
    """vvdesk's loop as the app runs it: qasync on the (offscreen) QApplication, with
    Python's GC on the GUI thread. Use it as a context manager."""
    import qasync
    from PySide6.QtWidgets import QApplication

    from vvdesk import gc_guard

    app = QApplication.instance() or QApplication(sys.argv)
    gc_guard.install(app)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    return loop


def write_file(path: Path) -> None:
    with path.open("wb") as f:
        for _ in range(SIZE // BLOCK):
            f.write(os.urandom(BLOCK))


def curl_args(base_url: str, path: Path) -> list[str]:
    return ["curl", "-sS", "-o", "/dev/null", "-w", "%{time_total}", "-H", f"X-API-Key: {KEY}",
            "-F", "title=curl bench", "-F", f"file=@{path}", f"{base_url}/videos/upload"]


def curl_mb_s(base_url: str, path: Path) -> float:
    out = subprocess.run(curl_args(base_url, path), check=True, capture_output=True, text=True)
    return SIZE / 1e6 / float(out.stdout.strip())


async def curl_on_idle_loop(base_url: str, path: Path) -> dict[str, float]:
    """curl uploads while the app's loop idles: MB/s, and the idle loop's longest stall.

    The stall is this machine's own noise floor (the app does nothing meanwhile), to read
    the vvdesk stalls against.
    """
    beat = Heartbeat()
    beat.start()
    proc = await asyncio.create_subprocess_exec(*curl_args(base_url, path),
                                                stdout=subprocess.PIPE)
    out, _ = await proc.communicate()
    await asyncio.sleep(0.05)
    return {"mb_s": SIZE / 1e6 / float(out.decode().strip()), "stall": beat.stop()}


async def vvdesk_upload(base_url: str, path: Path, kind: str, workdir: Path) -> dict[str, float]:
    """One upload through TransferService with pump `kind`: MB/s, RSS growth, max stall.

    `workdir` is this upload's own (empty) folder: its journal and warm-up file live there.
    """
    from vvdesk import gc_guard
    from vvdesk.api.client import make_client
    from vvdesk.api.upload import make_pump
    from vvdesk.services.journal import Journal
    from vvdesk.services.session import ApiSession
    from vvdesk.services.transfer_store import TransferStore
    from vvdesk.services.transfers import TransferService
    from vvdesk.transfer_queue import TState

    client = make_client(base_url, KEY)
    session = ApiSession(f"bench-{kind}", base_url, client)
    journal = Journal(workdir / f"journal-{kind}.sqlite3")
    service = TransferService(session, TransferStore(journal, session.profile_name),
                              make_pump(client, kind), limit=1)
    service.start()
    gc_guard.settle()  # as the app does once a session is up (see vvdesk/gc_guard.py)
    marks: dict[str, float] = {}

    def changed(t: Any) -> None:
        if t.name != path.name:
            return
        if t.state is TState.UPLOADING and "start" not in marks:
            marks["start"] = time.perf_counter()
        if t.state in (TState.IMPORTING, TState.DONE) and "sent" not in marks:
            marks["sent"] = time.perf_counter()
        if t.state in (TState.DONE, TState.FAILED, TState.CANCELLED):
            marks.setdefault("end", time.perf_counter())
            marks["ok"] = float(t.state is TState.DONE)

    service.changed.connect(changed)
    # warm up: the SDK's httpx client, lazy imports, the thread pump's worker loop
    warm = workdir / f"warm-{kind}.mp4"
    warm.write_bytes(os.urandom(1 << 20))
    service.add_paths([str(warm)], None, "Playground")
    while not any(t.name == warm.name and t.state is TState.DONE for t in service.transfers()):
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.5)

    beat = Heartbeat()
    base = rss_mib()
    with RssSampler() as rss:
        beat.start()
        t0 = time.perf_counter()
        service.add_paths([str(path)], None, "Playground")
        while "sent" not in marks and "end" not in marks:
            await asyncio.sleep(0.01)
        stall = beat.stop()
    while "end" not in marks:
        await asyncio.sleep(0.05)
    if not marks.get("ok"):
        raise SystemExit(f"{kind}: upload failed: {service.transfers()[-1].error}")
    elapsed = marks["sent"] - t0
    service.stop()
    await service.aclose()
    await client.close()
    journal.close()
    return {"mb_s": SIZE / 1e6 / elapsed, "rss": max(0.0, rss.peak - base), "stall": stall,
            "queue_s": marks.get("start", t0) - t0}


def main() -> None:
    from tests.sandbox_proc import SandboxProcess

    work = Path(tempfile.mkdtemp(prefix="vvdesk-bench-upload-"))
    runs: dict[str, list[dict[str, float]]] = {k: [] for k in ("curl", *PUMPS)}
    try:
        big = work / "bench-1gib.mp4"
        write_file(big)
        with SandboxProcess(work / "sandbox", api_key=KEY, seed_demo=False,
                            time_scale=1000.0) as sb:
            print(f"warmup_curl_mb_s={curl_mb_s(sb.base_url, big):.1f}", flush=True)
            loop = app_loop()
            kinds = ["curl", *PUMPS]
            with loop:
                for r in range(ROUNDS):
                    for kind in kinds[r % len(kinds):] + kinds[:r % len(kinds)]:
                        if kind == "curl":
                            runs[kind].append(loop.run_until_complete(
                                curl_on_idle_loop(sb.base_url, big)))
                            continue
                        folder = work / f"{kind}-{r}"
                        folder.mkdir()
                        runs[kind].append(loop.run_until_complete(
                            vvdesk_upload(sb.base_url, big, kind, folder)))
        curl_ref = statistics.median([x["mb_s"] for x in runs["curl"]])
        print("curl_mb_s_runs=" + "/".join(f"{x['mb_s']:.0f}" for x in runs["curl"]))
        print("idle_loop_stall_ms_during_curl_runs="
              + "/".join(f"{x['stall']:.0f}" for x in runs["curl"]))
        print(f"curl_mb_s={curl_ref:.1f}")
        summary: dict[str, dict[str, float]] = {}
        for kind in PUMPS:
            rs = runs[kind]
            summary[kind] = s = {"mb_s": statistics.median([x["mb_s"] for x in rs]),
                                 "rss": max(x["rss"] for x in rs),
                                 "stall": max(x["stall"] for x in rs)}
            print(f"upload_mb_s_runs_{kind}=" + "/".join(f"{x['mb_s']:.0f}" for x in rs))
            print(f"upload_stall_ms_runs_{kind}=" + "/".join(f"{x['stall']:.0f}" for x in rs))
            print(f"upload_mb_s_{kind}={s['mb_s']:.1f}")
            print(f"upload_ratio_vs_curl_{kind}={s['mb_s'] / curl_ref:.2f}")
            print(f"upload_peak_rss_growth_mib_{kind}={s['rss']:.1f}")
            print(f"upload_max_stall_ms_{kind}={s['stall']:.1f}")
        d = summary["loop"]
        print(f"upload_mb_s={d['mb_s']:.1f}")
        print(f"upload_ratio_vs_curl={d['mb_s'] / curl_ref:.2f}")
        print(f"upload_peak_rss_growth_mib={d['rss']:.1f}")
        print(f"upload_max_stall_ms={d['stall']:.1f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

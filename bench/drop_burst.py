"""A drop of thousands of small files: does the window keep breathing?

Makes BENCH_DROP_FILES (default 2000) small .jpg files in one folder, starts a local
sandbox, and drops the folder through the app's TransferService with its row model and
transfers dock (as vvdesk/controllers/transfers.py connects them) on a qasync loop. A 5 ms
heartbeat on the loop records the longest GUI stall while the drop is queued, while the
first BENCH_DROP_UPLOADS (default 300) files upload, and while the rest are cancelled and
cleared. Prints ``name=value`` lines. Target: every stall <= 100 ms.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from upload import KEY, Heartbeat, app_loop  # bench/upload.py: key, heartbeat, loop

FILES = int(os.environ.get("BENCH_DROP_FILES", 2000))
UPLOADS = int(os.environ.get("BENCH_DROP_UPLOADS", 300))


async def until(predicate: Callable[[], bool], timeout: float = 600.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        await asyncio.sleep(0.01)


async def started(beat: Heartbeat) -> None:
    """Start the heartbeat and let it tick: a stall before its first tick would go unseen."""
    beat.start()
    await asyncio.sleep(0.05)


async def stopped(beat: Heartbeat) -> float:
    """Let the heartbeat tick once more (a stall just before stopping counts), then stop."""
    await asyncio.sleep(0.05)
    return beat.stop()


async def burst(base_url: str, folder: Path, workdir: Path) -> dict[str, float]:
    from vvdesk import gc_guard
    from vvdesk.api.client import make_client, open_transport, preload_sdk
    from vvdesk.api.upload import make_pump
    from vvdesk.models.transfers import TransferModel
    from vvdesk.services.journal import Journal
    from vvdesk.services.session import ApiSession
    from vvdesk.services.transfer_store import TransferStore
    from vvdesk.services.transfers import TransferService
    from vvdesk.transfer_queue import TState
    from vvdesk.ui.widgets.transfers_dock import TransfersDock

    await preload_sdk()
    client = make_client(base_url, KEY)
    await open_transport(client)
    session = ApiSession("bench", base_url, client)
    journal = Journal(workdir / "journal.sqlite3")
    service = TransferService(session, TransferStore(journal, "bench"), make_pump(client))
    model = TransferModel(service.queue)
    dock = TransfersDock(model, service.limit)
    for signal, slot in ((service.changed_many, model.append), (service.changed, model.upsert),
                         (service.removed, model.remove_many)):
        signal.connect(slot)
    dock.resize(1100, 300)
    dock.show()
    service.start()
    gc_guard.settle()
    await asyncio.sleep(0.5)
    out: dict[str, float] = {}
    beat = Heartbeat()

    await started(beat)  # the floor: the longest stall of this loop with nothing to do
    await asyncio.sleep(1.0)
    out["idle_stall_ms"] = await stopped(beat)

    await started(beat)
    t0 = time.perf_counter()
    service.add_paths([str(folder)], None, "Playground")
    await until(lambda: model.rowCount() == FILES)
    out["queue_s"] = time.perf_counter() - t0
    out["queue_stall_ms"] = await stopped(beat)

    await started(beat)
    t1 = time.perf_counter()
    await until(lambda: model.counts[TState.DONE] >= UPLOADS)
    out["files_per_s"] = model.counts[TState.DONE] / (time.perf_counter() - t1)
    out["upload_stall_ms"] = await stopped(beat)

    await started(beat)
    t2 = time.perf_counter()
    service.cancel(*(t.transfer_id for t in model.rows() if t.state is not TState.DONE))
    service.clear_finished()
    out["cancel_clear_call_ms"] = (time.perf_counter() - t2) * 1000
    await until(lambda: model.rowCount() == 0 or all(
        t.state not in (TState.DONE, TState.CANCELLED) for t in model.rows()))
    out["cancel_clear_s"] = time.perf_counter() - t2
    out["cancel_clear_stall_ms"] = await stopped(beat)
    service.stop()
    await service.aclose()
    await client.close()
    journal.close()
    return out


def main() -> None:
    from tests.sandbox_proc import SandboxProcess

    work = Path(tempfile.mkdtemp(prefix="vvdesk-bench-drop-"))
    try:
        folder = work / "stills"
        folder.mkdir()
        for i in range(FILES):
            (folder / f"still_{i:05d}.jpg").write_bytes(os.urandom(2048))
        with SandboxProcess(work / "sandbox", api_key=KEY, seed_demo=False,
                            time_scale=1000.0) as sb:
            loop = app_loop()
            with loop:
                r = loop.run_until_complete(burst(sb.base_url, folder, work))
        print(f"drop_files={FILES}")
        print(f"drop_idle_floor_max_stall_ms={r['idle_stall_ms']:.0f}")
        print(f"drop_queue_seconds={r['queue_s']:.2f}")
        print(f"drop_queue_max_stall_ms={r['queue_stall_ms']:.0f}")
        print(f"drop_upload_files_per_s={r['files_per_s']:.1f}")
        print(f"drop_upload_max_stall_ms={r['upload_stall_ms']:.0f}")
        print(f"drop_cancel_clear_seconds={r['cancel_clear_s']:.2f}")
        print(f"drop_cancel_clear_call_ms={r['cancel_clear_call_ms']:.0f}")
        print(f"drop_cancel_clear_max_stall_ms={r['cancel_clear_stall_ms']:.0f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

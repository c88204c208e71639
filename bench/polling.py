"""How many requests the export tracker makes per minute while N exports stay pending.

Starts a sandbox whose exports take hours (time scale 0.001), creates N exports, lets
the tracker poll them for 60 simulated seconds (its clock runs SPEED times faster than
the wall clock) and counts its calls to the SDK (list + single fetches).
Prints ``poll_requests_per_min_N<N>=<n>``; the target is at most 12 for every N.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SPEED = 30.0
KEY = "sk_test_" + "b2" * 24


async def measure(base_url: str, n: int, workdir: Path) -> int:
    from vvdesk.api.client import make_client
    from vvdesk.services.export_tracker import ExportTracker
    from vvdesk.services.journal import Journal
    from vvdesk.services.session import ApiSession

    session = ApiSession(f"bench{n}", base_url, make_client(base_url, KEY, max_retries=0))
    journal = Journal(workdir / f"journal-{n}.sqlite3")
    tracker = ExportTracker(session, journal, speed=SPEED)
    tracker.autostart = False
    client = session.client
    ids = [(await client.exports.create_index_export("idx_demo_archive")).export_id
           for _ in range(n)]
    for eid in ids:
        await tracker.add(eid, "index", "idx_demo_archive")
    stamps: list[float] = []  # the tracker's (simulated) clock at each request
    for name in ("list", "retrieve"):
        original = getattr(client.exports, name)

        def counted(*a: Any, _o: Any = original, **k: Any) -> Any:
            stamps.append(tracker.clock())
            return _o(*a, **k)

        setattr(client.exports, name, counted)
    start = tracker.clock()
    tracker.autostart = True
    tracker._kick()  # start polling as right after a create
    # a busy machine makes this real-time sleep overshoot, so count by the tracker's clock
    while tracker.clock() - start < 61.0:
        await asyncio.sleep(0.05)
    await session.close()
    journal.close()
    return sum(1 for t in stamps if t - start < 60.0)


def main() -> None:
    import qasync
    from PySide6.QtCore import QCoreApplication

    from tests.sandbox_proc import SandboxProcess

    app = QCoreApplication.instance() or QCoreApplication([])
    with tempfile.TemporaryDirectory() as tmp, SandboxProcess(
            Path(tmp) / "sandbox", api_key=KEY, seed_demo=True, time_scale=0.001) as sb:
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        for n in (1, 50, 500):
            count = loop.run_until_complete(measure(sb.base_url, n, Path(tmp)))
            print(f"poll_requests_per_min_N{n}={count}", flush=True)
        loop.close()


if __name__ == "__main__":
    main()

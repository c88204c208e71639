"""How many requests the export tracker makes per minute while N exports stay pending.

Starts a sandbox whose exports take hours (time scale 0.001), creates N exports, lets
the tracker poll them for 60 simulated seconds (its clock runs SPEED times faster than
the wall clock) and counts its calls to the SDK (list + single fetches).
Prints ``poll_requests_per_min_N<N>=<n>``; the target is at most the tracker's budget for
every N; here the tracker runs with the budget of a server that declares no rate limit (12).

Then the time to resolve 500 tracked exports: a sandbox whose exports complete at once,
500 exports created while its processing is paused, the tracker polling in real time with
the budget it takes from the server's declared rate limit. Prints
``poll_budget_per_min=<n>`` and ``resolve_500_exports_s=<s>`` (the issue measured 12-15 min).
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


async def measure(sb: Any, n: int, workdir: Path) -> int:
    from vvdesk.api.client import make_client
    from vvdesk.services.export_tracker import ExportTracker
    from vvdesk.services.journal import Journal
    from vvdesk.services.session import ApiSession

    base_url = sb.base_url
    session = ApiSession(f"bench{n}", base_url, make_client(base_url, KEY, max_retries=0))
    journal = Journal(workdir / f"journal-{n}.sqlite3")
    tracker = ExportTracker(session, journal, speed=SPEED)
    tracker.autostart = False
    client = session.client
    ids = [(await client.exports.create_index_export("idx_demo_archive")).export_id
           for _ in range(n)]
    for eid in ids:
        await tracker.add(eid, "index", "idx_demo_archive")
    tracker.budget_known = True  # as for a server that declares no rate limit: 12 a minute
    stamps: list[float] = []  # the tracker's (simulated) clock at each request
    http = session.poll_client._http
    original = http.get

    def counted(endpoint: str, *a: Any, **k: Any) -> Any:  # GET /exports and /exports/{id}
        if endpoint == "/exports" or endpoint.startswith("/exports/"):
            stamps.append(tracker.clock())
        return original(endpoint, *a, **k)

    # the probe stands in for the client's method (setattr: mypy forbids assigning a method)
    setattr(http, "get", counted)  # noqa: B010
    start = tracker.clock()
    tracker.autostart = True
    tracker._kick()  # start polling as right after a create
    # a busy machine makes this real-time sleep overshoot, so count by the tracker's clock
    while tracker.clock() - start < 61.0:
        await asyncio.sleep(0.05)
    await session.close()
    journal.close()
    return sum(1 for t in stamps if t - start < 60.0)


async def resolve(sb: Any, n: int, workdir: Path) -> tuple[int, float]:
    import time

    from vvdesk.api.client import make_client
    from vvdesk.services.export_tracker import ExportTracker
    from vvdesk.services.journal import Journal
    from vvdesk.services.session import ApiSession

    session = ApiSession("resolve", sb.base_url, make_client(sb.base_url, KEY, max_retries=0))
    journal = Journal(workdir / "journal-resolve.sqlite3")
    tracker = ExportTracker(session, journal)
    tracker.autostart = False
    try:
        with sb.paused():
            ids = [(await session.client.exports.create_index_export("idx_demo_archive"))
                   .export_id for _ in range(n)]
            for eid in ids:
                await tracker.add(eid, "index", "idx_demo_archive")
        started = time.monotonic()
        tracker.autostart = True
        tracker._kick()
        while tracker.tracked_ids():
            await asyncio.sleep(0.05)
        return tracker.window.limit, time.monotonic() - started
    finally:
        await session.jobs.shutdown()
        await session.close()
        journal.close()


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
            count = loop.run_until_complete(measure(sb, n, Path(tmp)))
            print(f"poll_requests_per_min_N{n}={count}", flush=True)
        loop.close()
    with tempfile.TemporaryDirectory() as tmp, SandboxProcess(
            Path(tmp) / "sandbox", api_key=KEY, seed_demo=True, time_scale=50.0) as sb:
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        budget, seconds = loop.run_until_complete(resolve(sb, 500, Path(tmp)))
        print(f"poll_budget_per_min={budget}", flush=True)
        print(f"resolve_500_exports_s={seconds:.1f}", flush=True)
        loop.close()


if __name__ == "__main__":
    main()

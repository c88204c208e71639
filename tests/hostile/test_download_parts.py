"""Issue 12 item 4: a download that fails on a full disk, or whose app is killed, leaves no
hidden `.part` file behind, and a full disk is said with what to do."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from vvdesk.api.client import make_client
from vvdesk.services.downloads import DownloadService
from vvdesk.services.journal import Journal
from vvdesk.services.session import ApiSession


def session_for(sandbox: Any) -> ApiSession:
    return ApiSession("p", sandbox.base_url,
                      make_client(sandbox.base_url, sandbox.api_key, max_retries=0))


def completed_run_export(arun: Any, session: ApiSession) -> str:
    async def make() -> str:
        created = await session.client.exports.create_prompt_run_export("run_demo_shared")
        for _ in range(400):
            export = await session.client.exports.retrieve(created.export_id)
            if export.status == "completed":
                return export.export_id
            await asyncio.sleep(0.05)
        raise AssertionError("the export did not complete")

    return arun(make())


@contextlib.contextmanager
def full_disk(where: Path) -> Iterator[Path]:
    """A tiny tmpfs mounted at `where`, filled to the last byte (needs root, as in CI)."""
    where.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(where)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs to fill ({mounted.stderr.decode().strip()})")
    try:
        with (where / "filler").open("wb", buffering=0) as f, contextlib.suppress(OSError):
            while True:
                f.write(b"x" * 512)
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_full_disk_leaves_no_part_and_says_what_to_do(arun, until, sandbox, tmp_path):
    session = session_for(sandbox)
    journal = Journal(tmp_path / "journal.sqlite3")
    try:
        export_id = completed_run_export(arun, session)
        with full_disk(tmp_path / "small-disk") as folder:
            service = DownloadService(session, journal=journal)
            failed: list[Any] = []
            service.failed.connect(lambda _id, p: failed.append(p))
            service.start(export_id, folder / "export.json")
            until(lambda: failed, "the download to fail")
            left = sorted(p.name for p in folder.iterdir())
        text = str(failed[0])
        assert left == ["filler"], left  # no .export.json.<uuid>.part
        assert "disk is full" in text and "Free some space" in text, text
        assert arun(journal.execute("SELECT path FROM download_parts")) == []
    finally:
        arun(session.close())
        journal.close()


def test_the_parts_of_a_killed_download_are_swept_at_the_next_start(arun, until, sandbox,
                                                                     tmp_path):
    session = session_for(sandbox)
    folder, journal_path = tmp_path / "downloads", tmp_path / "journal.sqlite3"
    folder.mkdir()
    try:
        export_id = completed_run_export(arun, session)
        sandbox.add_fault(path=r"/exports/[^/]+/download$", method="GET", latency=60)
        root = Path(__file__).resolve().parents[2]
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.hostile.download_then_die", sandbox.base_url,
             sandbox.api_key, export_id, str(folder), str(journal_path)],
            cwd=root, stdout=subprocess.PIPE, text=True, env={**os.environ})
        try:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "started"
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(10)
            sandbox.clear_faults()
        parts = [p for p in folder.iterdir() if p.name.endswith(".part")]
        assert len(parts) == 1 and parts[0].name.startswith(".export.json.")

        journal = Journal(journal_path)
        try:
            DownloadService(session, journal=journal)  # as at the next start
            deadline = time.monotonic() + 10
            until(lambda: not list(folder.iterdir()) or time.monotonic() > deadline,
                  "the sweep")
            assert list(folder.iterdir()) == []
            assert arun(journal.execute("SELECT path FROM download_parts")) == []
        finally:
            journal.close()
    finally:
        arun(session.close())

"""The app's embedded sandbox: started on a free port, seeded once, and never left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from tests.ui.helpers import names, running_app
from vvdesk.api.client import ca_file_of
from vvdesk.app import Options


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        with open(f"/proc/{pid}/stat") as f:  # a zombie is as good as gone
            return f.read().split(")")[-1].split()[0] != "Z"
    except (ProcessLookupError, FileNotFoundError):
        return False


def test_no_profile_starts_seeded_sandbox_and_stops_it_on_exit(qtbot, arun, until, settings,
                                                               tmp_path, monkeypatch,
                                                               no_keyring):
    monkeypatch.setenv("VVDESK_DATA_DIR", str(tmp_path / "data"))
    with running_app(qtbot, arun, settings, Options()) as app:
        w = app.window
        until(lambda: "Demo archive" in names(w), "demo data from the embedded sandbox", 40)
        assert "Sandbox (local)" in w.conn_label.text() and "connected" in w.conn_label.text()
        # https with its own CA, made in the data dir and trusted by exactly this session
        assert app.session.base_url.startswith("https://127.0.0.1:")
        ca = tmp_path / "data" / "sandbox" / "tls" / "ca.pem"
        assert ca_file_of(app.session.client) == ca and ca.exists()
        pid = app.launcher._proc.pid
        assert _alive(pid)
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid), "the sandbox child outlived the app"
    assert (tmp_path / "data" / "sandbox").is_dir()


@pytest.mark.timeout(90)
def test_sandbox_child_dies_when_the_app_is_killed(tmp_path):
    """SIGKILL the app: the kernel's parent-death signal takes the sandbox down too."""
    script = textwrap.dedent(f"""
        import asyncio
        from pathlib import Path
        from vvdesk.services.sandbox import SandboxLauncher
        async def main():
            await SandboxLauncher(Path({str(tmp_path)!r}), seed_demo=False).start()
            print("up", flush=True)
            await asyncio.sleep(60)
        asyncio.run(main())
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    assert parent.stdout.readline().strip() == "up"
    children = subprocess.run(["pgrep", "-P", str(parent.pid)], capture_output=True, text=True)
    pids = [int(p) for p in children.stdout.split()]
    assert pids, "no sandbox child found"
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(p) for p in pids)

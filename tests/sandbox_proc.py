"""Spawn and control a sandbox server process from tests (no vvdesk imports)."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

DEFAULT_KEY = "sk_test_" + "0" * 48
START_TIMEOUT = 20.0
# The seed synthesises its demo clips once per machine user, not once per test sandbox.
DEMO_CACHE = Path(tempfile.gettempdir()) / f"vvdesk-demo-clips-{os.getuid()}"
# Also for sandboxes the app under test starts itself (they inherit the environment).
os.environ.setdefault("VV_SANDBOX_DEMO_CACHE", str(DEMO_CACHE))


class SandboxProcess:
    """A ``python -m vvdesk.sandbox`` child process bound to a free port."""

    def __init__(
        self,
        data_dir: Path,
        api_key: str = DEFAULT_KEY,
        *,
        seed_demo: bool = True,
        time_scale: float = 50.0,
        extra_args: Sequence[str] = (),
    ) -> None:
        self.data_dir = Path(data_dir)
        self.api_key = api_key
        self.seed_demo = seed_demo
        self.time_scale = time_scale
        self.extra_args = list(extra_args)
        self.base_url = ""
        self._proc: subprocess.Popen[str] | None = None
        self._stderr: Any = None

    def start(self) -> None:
        """Spawn the server and wait (<= 20 s) for its URL line on stdout."""
        cmd = [sys.executable, "-m", "vvdesk.sandbox", "--host", "127.0.0.1", "--port", "0",
               "--data-dir", str(self.data_dir), "--time-scale", str(self.time_scale),
               *self.extra_args]
        if self.seed_demo:
            cmd.append("--seed-demo")
        env = {**os.environ, "VV_SANDBOX_API_KEY": self.api_key}
        root = Path(__file__).resolve().parents[1]
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._stderr = (self.data_dir / "sandbox-stderr.log").open("ab")
        self._proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self._stderr, text=True,
                                      env=env, cwd=root)
        lines: queue.Queue[str] = queue.Queue()
        stdout = self._proc.stdout
        assert stdout is not None
        threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
        try:
            line = lines.get(timeout=START_TIMEOUT).strip()
        except queue.Empty:
            self.stop()
            raise RuntimeError("sandbox did not print its URL in time") from None
        if not line.startswith(("http://", "https://")):
            self.stop()
            log = (self.data_dir / "sandbox-stderr.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"sandbox failed to start (first line: {line!r}); stderr:\n{log}")
        self.base_url = line

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def _control(self, method: str, path: str, body: Any = None) -> Any:
        response = httpx.request(method, f"{self.base_url}/_sandbox{path}", json=body,
                                 headers={"X-API-Key": self.api_key}, timeout=10.0)
        response.raise_for_status()
        return response.json()

    def add_fault(self, **rule: Any) -> None:
        """Add a fault rule (see vvdesk/sandbox/README.md for fields)."""
        self._control("POST", "/faults", rule)

    def clear_faults(self) -> None:
        self._control("DELETE", "/faults")

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Hold simulated processing (jobs stay as they are) inside the block."""
        self._control("POST", "/simulation", {"paused": True})
        try:
            yield
        finally:
            self._control("POST", "/simulation", {"paused": False})

    def fail_next_export(self, message: str = "Simulated export failure") -> None:
        self._control("POST", "/exports/fail-next", {"message": message})

    def fail_export(self, export_id: str, message: str = "Simulated export failure") -> None:
        self._control("POST", f"/exports/{export_id}/fail", {"message": message})

    def expire_export(self, export_id: str) -> None:
        self._control("POST", f"/exports/{export_id}/expire")

    def stop(self) -> None:
        """SIGTERM, wait up to 10 s, then kill."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        if proc.stdout:
            proc.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def __enter__(self) -> SandboxProcess:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def wait_until(predicate: Any, timeout: float = 20.0, interval: float = 0.05) -> None:
    """Poll a sync predicate until true (used by tests; raises on timeout)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise TimeoutError("condition not reached in time")

"""Run the embedded sandbox server as a child process and stop it on exit.

The key is random per launch and passed through the environment (not argv, which other
local users can read). The child gets SIGTERM if vvdesk dies without cleaning up.
The child's stderr goes to a log file in its data dir; stdout is drained so the pipe never fills.
It serves https (`--https`) by default: its CA is made once in `<data dir>/tls/ca.pem`, and
the endpoint names that file so the session's clients trust exactly it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import secrets
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

START_TIMEOUT_S = 40.0
_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent_pid: int) -> None:
    """In the child, before exec: get SIGTERM when vvdesk dies, even by SIGKILL (Linux)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


@dataclass(frozen=True)
class SandboxEndpoint:
    base_url: str
    api_key: str
    ca_file: Path | None = None  # the CA to trust for an https sandbox


def default_data_dir() -> Path:
    """Where the embedded sandbox keeps its database (VVDESK_DATA_DIR overrides for tests)."""
    if root := os.environ.get("VVDESK_DATA_DIR"):
        return Path(root) / "sandbox"
    import platformdirs

    return Path(platformdirs.user_data_dir("vvdesk", appauthor=False)) / "sandbox"


def _tail(path: Path, limit: int = 2000) -> str:
    try:
        with path.open("rb") as f:
            f.seek(max(0, f.seek(0, os.SEEK_END) - limit))
            return f.read().decode(errors="replace")
    except OSError as exc:
        return f"(cannot read it: {exc})"


class SandboxLauncher:
    def __init__(self, data_dir: Path, *, seed_demo: bool = True, time_scale: float = 1.0,
                 https: bool = True):
        self.data_dir = data_dir
        self.seed_demo = seed_demo
        self.time_scale = time_scale
        self.https = https
        self._proc: asyncio.subprocess.Process | None = None
        self._drain: asyncio.Task[None] | None = None
        # called with the exit status when the child ends without stop() (killed, crashed)
        self.on_exit: Callable[[int | None], None] | None = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def log_path(self) -> Path:
        return self.data_dir / "sandbox.log"

    async def start(self) -> SandboxEndpoint:
        await asyncio.to_thread(self.data_dir.mkdir, parents=True, exist_ok=True)
        key = "sk_live_" + secrets.token_hex(24)
        args = [sys.executable, "-m", "vvdesk.sandbox", "--host", "127.0.0.1", "--port", "0",
                "--data-dir", str(self.data_dir), "--time-scale", str(self.time_scale)]
        if self.seed_demo:
            args.append("--seed-demo")
        if self.https:
            args.append("--https")
        log_path = self.data_dir / "sandbox.log"
        log_file = await asyncio.to_thread(open, log_path, "ab")
        started = time.monotonic()
        log.info("sandbox: starting %s -m vvdesk.sandbox (data in %s, its log: %s)",
                 sys.executable, self.data_dir, log_path)
        try:
            self._proc = await asyncio.create_subprocess_exec(
                *args, stdout=asyncio.subprocess.PIPE, stderr=log_file,
                stdin=asyncio.subprocess.DEVNULL, env=dict(os.environ, VV_SANDBOX_API_KEY=key),
                preexec_fn=functools.partial(_die_with_parent, os.getpid()),
            )
        finally:
            log_file.close()
        proc = self._proc
        assert proc.stdout is not None
        try:
            line = await asyncio.wait_for(proc.stdout.readline(), START_TIMEOUT_S)
        except TimeoutError:
            line = b""
        url = line.decode(errors="replace").strip()
        scheme = "https" if self.https else "http"
        if not url.startswith(f"{scheme}://127.0.0.1:"):
            await self.stop()
            log.error("sandbox: no address after %.1f s (exit status %s; first line %r); the "
                      "end of its log:\n%s", time.monotonic() - started, proc.returncode,
                      url[:200], await asyncio.to_thread(_tail, log_path))
            raise RuntimeError(
                f"The local sandbox server did not start. Its log is at {log_path}."
            )
        log.info("sandbox: process %d answers at %s after %.2f s", proc.pid, url,
                 time.monotonic() - started)
        self._drain = asyncio.ensure_future(self._drain_stdout())
        ca_file = self.data_dir / "tls" / "ca.pem" if self.https else None
        return SandboxEndpoint(url, key, ca_file)

    async def _drain_stdout(self) -> None:
        proc = self._proc
        assert proc is not None and proc.stdout is not None
        while await proc.stdout.readline():
            pass
        code = await proc.wait()
        if self._proc is proc:  # not stopped by us
            log.error("sandbox: process %d ended by itself (exit status %s); its log is at %s",
                      proc.pid, code, self.log_path)
            self._proc = None
            if self.on_exit is not None:
                self.on_exit(code)

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.returncode is None

    async def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.returncode is None:
            log.info("sandbox: stopping process %d", proc.pid)
            with contextlib.suppress(ProcessLookupError):
                proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), 5)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                await proc.wait()
        if self._drain is not None:
            self._drain.cancel()
            self._drain = None

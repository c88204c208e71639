"""`vvdesk --self-test`: the app's real startup path, headless, on a fresh embedded sandbox.

One run checks what an installed copy needs to be of use: the window builds, the app starts
(SDK, keyring probe, sandbox child), the session gets its first answer from the app's own
requests, indexes list, a small file uploads and imports, an export is created and
downloaded, and the app shuts down with its sandbox. It prints one line per step with its
time and exits 0, or 1 naming the step that failed (with the warnings the app logged).

Everything it writes goes to a new temporary folder (data, settings, log, downloads) and
the keyring is never touched, so it runs the same for a fresh user, in CI and from a bundle.
The folder is removed after a pass and kept after a failure so its logs can be read.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import math
import os
import shutil
import struct
import sys
import tempfile
import time
import uuid
import wave
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from vvdesk.log import redact

TIME_SCALE = 20.0  # the sandbox simulates processing this many times faster
START_TIMEOUT_S = 90.0
STEP_TIMEOUT_S = 45.0
CONNECT_TIMEOUT_S = 20.0
POLL_S = 0.1
SAMPLE_RATE = 8000


class StepFailed(Exception):
    """A check did not hold; the message says what was seen, in plain words."""


class SelfTest:
    """Runs the steps, times them and prints one line each."""

    def __init__(self, root: Path, out: Any = None) -> None:
        self.root = root
        self.out = out or sys.stdout
        self.started = time.monotonic()
        self._step_started = self.started
        self.failed_step: str | None = None
        self.warnings: list[str] = []
        self.crashes: list[str] = []  # uncaught exceptions (a user would get an error dialog)

    @classmethod
    def prepare(cls) -> SelfTest:
        """Point everything the app writes into a new temporary folder; call it before Qt
        starts (the platform is chosen when the QApplication is built)."""
        root = Path(tempfile.mkdtemp(prefix="vvdesk-self-test-"))
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        os.environ["VVDESK_DATA_DIR"] = str(root / "data")
        os.environ["VVDESK_CONFIG_DIR"] = str(root / "config")
        os.environ["VVDESK_CACHE_DIR"] = str(root / "cache")  # thumbnails: not the user's
        # Never the user's keyring (no unlock prompt, no stored key read): the sandbox's
        # key comes with the sandbox.
        os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
        _quiet_offscreen_notes()
        return cls(root)

    @property
    def log_dir(self) -> Path:
        return self.root / "log"

    # reporting --------------------------------------------------------------------
    def _print(self, text: str) -> None:
        print(f"self-test: {text}", file=self.out, flush=True)

    def passed(self, name: str, detail: str = "") -> None:
        now = time.monotonic()
        self._print(f"{name:<9} ok  {now - self._step_started:6.2f} s"
                    + (f"  {detail}" if detail else ""))
        self._step_started = now

    def failed(self, name: str, why: str) -> None:
        self._print(f"{name} FAILED after {time.monotonic() - self._step_started:.2f} s: "
                    f"{redact(why)}")
        self._step_started = time.monotonic()
        self.failed_step = self.failed_step or name

    def summary(self) -> int:
        """The last line(s) and the exit status."""
        if self.failed_step is None:
            self._print(f"passed: all steps in {time.monotonic() - self.started:.2f} s")
            return 0
        for line in self.warnings[-10:]:
            self._print(f"  logged: {line}")
        self._print(f"step '{self.failed_step}' failed; the log and data are kept in "
                    f"{self.root}")
        return 1

    def watch_log(self) -> None:
        """Keep the warnings and errors the app logs (uncaught exceptions too), to show
        them if a step fails."""
        tests = self

        class Keep(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                exc = record.exc_info[1] if record.exc_info else None
                tests.warnings.append(redact(
                    f"{record.levelname} {record.name}: {record.getMessage()}"
                    + (f" ({type(exc).__name__}: {exc})" if exc is not None else "")))

        logging.getLogger().addHandler(Keep(logging.WARNING))
        logging.getLogger("qt").addFilter(_not_offscreen_note)

        def hook(kind: type[BaseException], exc: BaseException, tb: Any) -> None:
            self.crashes.append(f"{kind.__name__}: {exc}")
            logging.getLogger("vvdesk.crash").error("uncaught exception", exc_info=(kind, exc, tb))

        sys.excepthook = hook  # no dialog: nobody is there to close it

    # running ----------------------------------------------------------------------
    async def step(self, name: str, work: Callable[[], Awaitable[str]],
                   timeout: float = STEP_TIMEOUT_S) -> bool:
        """Run one step; print its line (ok or FAILED). Returns whether it passed."""
        crashes = len(self.crashes)
        try:
            detail = await asyncio.wait_for(work(), timeout)
            if len(self.crashes) > crashes:
                raise StepFailed(f"uncaught error meanwhile: {self.crashes[crashes]}")
        except TimeoutError:
            self.failed(name, f"no result within {timeout:.0f} s")
            return False
        except StepFailed as exc:
            self.failed(name, str(exc))
            return False
        except Exception as exc:
            logging.getLogger(__name__).error("self-test step %s", name, exc_info=True)
            self.failed(name, _describe(exc))
            return False
        self.passed(name, detail)
        return True

    async def run(self, vapp: Any) -> int:
        """All steps on a built (not yet started) VvdeskApp; returns the exit status."""
        self.watch_log()
        steps = _Steps(vapp, self.root)
        plan = [("start", steps.start, START_TIMEOUT_S), ("connect", steps.connect, None),
                ("indexes", steps.indexes, None), ("upload", steps.upload, None),
                ("export", steps.export, None), ("download", steps.download, None)]
        for name, work, timeout in plan:
            if not await self.step(name, work, timeout or STEP_TIMEOUT_S):
                break
        # also after a failure, so no sandbox is left running
        await self.step("quit", lambda: self._quit(vapp, steps))
        return self.summary()

    async def _quit(self, vapp: Any, steps: _Steps) -> str:
        await vapp.shutdown()
        if steps.sandbox_running():
            raise StepFailed("the sandbox process is still running after shutdown")
        return "sandbox stopped"

    def finish(self, status: int) -> None:
        """After the loop has closed: remove the folder after a pass."""
        if status == 0:
            logging.shutdown()
            shutil.rmtree(self.root, ignore_errors=True)


class _Steps:
    """What each step does, through the app object: its start, its session (SDK client,
    jobs) and the services built on that session."""

    def __init__(self, vapp: Any, root: Path) -> None:
        self.vapp = vapp
        self.root = root
        self.index_id = ""
        self.video_ids: list[str] = []
        self.export_id = ""
        self.export_size = 0

    @property
    def session(self) -> Any:
        if self.vapp.session is None:
            raise StepFailed("the app has no connection (see the log)")
        return self.vapp.session

    def sandbox_running(self) -> bool:
        launcher = self.vapp.launcher
        return launcher is not None and launcher.running

    async def start(self) -> str:
        await self.vapp.start()
        if self.vapp.session is None:
            raise StepFailed("the app did not connect to the local sandbox")
        return f"sandbox at {self.vapp.session.base_url}"

    async def connect(self) -> str:
        """The app's own first requests (the index list) must get an answer: a session
        that nothing asks anything stays at "connecting" for good."""
        session = self.session
        await _until(lambda: session.state.value != "connecting", CONNECT_TIMEOUT_S,
                     f"the app got no answer within {CONNECT_TIMEOUT_S:.0f} s: it still says "
                     "“connecting” (nothing asked the server anything, or it did not answer)")
        if session.state.value != "connected":
            raise StepFailed(f"the connection is {session.state.value}: {session.detail}")
        return "first answer received"

    async def indexes(self) -> str:
        from vvdesk.services.indexes import IndexService

        service = IndexService(self.session, self.session)
        items = await _signal_result(service.refresh, service.loaded, service.failed)
        if not items:
            raise StepFailed("the sandbox listed no indexes (its demo data is missing)")
        name = f"Self-test {time.strftime('%H:%M:%S')}"
        created = await _signal_result(lambda: service.create(name), service.created,
                                       service.failed)
        self.index_id = created.index_id
        return f"{len(items)} listed, created “{name}”"

    async def upload(self) -> str:
        from vvdesk.api.upload import make_pump, open_progress_file

        path = self.root / "self-test tone.wav"
        await asyncio.to_thread(path.write_bytes, tone_wav())
        client = self.session.client
        pump = make_pump(client)
        f = await open_progress_file(path)
        try:
            job = await pump.upload(f, "Self-test tone", self.index_id, uuid.uuid4().hex)
        finally:
            await asyncio.to_thread(f.close)
            await pump.aclose()
        if f.sent != f.size:
            raise StepFailed(f"{f.sent} of {f.size} bytes were read for the upload")
        while (job.status or "").lower() not in ("completed", "failed", "cancelled"):
            await asyncio.sleep(POLL_S)
            job = await client.import_jobs.retrieve(job.job_id)
        if job.status.lower() != "completed":
            raise StepFailed(f"the import ended {job.status}: {job.error_message or ''}")
        self.video_ids = list(job.video_ids or [])
        if not self.video_ids:
            raise StepFailed("the import completed without any media")
        return f"{f.size} bytes, imported as {len(self.video_ids)} media"

    async def export(self) -> str:
        client = self.session.client
        result = await client.exports.create_index_export(self.index_id)
        self.export_id = result.export_id
        export = await client.exports.retrieve(self.export_id)
        while export.status.lower() not in ("completed", "failed"):
            await asyncio.sleep(POLL_S)
            export = await client.exports.retrieve(self.export_id)
        if export.status.lower() != "completed":
            raise StepFailed(f"the export failed: {export.error_message or 'no reason given'}")
        self.export_size = export.file_size_bytes or 0
        return f"{self.export_size} bytes ready"

    async def download(self) -> str:
        from vvdesk.services.downloads import DownloadService

        service = DownloadService(self.session, self.session)
        target = self.root / "downloads" / f"{self.export_id}.json"

        def matches(export_id: str, *_: Any) -> bool:
            return export_id == self.export_id

        result = await _signal_result(
            lambda: service.start(self.export_id, target, total=self.export_size),
            service.finished, service.failed, accept=matches)
        path = Path(result[1])
        doc = json.loads(await asyncio.to_thread(path.read_bytes))
        if (doc.get("export_id"), doc.get("target_id")) != (self.export_id, self.index_id):
            raise StepFailed(f"the downloaded file is not this export ({path.name})")
        leftovers = [p.name for p in path.parent.iterdir() if p != path]
        if leftovers:
            raise StepFailed(f"the download left files behind: {', '.join(leftovers)}")
        return f"{path.stat().st_size} bytes written"


OFFSCREEN_NOTE = "This plugin does not support"  # resize/raise hints: no screen, no matter


def _not_offscreen_note(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith(OFFSCREEN_NOTE)


def _quiet_offscreen_notes() -> None:
    """Until the log takes Qt's messages: drop the offscreen platform's notes that it
    cannot resize or raise windows (the test suite ignores them too); print the rest."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(_kind: Any, _context: Any, message: str) -> None:
        if not message.startswith(OFFSCREEN_NOTE):
            print(message, file=sys.stderr, flush=True)

    qInstallMessageHandler(handler)


def tone_wav(seconds: float = 0.5) -> bytes:
    """A short 440 Hz mono WAV: a real media file any decoder accepts."""
    frames = int(SAMPLE_RATE * seconds)
    samples = b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i /
                                                               SAMPLE_RATE)))
                       for i in range(frames))
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(samples)
    return buf.getvalue()


async def _until(predicate: Callable[[], bool], timeout: float, why: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise StepFailed(why)
        await asyncio.sleep(POLL_S)


async def _signal_result(start: Callable[[], Any], ok: Any, failed: Any, *,
                         accept: Callable[..., bool] | None = None) -> Any:
    """Call start(), then wait for the service's ok signal (its value) or failed signal
    (raised as StepFailed with the problem in plain words)."""
    done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    def on_ok(*args: Any) -> None:
        if not done.done() and (accept is None or accept(*args)):
            done.set_result(args[0] if len(args) == 1 else args)

    def on_failed(*args: Any) -> None:
        if not done.done() and (accept is None or accept(*args)):
            done.set_exception(StepFailed(f"{args[0]}: {args[-1]}"))

    ok.connect(on_ok)
    failed.connect(on_failed)
    try:
        start()
        return await done
    finally:
        ok.disconnect(on_ok)
        failed.disconnect(on_failed)


def _describe(exc: BaseException) -> str:
    try:
        from vvdesk.api.errors import describe

        problem = describe(exc)
        if problem.kind.value != "unknown":
            return str(problem)
    except Exception:  # describing must never hide the failure itself
        pass
    return f"{type(exc).__name__}: {exc}"

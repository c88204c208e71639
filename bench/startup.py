"""Startup figures: vvdesk vs a bare PySide6 window, and time until real data is shown.

Prints:
  startup_window_ratio_vs_bare_qt=<r>   median(process start → main window exposed), vvdesk ÷ bare
  startup_bare_qt_seconds=<s>, startup_window_seconds=<s>
  startup_data_seconds=<s>              median(process start → index list filled), vvdesk
                                        connected to an already running sandbox through a
                                        saved profile whose key is in a (private) keyring
Runs offscreen unless DISPLAY is set. Target: ratio <= 1.5.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RUNS = int(os.environ.get("BENCH_RUNS", "7"))

BARE = """
import sys, time
from PySide6.QtWidgets import QApplication, QMainWindow
from vvdesk.startup_probe import report_first_expose
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.resize(1100, 700); w.setWindowTitle("bare")
report_first_expose(w, lambda: print(f"vvdesk-startup exposed {time.time():.6f}", flush=True))
w.show()
app.exec()
"""


def timed(cmd: list[str], env: dict[str, str], want: str) -> float:
    """Seconds from spawn to the child's report of `want`."""
    t0 = time.time()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, cwd=ROOT)
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            parts = line.split()
            if len(parts) == 3 and parts[0] == "vvdesk-startup" and parts[1] == want:
                return float(parts[2]) - t0
        raise RuntimeError(f"{cmd[:3]} ended without reporting {want}")
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main() -> None:
    from PySide6.QtCore import QSettings

    from tests.sandbox_proc import SandboxProcess
    from tests.secret_service import PrivateSecretService
    from vvdesk.secrets import SERVICE
    from vvdesk.settings import Profile, Settings

    tmp = Path(tempfile.mkdtemp(prefix="vvdesk-bench-"))
    env = dict(os.environ, VVDESK_STARTUP_REPORT="1", VVDESK_CONFIG_DIR=str(tmp / "cfg"),
               VVDESK_DATA_DIR=str(tmp / "data"), XDG_STATE_HOME=str(tmp / "state"))
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    keyring_service = PrivateSecretService()
    keyring_service.start()
    env["DBUS_SESSION_BUS_ADDRESS"] = os.environ["DBUS_SESSION_BUS_ADDRESS"]
    with SandboxProcess(tmp / "sandbox", seed_demo=True) as sandbox:
        import keyring

        keyring.set_password(SERVICE, "bench", sandbox.api_key)
        Settings(QSettings(str(tmp / "cfg" / "vvdesk.ini"), QSettings.Format.IniFormat)
                 ).save_profile(Profile("bench", sandbox.base_url))
        app_cmd = [sys.executable, "-m", "vvdesk", "--profile", "bench"]
        bare_cmd = [sys.executable, "-c", BARE]
        timed(bare_cmd, env, "exposed")  # warm the file cache for both
        timed(app_cmd, env, "indexes")
        bare, window, data = [], [], []
        for _ in range(RUNS):
            bare.append(timed(bare_cmd, env, "exposed"))
            window.append(timed(app_cmd, env, "exposed"))
            data.append(timed(app_cmd, env, "indexes"))
    keyring_service.stop()
    b, w, d = (statistics.median(x) for x in (bare, window, data))
    print(f"startup_bare_qt_seconds={b:.3f}")
    print(f"startup_window_seconds={w:.3f}")
    print(f"startup_window_ratio_vs_bare_qt={w / b:.2f}")
    print(f"startup_data_seconds={d:.3f}")


if __name__ == "__main__":
    main()

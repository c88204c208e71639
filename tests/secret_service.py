"""Start a private D-Bus session with an unlocked gnome-keyring for the tests.

The tests use a real Secret Service (the same backend users have), not an in-memory fake.
Nothing here touches the user's own keyring: the bus, XDG_DATA_HOME and the keyring file
all live in a temporary directory that is removed afterwards.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

# A session bus with no service directories: nothing is auto-activated, so the only
# Secret Service on it is the unlocked daemon we start (an activated one would be locked
# and ask a prompter that does not exist: "Prompt dismissed").
BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir={tmp}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


class PrivateSecretService:
    """A dbus-daemon plus gnome-keyring-daemon (secrets component) on a throwaway bus."""

    def __init__(self) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="vv-keyring-"))
        self._bus: subprocess.Popen[str] | None = None
        self._keyring: subprocess.Popen[bytes] | None = None
        self.address = ""

    def start(self) -> None:
        missing = [b for b in ("dbus-daemon", "gnome-keyring-daemon") if not shutil.which(b)]
        if missing:
            raise RuntimeError(
                f"{', '.join(missing)} not found: run the tests through ./dev test, which "
                "installs dbus and gnome-keyring"
            )
        config = self._dir / "bus.conf"
        config.write_text(BUS_CONFIG.format(tmp=self._dir))
        self._bus = subprocess.Popen(
            ["dbus-daemon", f"--config-file={config}", "--nofork", "--nopidfile",
             "--print-address=1"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )
        assert self._bus.stdout is not None
        self.address = self._bus.stdout.readline().strip()
        if not self.address:
            raise RuntimeError("dbus-daemon did not print its address")
        env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=self.address,
                   XDG_DATA_HOME=str(self._dir), XDG_RUNTIME_DIR=str(self._dir))
        self._keyring = subprocess.Popen(
            ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
        )
        assert self._keyring.stdin is not None
        self._keyring.stdin.write(b"test-password")
        self._keyring.stdin.close()
        os.environ["DBUS_SESSION_BUS_ADDRESS"] = self.address
        self._wait_ready()

    def _wait_ready(self) -> None:
        import keyring
        from keyring.backends import SecretService

        deadline = time.monotonic() + 10
        backend = SecretService.Keyring()
        while True:
            try:
                backend.set_password("vvdesk-probe", "probe", "ok")
                backend.delete_password("vvdesk-probe", "probe")
                keyring.set_keyring(backend)
                return
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self) -> None:
        for proc in (self._keyring, self._bus):
            if proc and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    proc.kill()
        shutil.rmtree(self._dir, ignore_errors=True)

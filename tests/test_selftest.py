"""`vvdesk --self-test`, `--version` and `--log-level`, run as a user would: a new process."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from vvdesk import __version__
from vvdesk.__main__ import parse_args

STEPS = ["window", "start", "connect", "indexes", "upload", "export", "download", "quit"]


def run_vvdesk(*args: str, env: dict[str, str] | None = None,
               timeout: float = 110) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vvdesk", *args], capture_output=True,
                          text=True, timeout=timeout, env=env or dict(os.environ),
                          stdin=subprocess.DEVNULL)


def kept_folder(output: str) -> Path:
    match = re.search(r"kept in (\S+)", output)
    assert match, output
    return Path(match.group(1))


def test_self_test_passes_every_step_and_leaves_nothing(tmp_path: Path) -> None:
    env = dict(os.environ, TMPDIR=str(tmp_path))
    env.pop("QT_QPA_PLATFORM", None)  # the self-test picks offscreen itself
    done = run_vvdesk("--self-test", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[1] for line in lines[:-1]] == STEPS, done.stdout
    for line in lines[:-1]:
        assert re.match(r"self-test: \w+ +ok +\d+\.\d\d s", line), line
    assert re.fullmatch(r"self-test: passed: all steps in \d+\.\d\d s", lines[-1])
    assert list(tmp_path.iterdir()) == []  # its data, log and download are gone


def test_self_test_names_the_step_that_failed(tmp_path: Path) -> None:
    # A missing server library (what a bundle without a hidden import looks like): the
    # sandbox child dies at once, the app cannot connect.
    broken = tmp_path / "broken"
    (broken / "uvicorn").mkdir(parents=True)
    (broken / "uvicorn" / "__init__.py").write_text(
        "raise ImportError('uvicorn left out of this build')\n")
    env = dict(os.environ, TMPDIR=str(tmp_path), PYTHONPATH=str(broken))
    done = run_vvdesk("--self-test", env=env)
    assert done.returncode == 1, done.stdout + done.stderr
    out = done.stdout
    assert re.search(r"^self-test: start FAILED after [\d.]+ s: the app did not connect", out,
                     re.M), out
    assert re.search(r"^self-test: quit +ok", out, re.M), out  # nothing left running
    assert "uvicorn left out of this build" in out  # the sandbox's own log, quoted
    assert "step 'start' failed" in out
    folder = kept_folder(out)
    log = (folder / "log" / "vvdesk.log").read_text()
    for step in ("SDK and keyring ready", "connect: to the local sandbox",
                 "sandbox: starting", "sandbox: no address", "the local sandbox did not start"):
        assert step in log, log  # each step of connecting, and the failure, in the app's log
    assert (folder / "data" / "sandbox" / "sandbox.log").is_file()


def test_version_names_vvdesk_sdk_and_qt() -> None:
    done = run_vvdesk("--version", timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"vvdesk {__version__}"
    assert re.fullmatch(r"VideoVector SDK \d+\.\d+\.\d+\S*", lines[1])
    assert re.fullmatch(r"Qt 6\.\d+\.\d+ \(PySide6 6\.\d+\.\d+\)", lines[2])


@pytest.mark.parametrize("given", ["debug", "Debug", "DEBUG"])
def test_log_level_in_any_case(given: str) -> None:
    assert parse_args(["--log-level", given]).log_level == "DEBUG"


def test_unknown_log_level_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--log-level", "loud"])
    assert "invalid choice: 'LOUD'" in capsys.readouterr().err

"""The release tarball and its install.sh --user / uninstall.sh, for a fresh user.

The real PyInstaller bundle takes a minute to build, so here the tarball is made by the
real packaging/release.py around a small bundle whose `vvdesk` runs this checkout
(`python -m vvdesk`); CI's ./dev package-check does the same with the real bundle.
"""

from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from vvdesk import __version__

ROOT = Path(__file__).resolve().parent.parent
APP_ID = "com.vectormethods.vvdesk"
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
METAINFO = ROOT / "resources" / f"{APP_ID}.metainfo.xml"
DESKTOP = ROOT / "resources" / f"{APP_ID}.desktop"


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The unpacked release folder (install.sh, uninstall.sh, vvdesk/, share/)."""
    base = tmp_path_factory.mktemp("release")
    bundle = base / "bundle"
    (bundle / "_internal").mkdir(parents=True)
    (bundle / "_internal" / "part-of-the-bundle").write_text("x")
    exe = bundle / "vvdesk"
    exe.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m vvdesk "$@"\n')
    exe.chmod(0o755)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    made = subprocess.run([sys.executable, str(ROOT / "packaging" / "release.py"),
                           "--bundle", str(bundle), "--out", str(base / "out")],
                          capture_output=True, text=True, env=env, timeout=120)
    assert made.returncode == 0, made.stderr
    tarball = base / "out" / f"vvdesk-{__version__}-linux-{os.uname().machine}.tar.gz"
    assert f"release: {tarball}" in made.stdout
    with tarfile.open(tarball) as tar:
        tops = {name.split("/")[0] for name in tar.getnames()}
        assert tops == {tarball.name.removesuffix(".tar.gz")}  # one top folder
        tar.extractall(base / "unpacked", filter="tar")
    return base / "unpacked" / tops.pop()


class User:
    """A fresh user: a home with a space in its path, no XDG variables set."""

    def __init__(self, home: Path) -> None:
        home.mkdir()
        self.home = home
        self.share = home / ".local" / "share"
        self.app = self.share / "vvdesk" / "app"
        self.link = home / ".local" / "bin" / "vvdesk"
        self.desktop = self.share / "applications" / f"{APP_ID}.desktop"
        self.metainfo = self.share / "metainfo" / f"{APP_ID}.metainfo.xml"
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("XDG_", "VVDESK_")) and k != "SUDO_USER"}
        self.env.update(HOME=str(home), PATH=f"{home}/.local/bin:{os.environ['PATH']}")

    def run(self, *cmd: str | Path, ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                              env=self.env, timeout=120, stdin=subprocess.DEVNULL)
        if ok:
            assert done.returncode == 0, done.stdout + done.stderr
        return done

    def icons(self) -> list[Path]:
        return [self.share / "icons" / "hicolor" / f"{n}x{n}" / "apps" / f"{APP_ID}.png"
                for n in ICON_SIZES] + [
            self.share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"]

    def installed(self) -> list[Path]:
        return [self.link, self.desktop, self.metainfo, *self.icons()]


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", data[16:24])


def test_install_for_a_fresh_user_then_uninstall(release: Path, tmp_path: Path) -> None:
    user = User(tmp_path / "home of a user")
    out = user.run(release / "install.sh", "--user").stdout
    assert f"vvdesk {__version__} is installed in {user.app}" in out

    assert (user.app / "_internal" / "part-of-the-bundle").is_file()
    assert user.link.resolve() == (user.app / "vvdesk").resolve()
    version = user.run("vvdesk", "--version").stdout  # the command, found on PATH
    assert version.splitlines()[0] == f"vvdesk {__version__}"
    # the menu entry starts the installed app by its full (quoted) path
    assert f'Exec="{user.app}/vvdesk"' in user.desktop.read_text().splitlines()
    user.run("desktop-file-validate", user.desktop)
    user.run("appstreamcli", "validate", "--no-net", user.metainfo)
    for icon in user.icons()[:-1]:
        n = int(icon.parent.parent.name.split("x")[0])
        assert png_size(icon) == (n, n)
    assert user.icons()[-1].read_bytes() == (ROOT / "resources" / "vvdesk.svg").read_bytes()

    # the app made some data of its own; uninstalling keeps it
    data = user.share / "vvdesk" / "journal.sqlite3"
    data.write_text("queue")
    config = user.home / ".config" / "vvdesk" / "vvdesk.conf"
    config.parent.mkdir(parents=True)
    config.write_text("[General]")
    gone = user.run(user.app / "uninstall.sh").stdout
    assert "vvdesk is removed" in gone
    assert [p for p in [user.app, *user.installed()] if p.exists() or p.is_symlink()] == []
    assert not (user.share / "icons" / "hicolor" / "16x16").exists()
    assert data.read_text() == "queue" and config.is_file()

    user.run(release / "install.sh", "--user")
    user.run(user.app / "uninstall.sh", "--purge")
    assert not (user.share / "vvdesk").exists() and not config.parent.exists()


def test_installing_again_replaces_the_app(release: Path, tmp_path: Path) -> None:
    user = User(tmp_path / "home")
    user.run(release / "install.sh", "--user")
    stale = user.app / "left-from-an-older-version"
    stale.write_text("old")
    user.run(release / "install.sh", "--user")
    assert not stale.exists()
    assert all(p.exists() for p in user.installed())
    listed = (user.app / "installed-files").read_text().splitlines()
    assert sorted(listed) == sorted(str(p) for p in user.installed())  # once each


def test_install_needs_user_and_leaves_another_vvdesk_command(release: Path,
                                                              tmp_path: Path) -> None:
    user = User(tmp_path / "home")
    refused = user.run(release / "install.sh", ok=False)
    assert refused.returncode == 2 and "usage:" in refused.stderr
    assert not user.app.exists()
    user.link.parent.mkdir(parents=True)
    user.link.write_text("#!/bin/sh\necho another program\n")
    out = user.run(release / "install.sh", "--user").stdout
    assert "is another program" in out
    assert user.link.read_text().endswith("another program\n")
    user.run(user.app / "uninstall.sh")
    assert user.link.read_text().endswith("another program\n")  # not ours: kept


def test_desktop_file_and_metainfo_validate_as_shipped() -> None:
    for cmd in (["desktop-file-validate", DESKTOP],
                ["appstreamcli", "validate", "--no-net", METAINFO]):
        done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_metainfo_shows_real_screenshots_and_this_release() -> None:
    root = ET.parse(METAINFO).getroot()
    images = [e.text or "" for e in root.iter("image")]
    assert len(images) >= 3
    for url in images:
        assert re.fullmatch(r"https://\S+/screenshots/[\w-]+\.png", url), url
        assert (ROOT / "screenshots" / url.rsplit("/", 1)[1]).is_file(), url
    newest = root.find("releases/release")
    assert newest is not None and newest.get("version") == __version__
    assert root.findtext("launchable") == DESKTOP.name

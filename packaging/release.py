"""Make the release tarball from a built bundle: `./dev package` runs it after PyInstaller.

    python packaging/release.py [--bundle dist/vvdesk] [--out dist]
    → dist/vvdesk-VERSION-linux-ARCH.tar.gz, one top folder holding:
        install.sh, uninstall.sh, README.txt
        vvdesk/                       the bundle (vvdesk executable + _internal/)
        share/applications/APP_ID.desktop
        share/metainfo/APP_ID.metainfo.xml
        share/icons/hicolor/NxN/apps/APP_ID.png, scalable/apps/APP_ID.svg

The icon sizes are rendered here from resources/vvdesk.svg (Qt's SVG renderer, offscreen),
so the SVG stays the one source. The bundle is added to the archive as it is (symlinks
kept), not copied to a staging folder first. Prints the tarball's path and size.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_ID = "com.vectormethods.vvdesk"
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
SCRIPTS = ("install.sh", "uninstall.sh")


def version() -> str:
    sys.path.insert(0, str(ROOT))
    from vvdesk import __version__

    return __version__


def render_icons(svg: Path) -> dict[str, bytes]:
    """hicolor path → PNG bytes for every size, plus the SVG as the scalable one."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"release: cannot read the icon {svg}")
    icons: dict[str, bytes] = {}
    for size in ICON_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        icons[f"{size}x{size}/apps/{APP_ID}.png"] = bytes(data.data())
    icons[f"scalable/apps/{APP_ID}.svg"] = svg.read_bytes()
    return icons


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mode: int = 0o644) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), mode, int(time.time())
    tar.addfile(info, io.BytesIO(data))


def make_tarball(bundle: Path, out: Path) -> Path:
    if not (bundle / "vvdesk").is_file():
        raise SystemExit(f"release: no bundle at {bundle} (run ./dev package first)")
    top = f"vvdesk-{version()}-linux-{platform.machine()}"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{top}.tar.gz"
    part = path.with_name(f".{path.name}.part")
    res = ROOT / "resources"
    with tarfile.open(part, "w:gz", compresslevel=6) as tar:
        for script in SCRIPTS:
            tar.add(ROOT / "packaging" / script, f"{top}/{script}")
        tar.add(ROOT / "packaging" / "README.txt", f"{top}/README.txt")
        tar.add(res / f"{APP_ID}.desktop", f"{top}/share/applications/{APP_ID}.desktop")
        tar.add(res / f"{APP_ID}.metainfo.xml", f"{top}/share/metainfo/{APP_ID}.metainfo.xml")
        for rel, data in render_icons(res / "vvdesk.svg").items():
            _add_bytes(tar, f"{top}/share/icons/hicolor/{rel}", data)
        tar.add(bundle, f"{top}/vvdesk")
    part.replace(path)
    return path


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bundle", type=Path, default=ROOT / "dist" / "vvdesk")
    p.add_argument("--out", type=Path, default=ROOT / "dist")
    args = p.parse_args()
    path = make_tarball(args.bundle, args.out)
    print(f"release: {path} ({path.stat().st_size / 1e6:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

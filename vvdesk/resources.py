"""Find files of the top-level resources/ folder from a checkout, a wheel or a bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_path(name: str) -> Path | None:
    here = Path(__file__).resolve().parent
    candidates = [here.parent / "resources" / name,  # checkout / editable install
                  here / "resources" / name]  # wheel (force-included into the package)
    if bundle := getattr(sys, "_MEIPASS", None):  # PyInstaller
        candidates.append(Path(bundle) / "resources" / name)
    return next((p for p in candidates if p.is_file()), None)

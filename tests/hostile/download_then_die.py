"""Child process for the killed-download test: start one download, say so, wait to be killed.

Usage: python -m tests.hostile.download_then_die BASE_URL KEY EXPORT_ID FOLDER JOURNAL
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path


async def main(base_url: str, key: str, export_id: str, folder: str, journal: str) -> None:
    from vvdesk.api.client import make_client
    from vvdesk.services.downloads import DownloadService
    from vvdesk.services.journal import Journal
    from vvdesk.services.session import ApiSession

    session = ApiSession("p", base_url, make_client(base_url, key, max_retries=0))
    service = DownloadService(session, journal=Journal(Path(journal)))
    service.start(export_id, Path(folder) / "export.json")
    while not [p for p in Path(folder).iterdir() if p.name.endswith(".part")]:
        await asyncio.sleep(0.02)
    print("started", flush=True)
    await asyncio.sleep(3600)


if __name__ == "__main__":
    from PySide6.QtCore import QCoreApplication

    app = QCoreApplication(sys.argv[:1])
    asyncio.run(main(*sys.argv[1:6]))

"""Child process for the killed-app test: the real vvdesk entry point, plus one upload.

Runs `vvdesk --profile NAME` (settings, journal and keyring from the inherited
environment), queues FILE for INDEX_ID (shown as INDEX_NAME) the way a drop does,
touches MARKER once the upload is under way and the journal holds it (the write is
asynchronous: a kill before it is a crash right after the drop, not mid-upload), and keeps
running until the test kills it.
Usage: python -m tests.ui.upload_then_wait NAME FILE INDEX_ID INDEX_NAME MARKER
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from vvdesk import app as vvapp
from vvdesk.__main__ import main
from vvdesk.services.transfer_store import TransferStore
from vvdesk.transfer_queue import UPLOADING, TState


def patch_start(path: str, index_id: str, index_name: str, marker: Path) -> None:
    original = vvapp.VvdeskApp.start

    async def start(self: vvapp.VvdeskApp) -> None:
        await original(self)
        service = self.controllers.transfers.service
        service.add_paths([path], index_id, index_name)
        while not any(t.state is TState.UPLOADING and t.sent > 0
                      for t in service.transfers()):
            await asyncio.sleep(0.05)
        assert self.journal is not None and self.session is not None
        journal = TransferStore(self.journal, self.session.profile_name)
        while not any(t.state in UPLOADING for t in await journal.load()):
            await asyncio.sleep(0.05)
        marker.touch()

    vvapp.VvdeskApp.start = start  # type: ignore[method-assign]


if __name__ == "__main__":
    name, path, index_id, index_name, marker = sys.argv[1:6]
    patch_start(path, index_id, index_name, Path(marker))
    sys.exit(main(["--profile", name]))

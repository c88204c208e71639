"""One folder of a connector's bucket (its sub-folders and files), and connector edits.

The API's browse answers files only (`CloudFile[]`, no folder entries), and a
non-recursive browse stops at the next "/", so it never reveals sub-folders. A folder's
contents are therefore derived from one recursive browse of that folder's prefix: the
files directly in it, and the first path segment of every deeper key as a sub-folder
(with its file count, total size and newest change). Rows are validated one by one and
the grouping runs in a worker thread, so a big bucket does not hold the UI thread.

The SDK has no connector update; `update_connector` sends `PATCH /connectors/{id}` through
the SDK's own transport (contract gap 3: name, scopes, import_mode, export_base_path;
credentials cannot be changed).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vvdesk.api.ids import in_path
from vvdesk.api.rows import read_rows, unreadable

if TYPE_CHECKING:
    from videovector import AsyncVideoVector, CloudFile, Connector

PATCHABLE = ("name", "scopes", "import_mode", "export_base_path")


@dataclass(frozen=True)
class SubFolder:
    """A folder inside the listed one: what lies below it, in total."""

    name: str
    path: str  # the full key prefix, ending with "/"
    files: int
    size_bytes: int
    last_modified: str  # the newest file below it (ISO text from the server)


@dataclass
class FolderListing:
    prefix: str  # "" (the bucket's root) or a key prefix ending with "/"
    folders: list[SubFolder] = field(default_factory=list)
    files: list[CloudFile] = field(default_factory=list)
    unreadable: int = 0  # rows the server sent that could not be read


def group_folder(answer: Any, prefix: str) -> FolderListing:
    """A recursive browse answer for `prefix` → the folder's own files and sub-folders.

    Only the folder's own files become `CloudFile`s (validated one by one); rows deeper
    down only add to their sub-folder's count, size and newest date, so a folder over a
    big tree is grouped in a fraction of the time a full validation takes."""
    from videovector import CloudFile

    if not isinstance(answer, list):
        raise unreadable("a list of files")
    own: list[Any] = []
    below: dict[str, list[Any]] = {}  # name → [files, size, newest]
    bad = 0
    for raw in answer:
        path = raw.get("path") if isinstance(raw, dict) else None
        if not isinstance(path, str) or not path:
            bad += 1
            continue
        rest = path[len(prefix):] if path.startswith(prefix) else ""
        if not rest:  # outside the folder, or the folder's own marker object
            continue
        head, sep, _tail = rest.partition("/")
        if not sep:
            own.append(raw)
            continue
        size, changed = raw.get("size_bytes"), raw.get("last_modified")
        totals = below.setdefault(head, [0, 0, ""])
        totals[0] += 1
        totals[1] += size if isinstance(size, int) and size > 0 else 0
        if isinstance(changed, str) and changed > totals[2]:
            totals[2] = changed
    rows = read_rows(own, CloudFile, "file", "path")
    out = FolderListing(prefix, files=rows.items, unreadable=bad + len(rows.skipped))
    out.folders = [SubFolder(name, f"{prefix}{name}/", n, size, newest)
                   for name, (n, size, newest) in below.items()]
    out.folders.sort(key=lambda d: d.name.casefold())
    out.files.sort(key=lambda f: f.name.casefold())
    return out


async def browse_folder(client: AsyncVideoVector, connector_id: str,
                        prefix: str) -> FolderListing:
    answer = await client._http.post(f"/connectors/{in_path(connector_id)}/browse",
                                     json={"prefix": prefix, "pattern": "*", "recursive": True})
    return await asyncio.to_thread(group_folder, answer, prefix)


async def update_connector(client: AsyncVideoVector, connector_id: str,
                           changes: dict[str, Any]) -> Connector:
    """PATCH the changed fields (only those in PATCHABLE are sent)."""
    from videovector import Connector

    body = {k: v for k, v in changes.items() if k in PATCHABLE}
    answer = await client._http.patch(f"/connectors/{in_path(connector_id)}", json=body)
    if not isinstance(answer, dict):
        raise unreadable("a connector")
    try:
        return Connector.model_validate(answer)
    except ValueError as exc:
        raise unreadable("a connector") from exc

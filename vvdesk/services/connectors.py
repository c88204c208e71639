"""Storage connectors: list, create (S3, GCS, Azure), edit, test, browse folders, delete.

Secrets typed into the create dialog go straight into one SDK call and are dropped; they
are never stored, logged or shown again (the server never returns them either).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from vvdesk.api.connector_folders import FolderListing, browse_folder, update_connector
from vvdesk.api.errors import UserFacingError
from vvdesk.api.ids import in_path
from vvdesk.services.session import ApiSession
from vvdesk.vocab import ProblemKind

if TYPE_CHECKING:
    from videovector import Connector, DeleteResponse, TestConnectionResult

    from vvdesk.api.errors import ApiProblem

GCS_CREDENTIALS_MAX = 64 * 1024


class ConnectorService(QObject):
    loaded = Signal(list)  # list[Connector]
    created = Signal(object)
    deleted = Signal(str)
    tested = Signal(str, object)  # connector_id, TestConnectionResult
    updated = Signal(object)  # Connector, as the server has it after an edit
    update_failed = Signal(str, object)  # connector_id, ApiProblem (not in `failed`)
    folder_listed = Signal(str, str, object)  # connector_id, prefix, FolderListing
    folder_failed = Signal(str, str, object)  # connector_id, prefix, ApiProblem
    failed = Signal(str, object)  # action, ApiProblem

    def __init__(self, session: ApiSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._s = session
        self.connectors: list[Connector] = []
        self._edits = 0  # local changes so far: a list asked for before one of them is stale

    def _changed(self, connectors: list[Connector]) -> None:
        self.connectors = connectors
        self._edits += 1
        self.loaded.emit(self.connectors)

    def _fail(self, action: str) -> Callable[[ApiProblem], None]:
        return self._s.reporter(self.failed, action)

    def refresh(self) -> None:
        asked_at = self._edits

        def ok(items: list[Connector]) -> None:
            if self._edits != asked_at:  # answered from before a create/delete: ask again
                self.refresh()
                return
            self.connectors = list(items)
            self.loaded.emit(self.connectors)

        self._s.jobs.run("connectors.refresh", self._s.client.connectors.list(), on_ok=ok,
                         on_error=self._fail("Loading the connectors"))

    async def listed(self) -> list[Connector]:
        """The connectors as the server lists them now (for a form that needs them)."""
        items = list(await self._s.client.connectors.list())
        self.connectors = items
        self.loaded.emit(self.connectors)
        return items

    def with_scope(self, scope: str) -> list[Connector]:
        return [c for c in self.connectors if scope in (c.scopes or [])]

    def create(self, provider: str, fields: dict[str, Any]) -> None:
        """Create an s3/gcs/azure connector from the dialog's fields (secrets included)."""
        api = self._s.client.connectors

        async def create() -> Connector:
            if provider == "gcs":
                path = Path(fields.pop("credentials_path"))
                data = await asyncio.to_thread(path.read_bytes)
                if len(data) > GCS_CREDENTIALS_MAX:
                    raise UserFacingError(
                        f"The credentials file {path.name} is {len(data):,} bytes; a service "
                        "account key is at most 64 KiB. Choose the key JSON file "
                        "downloaded from Google Cloud.")
                import io

                stream = io.BytesIO(data)
                stream.name = path.name
                return await api.create_gcs(credentials_file=stream, **fields)
            creator = api.create_s3 if provider == "s3" else api.create_azure
            return await creator(**fields)

        def ok(connector: Connector) -> None:
            self.created.emit(connector)
            self._changed([c for c in self.connectors
                           if c.connector_id != connector.connector_id] + [connector])

        self._s.jobs.run(f"connectors.create:{fields.get('name')}", create(), on_ok=ok,
                         on_error=self._fail("Creating the connector"), replace=False)

    def test(self, connector_id: str) -> None:
        async def test() -> TestConnectionResult:
            result = await self._s.client.connectors.test(in_path(connector_id))
            fresh = await self._s.client.connectors.retrieve(in_path(connector_id))
            self._changed([fresh if c.connector_id == connector_id else c
                           for c in self.connectors])
            return result

        def ok(result: TestConnectionResult) -> None:
            self.tested.emit(connector_id, result)

        self._s.jobs.run(f"connectors.test:{connector_id}", test(), on_ok=ok,
                         on_error=self._fail("Testing the connector"))

    def list_folder(self, connector_id: str, prefix: str) -> None:
        """One folder's sub-folders and files (`folder_listed`); folders of one connector
        are listed side by side, a folder asked again replaces its older request."""
        async def listing() -> FolderListing:
            return await browse_folder(self._s.client, connector_id, prefix)

        self._s.jobs.run(f"connectors.browse:{connector_id}:{prefix}", listing(),
                         on_ok=lambda found: self.folder_listed.emit(connector_id, prefix, found),
                         on_error=self._s.reporter(self.folder_failed, connector_id, prefix))

    def update(self, connector_id: str, changes: dict[str, Any]) -> None:
        """PATCH the changed fields (name, scopes, import mode, export folder)."""
        def ok(connector: Connector) -> None:
            self.updated.emit(connector)
            self._changed([connector if c.connector_id == connector_id else c
                           for c in self.connectors])

        def gone(problem: ApiProblem) -> ApiProblem:
            """A 404 names the id; say which connector, and what to do."""
            if problem.kind != ProblemKind.NOT_FOUND:
                return problem
            c = next((c for c in self.connectors if c.connector_id == connector_id), None)
            name = f"“{c.name}”" if c is not None else "This connector"
            return replace(problem, message=(
                f"{name} no longer exists on the server (it was deleted, perhaps from "
                "another computer). Close this form; the list is refreshed."))

        def failed(problem: ApiProblem) -> None:
            handler(problem)
            if problem.kind == ProblemKind.NOT_FOUND:
                self.refresh()

        handler = self._s.reporter(self.update_failed, connector_id, transform=gone)
        self._s.jobs.run(f"connectors.update:{connector_id}",
                         update_connector(self._s.client, connector_id, changes),
                         on_ok=ok, on_error=failed)

    def delete(self, connector_id: str) -> None:
        def ok(_: DeleteResponse) -> None:
            self.deleted.emit(connector_id)
            self._changed([c for c in self.connectors if c.connector_id != connector_id])

        async def delete() -> DeleteResponse:
            return await self._s.client.connectors.delete(in_path(connector_id))

        self._s.jobs.run(f"connectors.delete:{connector_id}", delete(), on_ok=ok,
                         on_error=self._fail("Deleting the connector"), replace=False)

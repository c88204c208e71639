"""Create exports (index or prompt run, download or connector), retry them, list connectors.

Every create goes to the tracker, which persists it and polls it with all the others.
Errors are reworded for exports: not ready (409), gone (404), expired (410: create the
same export again), rate limited (429 with when), failed (the server's error_message).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from vvdesk.api.errors import ApiProblem, ProblemKind, UserFacingError, describe
from vvdesk.api.ids import in_path
from vvdesk.services.export_tracker import ExportTracker
from vvdesk.services.session import ApiSession
from vvdesk.vocab import subpath_problem

if TYPE_CHECKING:
    from videovector import Connector, Export


def explain(problem: ApiProblem, *, downloading: bool = False) -> ApiProblem:
    """The same problem in words about exports, with the next step."""
    text = problem.message
    if problem.status == 410:
        text = ("The export's file has expired on the server. Create the same export again "
                "to get a fresh file.")
    elif problem.status == 409 and downloading:
        text = "The export is not ready yet. It is downloaded when it completes."
    elif problem.status == 404:
        text = "The export no longer exists on the server. Create a new one."
    elif problem.kind in (ProblemKind.OFFLINE, ProblemKind.TIMEOUT) and downloading:
        text = ("The connection dropped during the download; nothing was saved at the "
                "chosen place. Try the download again.")
    return dataclasses.replace(problem, message=text)


def export_params(export: Export) -> dict[str, Any]:
    """What to send to create the same export again."""
    params = dict(getattr(export, "export_params", None) or {})
    return {
        "prompt_run_ids": params.get("prompt_run_ids") or None,
        "connector_id": export.destination_connector_id or params.get("destination_connector_id"),
        "subpath": export.destination_subpath or params.get("destination_subpath"),
    }


class ExportService(QObject):
    created = Signal(object)  # Export
    failed = Signal(str, object)  # what the user tried, ApiProblem

    def __init__(self, session: ApiSession, tracker: ExportTracker,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._s = session
        self.tracker = tracker

    def _fail(self, action: str) -> Callable[[ApiProblem], None]:
        return self._s.reporter(self.failed, action, transform=explain)

    def create(self, export_type: str, target_id: str, *, prompt_run_ids: list[str] | None = None,
               connector_id: str | None = None, subpath: str | None = None) -> None:
        """Create an index export (optionally of some runs) or a prompt-run export."""
        self._s.jobs.run(f"exports.create:{export_type}:{target_id}",
                         self.create_export(export_type, target_id,
                                            prompt_run_ids=prompt_run_ids,
                                            connector_id=connector_id, subpath=subpath),
                         on_ok=self.created.emit, on_error=self.report(export_type),
                         replace=False)

    async def create_export(self, export_type: str, target_id: str, *,
                            prompt_run_ids: list[str] | None = None,
                            connector_id: str | None = None,
                            subpath: str | None = None) -> Export:
        """Create the export, track it (journal + poller); the Export as it is now."""
        client = self._s.client
        if subpath and (why := subpath_problem(subpath)):
            raise UserFacingError(why, field="destination_subpath")
        if export_type == "index":
            result = await client.exports.create_index_export(
                in_path(target_id), prompt_run_ids=prompt_run_ids or None,
                destination_connector_id=connector_id, destination_subpath=subpath)
        else:
            result = await client.exports.create_prompt_run_export(
                in_path(target_id), destination_connector_id=connector_id,
                destination_subpath=subpath)
        await self.tracker.add(result.export_id, export_type, target_id, result.status)
        return await client.exports.retrieve(in_path(result.export_id))

    def report(self, export_type: str) -> Callable[[ApiProblem], None]:
        """The error handler of a create: connection state, export wording, `failed`."""
        what = "index" if export_type == "index" else "run"
        return self._fail(f"Exporting the {what}")

    def recreate(self, export: Export) -> None:
        """Create the same export again (after it failed or its file expired)."""
        p = export_params(export)
        self.create(export.export_type, export.target_id, prompt_run_ids=p["prompt_run_ids"],
                    connector_id=p["connector_id"], subpath=p["subpath"])

    async def export_connectors(self) -> tuple[list[Connector], str]:
        """Connectors an export may go to, and why there are none ("" if there are)."""
        try:
            items = await self._s.client.connectors.list()
        except Exception as exc:  # the dialog still offers a download
            problem = describe(exc)
            self._s.note_problem(problem)
            return [], f"The connectors could not be listed ({problem}); a download still works."
        usable = [c for c in items if "export" in [str(s) for s in (c.scopes or [])]]
        return usable, "" if usable else (
            "No connector takes exports yet: add one with “Use for: Export” in "
            "File → Connectors… (Ctrl+Shift+K).")

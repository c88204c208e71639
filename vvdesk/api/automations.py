"""Per-index import/export automations: the one API area the SDK has no resource for.

Calls go through the SDK's own transport (`client._http`), so they carry the same headers,
error envelope and retry rules as every SDK call (PUT is retried as idempotent; pause and
resume send an Idempotency-Key so they are retried too). Shapes follow contract §6; the
response bodies are a documented gap, so they are read leniently into plain dicts.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from vvdesk.api.errors import UserFacingError
from vvdesk.api.ids import in_path
from vvdesk.api.rows import unreadable
from vvdesk.vocab import EXPORT_FIELDS, IMPORT_FIELDS, AutomationKind, automation_problems

if TYPE_CHECKING:
    from videovector import AsyncVideoVector

Kind = AutomationKind


def body_for(kind: Kind, cfg: dict[str, Any]) -> dict[str, Any]:
    """The whole configuration to PUT (create-or-replace), without server-owned fields."""
    fields = IMPORT_FIELDS if kind == "import" else EXPORT_FIELDS
    body = {k: cfg[k] for k in fields if k in cfg}
    if kind == "export" and not body.get("destination_subpath"):
        body.pop("destination_subpath", None)
    return body


def _settings(answer: Any) -> dict[str, Any]:
    """The answer as automation settings; anything else (a list, text) is said in words."""
    if not isinstance(answer, dict):
        raise unreadable("automation settings")
    return dict(answer)


class AutomationsApi:
    def __init__(self, client: AsyncVideoVector) -> None:
        self._http = client._http  # the SDK's transport: same headers, envelope, retries

    @staticmethod
    def _path(index_id: str, kind: Kind) -> str:
        return f"/indexes/{in_path(index_id)}/automations/{kind}"

    async def get(self, index_id: str, kind: Kind) -> dict[str, Any] | None:
        """The saved automation, or None when the index has none yet (404)."""
        from videovector import NotFoundError

        try:
            return _settings(await self._http.get(self._path(index_id, kind)))
        except NotFoundError as exc:
            if "automation" in (exc.error_code or "") or not exc.error_code:
                return None
            raise

    async def put(self, index_id: str, kind: Kind, cfg: dict[str, Any]) -> dict[str, Any]:
        """Save the whole configuration; refused here (field named) when a rule says no."""
        for field, why in automation_problems(kind, cfg).items():
            raise UserFacingError(why, field=field)
        return _settings(await self._http.put(self._path(index_id, kind),
                                              json=body_for(kind, cfg)))

    async def set_paused(self, index_id: str, kind: Kind, paused: bool) -> dict[str, Any]:
        action = "pause" if paused else "resume"
        return _settings(await self._http.post(
            f"{self._path(index_id, kind)}/{action}",
            idempotency_key=f"automation-{action}:{uuid.uuid4().hex}"))

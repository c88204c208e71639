"""Automations of the selected index: load both, save (create-or-replace), pause/resume."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from vvdesk.api.automations import AutomationsApi, Kind
from vvdesk.services.session import ApiSession

if TYPE_CHECKING:
    from videovector import Prompt

    from vvdesk.api.errors import ApiProblem

AutomationConfig = dict[str, Any]  # contract §6: the body is a documented gap, read leniently


class AutomationService(QObject):
    loaded = Signal(str, object, object)  # index_id, import cfg or None, export cfg or None
    saved = Signal(str, str, object)  # index_id, kind, cfg
    prompts_loaded = Signal(list)  # list[Prompt]
    failed = Signal(str, str, object)  # kind ("" = both), action, ApiProblem

    def __init__(self, session: ApiSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._s = session
        self._api = AutomationsApi(session.client)

    def _fail(self, kind: str, action: str) -> Callable[[ApiProblem], None]:
        return self._s.reporter(self.failed, kind, action)

    def load(self, index_id: str) -> None:
        async def load() -> tuple[str, AutomationConfig | None, AutomationConfig | None]:
            return (index_id, await self._api.get(index_id, "import"),
                    await self._api.get(index_id, "export"))

        self._s.jobs.run("automations.load", load(), on_ok=lambda r: self.loaded.emit(*r),
                         on_error=self._fail("", "Loading the automations"))

    def load_prompts(self) -> None:
        async def load() -> list[Prompt]:
            return list((await self._s.client.prompts.list(active_only=True)).prompts)

        self._s.jobs.run("automations.prompts", load(), on_ok=self.prompts_loaded.emit,
                         on_error=self._fail("", "Loading the prompts"))

    def save(self, index_id: str, kind: Kind, cfg: AutomationConfig) -> None:
        self._s.jobs.run(f"automations.save:{index_id}:{kind}",
                         self._api.put(index_id, kind, cfg),
                         on_ok=lambda saved: self.saved.emit(index_id, kind, saved),
                         on_error=self._fail(kind, f"Saving the {kind} automation"))

    def set_paused(self, index_id: str, kind: Kind, paused: bool) -> None:
        verb = "Pausing" if paused else "Resuming"
        self._s.jobs.run(f"automations.pause:{index_id}:{kind}",
                         self._api.set_paused(index_id, kind, paused),
                         on_ok=lambda saved: self.saved.emit(index_id, kind, saved),
                         on_error=self._fail(kind, f"{verb} the {kind} automation"))

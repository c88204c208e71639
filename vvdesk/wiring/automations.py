"""Wire connectors (File → Connectors…) and the Automations tab to their services."""

from __future__ import annotations

from typing import Any

from vvdesk.services.automations import AutomationService
from vvdesk.services.connectors import ConnectorService
from vvdesk.wiring import SessionContext

ORDER = 50


def bind(ctx: SessionContext) -> None:
    from vvdesk.ui.panes.automations import AutomationsPane

    s, w = ctx.session, ctx.window
    connectors = ConnectorService(s, s)
    automations = AutomationService(s, s)
    ctx.services["connectors"] = connectors
    ctx.services["automations"] = automations
    pane = AutomationsPane(automations, connectors)
    w.set_tab("Automations", pane)
    state: dict[str, Any] = {}

    def open_connectors() -> None:
        from vvdesk.ui.dialogs.connectors import ConnectorsDialog

        dlg = state.get("dialog")
        if dlg is None:
            dlg = state["dialog"] = ConnectorsDialog(connectors, w)
        dlg.show()
        dlg.raise_()

    ctx.wire(w.connectors_requested, open_connectors)
    ctx.wire(pane.connectors_requested, open_connectors)
    ctx.wire(connectors.failed, lambda action, p: s.note_problem(p))
    ctx.services["_automations_state"] = state
    connectors.refresh()
    automations.load_prompts()


def unbind(ctx: SessionContext) -> None:
    from vvdesk.ui.panes.placeholder import PlaceholderPane

    state = ctx.services.get("_automations_state") or {}
    if (dlg := state.pop("dialog", None)) is not None:
        dlg.close()
        dlg.deleteLater()
    ctx.window.set_tab("Automations", PlaceholderPane("automations"))

"""The Automations tab: load the selected index's two automations, save, pause, browse."""

from __future__ import annotations

from typing import Any

from vvdesk.controllers.connectors import ConnectorsController
from vvdesk.controllers.links import Links
from vvdesk.controllers.runs import RunsController
from vvdesk.services.automations import AutomationService
from vvdesk.ui.main_window import MainWindow
from vvdesk.ui.panes.automations import AutomationsPane
from vvdesk.vocab import AutomationKind


class AutomationsController:
    def __init__(self, window: MainWindow, service: AutomationService,
                 pane: AutomationsPane, connectors: ConnectorsController,
                 runs: RunsController | None = None) -> None:
        self.window, self.service, self.pane = window, service, pane
        self.connectors = connectors
        self._links = Links()
        link = self._links.connect
        link(service.loaded, pane.show_loaded)
        link(service.saved, pane.show_saved)
        link(service.failed, pane.show_failed)
        link(service.prompts_loaded, pane.set_prompts)
        if runs is not None:  # a prompt created this session is offered at once
            link(runs.service.prompt_created, lambda _p: service.load_prompts())
        link(connectors.service.loaded, pane.set_connectors)
        link(pane.load_requested, service.load)
        link(pane.save_requested, self._save)
        link(pane.pause_requested, self._pause)
        link(pane.browse_requested, self._browse)
        link(pane.connectors_requested, connectors.open_dialog)
        pane.set_connectors(connectors.service.connectors)
        window.set_tab("Automations", pane)  # the pane asks for its index's automations
        service.load_prompts()

    def _save(self, index_id: str, kind: AutomationKind, values: dict[str, Any]) -> None:
        self.service.save(index_id, kind, values)

    def _pause(self, index_id: str, kind: AutomationKind, paused: bool) -> None:
        self.service.set_paused(index_id, kind, paused)

    def _browse(self, kind: str, connector_id: str, start: str) -> None:
        """The browser, window-modal; an export sub-folder lies inside the connector's
        export folder, so that is the browser's root and the folder comes back relative."""
        root = ""
        if kind == "export" and (c := self.connectors.connector(connector_id)) is not None:
            root = c.export_base_path or ""
        self.connectors.pick_folder(connector_id, lambda f: self.pane.set_folder(kind, f),
                                    start=start, root=root, parent=self.pane)

    def close(self) -> None:
        from vvdesk.ui.panes.placeholder import PlaceholderPane

        self._links.close()
        self.window.set_tab("Automations", PlaceholderPane("automations"))

"""The connection of one session as the window shows it: status bar, busy bar, the
refused-key banner (said once, cleared once a call succeeds again)."""

from __future__ import annotations

from vvdesk.controllers.links import Links
from vvdesk.services.session import ApiSession, ConnState
from vvdesk.ui.main_window import AUTH_TOPIC, MainWindow


class ConnectionController:
    def __init__(self, session: ApiSession, window: MainWindow) -> None:
        self.session = session
        self.window = window
        self._links = Links()
        link = self._links.connect
        window.set_connection(session.profile_name, session.state.value)
        link(session.state_changed, self._state_changed)
        link(session.auth_failed, self._key_refused)
        link(session.jobs.busy_changed, window.set_busy)
        link(session.jobs.failed, window.show_problem)

    def _state_changed(self, state: str, detail: str) -> None:
        self.window.set_connection(self.session.profile_name, state, detail)
        if state == ConnState.CONNECTED.value:
            self.window.banner.clear(AUTH_TOPIC)

    def _key_refused(self) -> None:
        self.window.show_key_refused(self.session.profile_name, self.session.detail)

    def close(self) -> None:
        self._links.close()

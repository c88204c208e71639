"""The connection of one session as the window shows it: status bar, busy bar, the
refused-key banner (said once, cleared once a call succeeds again), a run of server
errors said in the status bar for as long as it lasts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vvdesk.controllers.links import Links
from vvdesk.services.session import ApiSession, ConnState
from vvdesk.ui.main_window import AUTH_TOPIC, MainWindow

if TYPE_CHECKING:
    from vvdesk.api.waits import RateNotice


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
        link(session.rate_limited, self._rate_limited)

    def _state_changed(self, state: str, detail: str) -> None:
        self.window.set_connection(self.session.profile_name, state, detail)
        self.window.show_connection_trouble(
            detail if state == ConnState.SERVER_TROUBLE.value else "")
        if state == ConnState.CONNECTED.value:
            self.window.banner.clear(AUTH_TOPIC)

    def _rate_limited(self, notice: RateNotice) -> None:
        """Said the moment a 429 arrives: a short wait the SDK sits out by itself would
        otherwise look like a frozen list (a long one also ends the call with its error)."""
        self.window.statusBar().showMessage(notice.message, (notice.wait_s + 5) * 1000)

    def _key_refused(self) -> None:
        self.window.show_key_refused(self.session.profile_name, self.session.detail)

    def close(self) -> None:
        self._links.close()
        self.window.show_connection_trouble("")

"""The main window at 1024x640 (issue 13, small screens): every toolbar action stays on its
toolbar (none behind Qt's » overflow), in light and dark; the screenshots of it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QToolBar, QToolButton

from tests.ui.helpers import add_profile, running_app, shoot
from tests.ui.test_media_ui import show_index
from tests.ui.test_preview_ui import select_title
from vvdesk.app import Options
from vvdesk.settings import ColorSchemeChoice
from vvdesk.ui import theme

pytestmark = pytest.mark.usefixtures("secret_service")


@pytest.fixture
def restore_theme(qapp: Any) -> Any:
    yield
    theme.apply(ColorSchemeChoice.SYSTEM)


def hidden_actions(bar: QToolBar) -> list[str]:
    """Actions of the toolbar a person cannot see on it (behind », or squeezed off)."""
    ext = bar.findChild(QToolButton, "qt_toolbar_ext_button")
    out = [f"» shown on {bar.parentWidget().__class__.__name__}"] if (
        ext is not None and ext.isVisible()) else []
    for act in bar.actions():
        if not act.isVisible() or act.isSeparator():
            continue
        button = bar.widgetForAction(act)
        if button is None or not button.isVisible() or \
                not bar.rect().contains(button.geometry()):
            out.append(act.text())
    return out


def glyph_lightness(act: Any) -> int:
    """Mean lightness of the drawn pixels of an action's icon."""
    img = act.icon().pixmap(24, 24).toImage()
    seen = [img.pixelColor(x, y) for x in range(img.width()) for y in range(img.height())]
    drawn = [c.lightness() for c in seen if c.alpha() > 200]
    return sum(drawn) // max(1, len(drawn))


def test_at_1024x640_every_toolbar_action_is_on_its_toolbar_with_the_preview_open(
        qtbot, arun, until, settings, sandbox, restore_theme):
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        w.resize(1024, 640)
        pane = show_index(app, until, "idx_demo_archive", 3)
        w.tabs.setCurrentWidget(pane)
        select_title(pane, "Harbor timelapse")
        preview = app.controllers.preview
        until(lambda: preview.source is not None, "the preview of the selected media")
        until(lambda: pane.player.player.duration() > 0, "the clip loaded in the player")
        assert pane.player.isVisible() and pane.player.width() > 200  # the preview is open
        for scheme in (ColorSchemeChoice.LIGHT, ColorSchemeChoice.DARK):
            theme.apply(scheme)
            arun(asyncio.sleep(0.2))
            assert hidden_actions(pane.toolbar) == [], scheme
            texts = {a.text() for a in pane.toolbar.actions()} - {
                a.text() for a in pane.toolbar.icon_only()}
            assert "Upload…" in texts  # the main action keeps its words
            for act in pane.toolbar.actions():  # a button without text still says what it is
                button = pane.toolbar.widgetForAction(act)
                assert not act.icon().isNull() and button.accessibleName() and act.toolTip()
            # a glyph icon stands out from the toolbar in either scheme (was black on dark)
            back = pane.toolbar.palette().color(QPalette.ColorRole.Window).lightness()
            assert abs(glyph_lightness(pane.act_upload) - back) > 100, scheme
            shoot(w, f"main-1024x640-{scheme.value}.png")
        for title in ("Runs", "Exports"):  # the other panes' toolbars fit as they are
            w.tabs.setCurrentWidget(w.tab_panes[title])
            arun(asyncio.sleep(0.1))
            assert hidden_actions(w.tab_panes[title].toolbar) == [], title
        assert hidden_actions(w.indexes.toolbar) == []
        assert hidden_actions(app.controllers.transfers.dock.toolbar) == []
        # with room, every button has its text beside its icon again
        w.tabs.setCurrentWidget(pane)
        w.resize(1440, 900)
        for scheme in (ColorSchemeChoice.LIGHT, ColorSchemeChoice.DARK):
            theme.apply(scheme)
            arun(asyncio.sleep(0.2))
            assert pane.toolbar.icon_only() == []
            assert hidden_actions(pane.toolbar) == []
            shoot(w, f"main-1440x900-{scheme.value}.png")

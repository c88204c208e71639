"""Keyboard and accessibility (issue 13): Tab moves between areas and arrows inside lists,
every pane action has a menu item (the common ones a window-wide shortcut), the View menu
shows and hides panels, and every control has an accessible name and a tooltip."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.sdk_calls import new_index
from tests.ui.helpers import add_profile, running_app, select_index, shoot
from vvdesk.app import Options
from vvdesk.ui import keyboard
from vvdesk.ui.dialogs import pick_index

pytestmark = [pytest.mark.usefixtures("secret_service"), pytest.mark.timeout(120)]
DEMO_INDEX = "idx_demo_archive"


def test_tab_leaves_the_index_list_and_arrows_move_inside_it(qtbot, arun, until, settings,
                                                             sandbox):
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        until(lambda: w.index_model.rowCount() >= 2, "the indexes")
        w.indexes.select(DEMO_INDEX)
        view = w.indexes.view
        view.setFocus()
        w.activateWindow()
        until(lambda: QApplication.focusWidget() is view, "focus in the index list")
        before = w.current_index().index_id
        qtbot.keyClick(view, Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is not view, "Tab left the list"
        assert w.current_index().index_id == before, "Tab did not change the index"
        view.setFocus()
        qtbot.keyClick(view, Qt.Key.Key_Down)
        until(lambda: w.current_index().index_id != before, "Down moved to the next index")


def test_pane_actions_have_menu_items_and_window_wide_shortcuts(qtbot, arun, until, settings,
                                                                sandbox, monkeypatch):
    own = new_index(sandbox, arun, "Keyboard index")
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    chosen: list[Any] = []
    monkeypatch.setattr(pick_index, "choose_files",
                        lambda *_a: chosen.append("asked") or [])
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        select_index(w, until, own, "the index")
        menu_actions = {a for m in w.menuBar().actions() if m.menu()
                        for a in m.menu().actions()}
        for key, act in w.pane_actions.items():
            assert act in menu_actions and act.toolTip(), key
        upload = w.pane_actions[("Media", "act_upload")]
        assert upload.isEnabled() and upload.shortcut().toString() == "Ctrl+U"
        runs = w.tab_panes["Runs"]
        w.tabs.setCurrentWidget(runs)
        runs.view.setFocus()
        w.activateWindow()
        until(lambda: QApplication.focusWidget() is runs.view, "focus in the runs list")
        qtbot.keyClick(runs.view, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
        until(lambda: chosen == ["asked"], "Ctrl+U from the Runs tab asked for files")
        assert w.tabs.currentWidget() is w.tab_panes["Media"]
        # Search (Ctrl+F) goes to the Search tab once connected
        assert w.act_search.isEnabled()
        qtbot.keyClick(w.tab_panes["Media"].table, Qt.Key.Key_F,
                       Qt.KeyboardModifier.ControlModifier)
        until(lambda: w.tabs.currentWidget() is w.tab_panes["Search"], "the Search tab")
        # the View menu hides and shows the Transfers panel
        dock = app.controllers.transfers.dock
        toggle = dock.toggleViewAction()
        assert toggle in w.view_menu.actions()
        was = dock.isVisible()
        toggle.trigger()
        assert dock.isVisible() is not was
        toggle.trigger()
        assert dock.isVisible() is was
        # toolbar actions show an icon beside their text and take keyboard focus
        media = w.tab_panes["Media"]
        assert not media.act_upload.icon().isNull() and media.act_upload.text()
        button = media.toolbar.widgetForAction(media.act_upload)
        assert button.focusPolicy() & Qt.FocusPolicy.TabFocus


def test_every_control_has_an_accessible_name_and_a_tooltip(qtbot, arun, until, settings,
                                                             sandbox):
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        select_index(w, until, DEMO_INDEX, "the demo index")
        until(lambda: w.tab_panes["Media"].model.rowCount() > 0, "the media")
        missing: list[str] = []
        for i in range(w.tabs.count()):
            w.tabs.setCurrentIndex(i)
            keyboard.tidy(w)
            missing += keyboard.unlabelled(w)
        from vvdesk.settings import ColorSchemeChoice
        from vvdesk.ui.dialogs.connectors import ConnectorsDialog
        from vvdesk.ui.dialogs.create_export import CreateExportDialog
        from vvdesk.ui.dialogs.preferences import PreferencesDialog
        from vvdesk.ui.dialogs.start_run import NewPromptDialog, StartRunDialog

        dialogs = [ConnectorsDialog([], w), NewPromptDialog(w),
                   StartRunDialog(w, [], w.current_index(), ["vid_1"]),
                   CreateExportDialog(w, "Export “Demo archive”", [], [], ""),
                   PreferencesDialog(ColorSchemeChoice.SYSTEM, lambda _c: None, w)]
        for dlg in dialogs:
            qtbot.addWidget(dlg)
            keyboard.tidy(dlg)
            missing += keyboard.unlabelled(dlg)
        w.resize(1024, 640)
        shoot(w, "main-1024x640-keyboard.png")
        assert not missing, "\n".join(sorted(set(missing)))


def test_f1_lists_every_key_the_window_answers_to(qtbot, arun, until, settings, sandbox):
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        select_index(w, until, DEMO_INDEX, "the demo index")
        w.activateWindow()
        w.tab_panes["Media"].table.setFocus()
        qtbot.keyClick(w.tab_panes["Media"].table, Qt.Key.Key_F1)
        until(lambda: getattr(w, "shortcuts_dialog", None) is not None
              and w.shortcuts_dialog.isVisible(), "the keyboard shortcuts")
        dlg = w.shortcuts_dialog
        listed = {(does, keys) for _section, does, keys in dlg.rows()}
        assert ("Upload", "Ctrl+U") in listed and ("Search", "Ctrl+F") in listed
        assert ("Preview: play or pause", "Space") in listed
        assert ("Preview: ten seconds on", "L") in listed
        assert ("Media list: play or pause the preview", "Space") in listed
        # every menu item with a key is there, under its menu, in words
        for top in w.menuBar().actions():
            for act in top.menu().actions():
                if not act.shortcut().isEmpty():
                    assert any(keys == act.shortcut().toString() and "&" not in does
                               for does, keys in listed), act.text()
        shoot(dlg, "keyboard-shortcuts.png")
        dlg.close()

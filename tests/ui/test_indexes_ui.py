"""Indexes through the UI against a real sandbox: list, create, delete, defaults toggle."""

from __future__ import annotations

import asyncio

import pytest

from tests.ui.helpers import add_profile, names, running_app
from vvdesk.app import Options
from vvdesk.ui.dialogs import ask

pytestmark = pytest.mark.usefixtures("secret_service")


def sdk_index_names(sandbox, arun) -> list[str]:
    from videovector import AsyncVideoVector

    async def load() -> list[str]:
        async with AsyncVideoVector(api_key=sandbox.api_key, base_url=sandbox.base_url,
                                    max_retries=0) as vv:
            return [ix.name for ix in await vv.indexes.list(include_defaults=False)]

    return arun(load())


def test_window_lists_sandbox_indexes_and_create_then_delete(
        qtbot, arun, until, settings, sandbox, monkeypatch):
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        until(lambda: len(names(w)) > 0, "the index list to fill from the sandbox")
        assert "connected" in w.conn_label.text()
        assert "local" in w.windowTitle()

        monkeypatch.setattr(ask.NameDialog, "ask", classmethod(lambda *a, **k: "Archive 2026"))
        w.indexes.act_new.trigger()
        until(lambda: "Archive 2026" in names(w), "the new index in the list")
        assert "Archive 2026" in sdk_index_names(sandbox, arun)
        current = w.indexes.current_index()
        assert current is not None and current.name == "Archive 2026"
        assert "Archive 2026" in w.tab_panes["Automations"].title.text()  # tabs follow

        asked: list[str] = []
        monkeypatch.setattr(ask, "confirm", lambda _p, _t, text, _o: asked.append(text) or True)
        w.indexes.act_delete.trigger()
        assert asked and "Archive 2026" in asked[0]
        until(lambda: "Archive 2026" not in names(w), "the deleted index to leave the list")
        assert "Archive 2026" not in sdk_index_names(sandbox, arun)


def test_delete_is_cancelled_when_not_confirmed(qtbot, arun, until, settings, sandbox,
                                                monkeypatch):
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        monkeypatch.setattr(ask.NameDialog, "ask", classmethod(lambda *a, **k: "Keep me"))
        w.indexes.act_new.trigger()
        until(lambda: "Keep me" in names(w), "the new index")
        monkeypatch.setattr(ask, "confirm", lambda *a: False)
        w.indexes.act_delete.trigger()
        arun(asyncio.sleep(0.5))
        assert "Keep me" in names(w)
        assert "Keep me" in sdk_index_names(sandbox, arun)


def test_default_indexes_toggle_hides_shared_demo_index(qtbot, arun, until, settings, sandbox):
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        until(lambda: any(ix.is_default for ix in w.index_model.rows()),
              "the shared demo index to be listed")
        w.indexes.include_defaults.setChecked(False)
        until(lambda: not any(ix.is_default for ix in w.index_model.rows()),
              "the shared demo index to be hidden")
        assert settings.include_default_indexes is False
        assert len(names(w)) > 0


def test_wrong_key_shows_plain_message_and_offers_profiles(qtbot, arun, until, settings,
                                                           sandbox):
    add_profile(arun, settings, "badkey", sandbox.base_url, "sk_live_" + "0" * 48)
    with running_app(qtbot, arun, settings, Options(profile="badkey")) as app:
        w = app.window
        until(lambda: w.banner.isVisible(), "the error banner")
        assert "API key was not accepted" in w.banner.label.text()
        assert w.banner.action.text() == "Open Profiles…"
        assert "key rejected" in w.conn_label.text()
        assert names(w) == []
        assert "sk_live_" not in w.banner.label.text()


def test_switching_profiles_replaces_the_list_and_status(qtbot, arun, until, settings, sandbox,
                                                         tmp_path):
    from tests.sandbox_proc import SandboxProcess

    add_profile(arun, settings, "first", sandbox.base_url, sandbox.api_key)
    with SandboxProcess(tmp_path / "other", api_key="sk_test_" + "b2" * 24,
                        seed_demo=False) as other:
        add_profile(arun, settings, "second", other.base_url, other.api_key)
        with running_app(qtbot, arun, settings, Options(profile="first")) as app:
            w = app.window
            until(lambda: "Demo archive" in names(w), "the first profile's indexes")
            w._fill_connect_menu()
            entries = [a.text() for a in w.connect_menu.actions() if a.text()]
            assert entries == ["Sandbox (local)", "first", "second"]
            next(a for a in w.connect_menu.actions() if a.text() == "second").trigger()
            until(lambda: "second" in w.conn_label.text() and "connected" in w.conn_label.text(),
                  "the switch to the second profile")
            until(lambda: "Demo archive" not in names(w), "the first profile's list to go")
            assert settings.last_profile == "second"


def test_last_selected_index_is_restored_per_profile(qtbot, arun, until, settings, sandbox):
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        until(lambda: w.indexes.current_index() is not None, "a first selection")
        first = w.indexes.current_index()
        other = next(ix for ix in w.index_model.rows() if ix.index_id != first.index_id)
        w.indexes.select(other.index_id)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        until(lambda: w.indexes.current_index() is not None, "the restored selection")
        assert w.indexes.current_index().index_id == other.index_id


def test_delete_and_refresh_keys_act_on_the_focused_list(qtbot, arun, until, settings, sandbox,
                                                         monkeypatch):
    """Del and F5 exist in the index list and the media table: each acts where the focus is
    (window-wide duplicates would be ambiguous in Qt and do nothing)."""
    from PySide6.QtCore import Qt

    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        monkeypatch.setattr(ask.NameDialog, "ask", classmethod(lambda *a, **k: "Key target"))
        w.indexes.act_new.trigger()
        until(lambda: getattr(w.indexes.current_index(), "name", "") == "Key target",
              "the new index selected")
        asked: list[str] = []
        monkeypatch.setattr(ask, "confirm", lambda _p, _t, text, _o: asked.append(text) or False)
        w.activateWindow()
        w.indexes.view.setFocus()
        qtbot.keyClick(w.indexes.view, Qt.Key.Key_Delete)
        assert len(asked) == 1 and "Key target" in asked[0]
        media = w.tab_panes["Media"]
        w.tabs.setCurrentWidget(media)
        w.indexes.select("idx_demo_archive")
        until(lambda: media.model.rowCount() > 0, "the demo media")
        media.table.setFocus()
        media.table.selectRow(0)
        qtbot.keyClick(media.table, Qt.Key.Key_Delete)
        assert len(asked) == 2 and "Demo archive" not in asked[1]  # a media item, not the index


def test_while_loading_the_toolbar_stays_on_top_and_the_message_fills_the_list_area(qtbot):
    from vvdesk.models.indexes import IndexListModel
    from vvdesk.ui.panes.indexes import IndexesPane

    pane = IndexesPane(IndexListModel(), True)
    qtbot.addWidget(pane)
    pane.resize(280, 480)
    pane.set_status("Loading indexes…")
    pane.show()
    qtbot.waitExposed(pane)
    assert pane.view.isHidden() and pane.placeholder.isVisible()
    assert pane.filter.geometry().bottom() < 100  # not pushed down the pane
    assert pane.placeholder.height() > 300

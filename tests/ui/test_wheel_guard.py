"""The mouse wheel over a form scrolls the form; it never changes an unfocused combo box or
spin box passing under the pointer (vvdesk/ui/wheel_guard.py)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QScrollArea, QSpinBox, QWidget

from tests.sdk_calls import new_index
from tests.ui.helpers import add_profile, running_app, select_index
from vvdesk.app import Options
from vvdesk.ui.dialogs.create_export import CreateExportDialog

pytestmark = pytest.mark.usefixtures("secret_service")


def wheel(widget: QWidget, notches: int = -1) -> None:
    """One wheel step over the middle of the widget (negative: towards the user = down)."""
    pos = QPointF(widget.width() / 2, widget.height() / 2)
    QApplication.sendEvent(widget, QWheelEvent(
        pos, widget.mapToGlobal(pos), QPoint(0, 0), QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
        False))


def test_wheel_scrolls_the_automations_form_instead_of_changing_its_choices(
        qtbot, arun, until, settings, sandbox):
    index_id = new_index(sandbox, arun, "Wheel guard")
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        w.resize(820, 520)  # small enough that the two forms need scrolling
        select_index(w, until, index_id, "the new index in the list")
        pane = w.tab_panes["Automations"]
        w.tabs.setCurrentWidget(pane)
        form = pane.forms["import"]
        until(lambda: form.isEnabled(), "the automations to load")
        debounce = form.debounce
        assert debounce.currentData() == "10m"
        assert debounce.focusPolicy() == Qt.FocusPolicy.StrongFocus  # the wheel can't focus it
        scroll = pane.findChild(QScrollArea)
        bar = scroll.verticalScrollBar()
        assert bar.maximum() > 0, "the form does not scroll at this size; the test proves nothing"
        before = bar.value()

        for _ in range(3):
            wheel(debounce)
            wheel(form.connector)
            wheel(pane.forms["export"].connector)
        assert debounce.currentData() == "10m"
        assert form.connector.currentIndex() == 0
        assert pane.forms["export"].connector.currentIndex() == 0
        assert not pane.is_dirty()
        assert bar.value() > before  # the form scrolled instead

        debounce.setFocus()  # a focused control still takes the wheel (keyboard users' habit)
        until(lambda: debounce.hasFocus(), "the focus on the combo box")
        wheel(debounce)
        assert debounce.currentData() != "10m"
        assert pane.is_dirty()


def test_wheel_over_the_export_dialog_leaves_the_connector_and_numbers_alone(
        qtbot, arun, until, settings, sandbox):
    from videovector import AsyncVideoVector

    async def two_connectors():
        async with AsyncVideoVector(api_key=sandbox.api_key, base_url=sandbox.base_url,
                                    max_retries=0) as vv:
            return [await vv.connectors.create_s3(
                name=f"Wheel {n}", bucket=f"wheel-{n}", region="eu-west-1",
                aws_access_key_id="AKIA_TEST", aws_secret_access_key="s", scopes=["export"])
                for n in (1, 2)]

    connectors = arun(two_connectors())
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        dlg = CreateExportDialog(app.window, "Export", None, connectors)
        qtbot.addWidget(dlg)
        dlg.show()
        dlg.to_connector.setChecked(True)
        dlg.subpath.setFocus()
        spin = QSpinBox(dlg, minimum=0, maximum=100, value=10)  # any spin box, same rule
        spin.show()
        assert dlg.connector.currentData() == connectors[0].connector_id
        for _ in range(3):
            wheel(dlg.connector)
            wheel(spin, 1)
        assert dlg.connector.currentData() == connectors[0].connector_id
        assert spin.value() == 10
        assert dlg.answer()["connector_id"] == connectors[0].connector_id

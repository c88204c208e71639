"""The test-hygiene checks (tests/leftovers.py) find what a test leaves and say where from."""

from __future__ import annotations

import asyncio

import shiboken6
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel

from tests import leftovers


class Poller(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("media.status")
        self.timer = QTimer(self)
        self.timer.setObjectName("tick")
        self.timer.start(1000)


def test_an_active_timer_is_found_and_named_by_its_parents(qtbot):
    poller = Poller()
    found = leftovers.active_timers()
    assert id(poller.timer) in found
    assert leftovers.describe_timer(poller.timer) == (
        "active repeating QTimer (1000 ms): QTimer 'tick' in Poller 'media.status'")
    poller.timer.stop()
    assert id(poller.timer) not in leftovers.active_timers()
    poller.deleteLater()
    leftovers.settle_qt()
    assert not shiboken6.isValid(poller)


def test_a_shown_window_counts_but_a_hidden_qt_helper_does_not(qtbot):
    shown = QLabel("shown")
    shown.setObjectName("status")
    shown.show()
    hidden_qt = QLabel("hidden")  # e.g. Qt's own lazily made popups
    try:
        assert leftovers.is_ours_or_shown(shown) and not leftovers.is_ours_or_shown(hidden_qt)
        assert leftovers.describe_widget(shown) == (
            "shown top-level PySide6.QtWidgets.QLabel 'status'")
    finally:
        leftovers.clean_up([], [shown, hidden_qt])
    assert not shiboken6.isValid(shown)


def test_a_running_task_is_named_with_where_it_waits(arun):
    async def poll_forever() -> None:
        await asyncio.sleep(3600)

    async def scenario() -> str:
        task = asyncio.get_running_loop().create_task(poll_forever(), name="exports.poll")
        await asyncio.sleep(0)
        text = leftovers.describe_task(task)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return text

    text = arun(scenario())
    assert text.startswith("task 'exports.poll' running ")
    assert "poll_forever()" in text and "test_leftovers.py:" in text

"""Light and dark, readable colours, and a window that fits small screens and long names."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import QHelpEvent, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QToolTip, QWidget

from tests.ui.helpers import add_profile, running_app, select_index, shoot
from vvdesk.app import Options
from vvdesk.settings import ColorSchemeChoice
from vvdesk.ui import theme
from vvdesk.ui.dialogs.preferences import PreferencesDialog
from vvdesk.ui.main_window import MainWindow, fitted_size
from vvdesk.ui.theme import AA, Tone, contrast
from vvdesk.ui.widgets.banner import Banner

SCHEMES = {"light": ColorSchemeChoice.LIGHT, "dark": ColorSchemeChoice.DARK}


@pytest.fixture
def restore_theme(qapp) -> Iterator[None]:
    """The palette is application-wide: put the default back for the next test."""
    yield
    theme.apply(ColorSchemeChoice.SYSTEM)


def window_color(role: QPalette.ColorRole):
    return QApplication.palette().color(role)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_banner_and_status_colour_meets_wcag_aa(qtbot, restore_theme, scheme):
    theme.apply(SCHEMES[scheme])
    dark = theme.is_dark(QApplication.palette())
    assert dark == (scheme == "dark")
    window, base = window_color(QPalette.ColorRole.Window), window_color(QPalette.ColorRole.Base)
    ratios: dict[str, float] = {}
    banner = Banner()
    qtbot.addWidget(banner)
    for tone in Tone:
        colors = theme.banner_colors(tone)
        ratios[f"banner {tone}"] = contrast(colors.text, colors.background)
        banner.show_message("Something happened.", tone)
        assert colors.text.name() in banner.styleSheet()  # the strip uses these colours
        color = theme.status_color(tone)
        ratios[f"{tone} text on the window"] = contrast(color, window)
        ratios[f"{tone} text on a list or field"] = contrast(color, base)
        label = QLabel("Pick a connector first.")
        qtbot.addWidget(label)
        theme.set_tone(label, tone)
        ratios[f"{tone} label"] = contrast(label.palette().color(QPalette.ColorRole.WindowText),
                                           window)
    banner.resize(640, banner.sizeHint().height())
    banner.show_message("Uploading “night-shift.mp4” failed: the server is busy. "
                        "It is retried in a minute.", Tone.ERROR, "Retry now", lambda: None)
    shoot(banner, f"banner-error-{scheme}.png")
    low = {k: round(v, 2) for k, v in ratios.items() if v < AA}
    assert not low, f"below 4.5:1 in the {scheme} scheme: {low}"


def test_the_old_fixed_colours_fail_on_dark_which_is_why_they_are_derived(qapp, restore_theme):
    """The check above can fail: the colours used before this module fail it on dark."""
    from PySide6.QtGui import QColor

    theme.apply(ColorSchemeChoice.DARK)
    assert contrast(QColor("#b3261e"), window_color(QPalette.ColorRole.Window)) < AA
    old_banner = QColor("#fde7e9")  # the old pink strip under the palette's light text
    assert contrast(window_color(QPalette.ColorRole.WindowText), old_banner) < AA


def test_tones_follow_a_scheme_change_while_shown(qtbot, restore_theme):
    label = QLabel("Wrong folder")
    qtbot.addWidget(label)
    theme.apply(ColorSchemeChoice.LIGHT)
    theme.set_tone(label, Tone.ERROR)
    light = label.palette().color(QPalette.ColorRole.WindowText)
    theme.apply(ColorSchemeChoice.DARK)
    dark = label.palette().color(QPalette.ColorRole.WindowText)
    assert dark != light
    assert contrast(dark, window_color(QPalette.ColorRole.Window)) >= AA
    theme.set_tone(label, None)
    assert label.palette().color(QPalette.ColorRole.WindowText) == window_color(
        QPalette.ColorRole.WindowText)


def test_system_choice_follows_the_os_scheme(qapp, restore_theme):
    theme.apply(ColorSchemeChoice.SYSTEM, system=Qt.ColorScheme.Dark)
    assert theme.is_dark(QApplication.palette())
    theme.apply(ColorSchemeChoice.SYSTEM, system=Qt.ColorScheme.Light)
    assert not theme.is_dark(QApplication.palette())
    theme.apply(ColorSchemeChoice.LIGHT, system=Qt.ColorScheme.Dark)  # the user's word wins
    assert not theme.is_dark(QApplication.palette())


def test_preferences_dialog_previews_and_the_choice_is_remembered(qtbot, settings,
                                                                  restore_theme, monkeypatch):
    previewed: list[ColorSchemeChoice] = []
    dlg = PreferencesDialog(ColorSchemeChoice.SYSTEM, previewed.append)
    qtbot.addWidget(dlg)
    assert dlg.choice() is ColorSchemeChoice.SYSTEM
    dlg.buttons[ColorSchemeChoice.DARK].click()
    assert previewed == [ColorSchemeChoice.DARK] and dlg.choice() is ColorSchemeChoice.DARK

    w = MainWindow(settings)
    qtbot.addWidget(w)
    assert w.act_preferences in w.menuBar().actions()[0].menu().actions()
    assert w.act_preferences.shortcut() != w.act_profiles.shortcut()

    def choose_dark(cls, parent, current, preview):
        preview(ColorSchemeChoice.DARK)
        return ColorSchemeChoice.DARK

    monkeypatch.setattr(PreferencesDialog, "ask", classmethod(choose_dark))
    w.banner.show_message("Uploading failed: the server is busy.", "error")
    w.act_preferences.trigger()
    assert settings.color_scheme is ColorSchemeChoice.DARK
    assert theme.is_dark(QApplication.palette())
    qtbot.waitUntil(  # a shown banner is recoloured (Qt posts the palette change)
        lambda: theme.banner_colors(Tone.ERROR).background.name() in w.banner.styleSheet())

    # cancelled: the previous look comes back and nothing is saved
    monkeypatch.setattr(PreferencesDialog, "ask", classmethod(
        lambda cls, parent, current, preview: preview(ColorSchemeChoice.LIGHT)))
    w.act_preferences.trigger()
    assert settings.color_scheme is ColorSchemeChoice.DARK
    assert theme.is_dark(QApplication.palette())

    theme.apply(ColorSchemeChoice.SYSTEM)
    again = MainWindow(settings)  # the next start uses the remembered choice
    qtbot.addWidget(again)
    assert theme.is_dark(QApplication.palette())


# small screens ---------------------------------------------------------------------------
def test_first_window_fits_a_small_screen(qtbot, settings):
    small = QRect(0, 0, 1024, 640)
    size = fitted_size(small)
    assert size.width() <= 1024 and size.height() <= 640 - 40  # room for the title bar
    # bigger screens: most of the screen, never less than 1100x700, never a wall
    assert fitted_size(QRect(0, 0, 1440, 900)) == QSize(1267, 792)
    assert fitted_size(QRect(0, 0, 1920, 1080)) == QSize(1680, 950)
    assert fitted_size(QRect(0, 0, 3840, 2160)) == QSize(1680, 1050)
    assert fitted_size(QRect(0, 0, 1200, 760)) == QSize(1100, 700)

    w = MainWindow(settings)  # the offscreen screen is 800x800: smaller than 1100 wide
    qtbot.addWidget(w)
    w.show()
    available = w.screen().availableGeometry()
    assert available.contains(w.frameGeometry()), (w.frameGeometry(), available)
    assert available.contains(w.statusBar().geometry().translated(w.geometry().topLeft()))


def test_a_size_saved_on_a_bigger_screen_is_fitted_again(qtbot, settings):
    big = MainWindow(settings)
    qtbot.addWidget(big)
    big.setGeometry(40, 40, 1600, 1000)
    big.close()  # saves its geometry
    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.show()
    assert w.screen().availableGeometry().contains(w.frameGeometry())


@pytest.mark.usefixtures("secret_service")
def test_long_names_elide_instead_of_widening_the_window(qtbot, arun, until, settings,
                                                         sandbox, restore_theme):
    from vvdesk.api.client import make_client

    long_name = "Archive " + "of the long winter evenings " * 9  # the API allows 255
    long_name = long_name[:255]
    long_title = "interview_" + "x" * 230 + ".mp4"

    async def setup():
        vv = make_client(sandbox.base_url, sandbox.api_key)
        try:
            index = await vv.indexes.create(name=long_name)
            f = io.BytesIO(b"\0" * 4000)
            f.name = "clip.mp4"
            job = await vv.videos.upload(file=f, title=long_title, index_id=index.index_id)
            while job.status not in ("completed", "failed"):
                await asyncio.sleep(0.05)
                job = await vv.import_jobs.retrieve(job.job_id)
            return index
        finally:
            await vv.close()

    index = arun(setup(), 60)
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        w = app.window
        w.resize(1000, 600)
        assert w.minimumSizeHint().width() <= 800
        select_index(w, until, index.index_id, "the long-named index")
        media = w.tab_panes["Media"]
        until(lambda: media.model.rowCount() == 1, "the long-titled media")
        media.table.selectRow(0)
        for tab in range(w.tabs.count()):
            w.tabs.setCurrentIndex(tab)
            arun(asyncio.sleep(0.1))
            wide = [(type(c).__name__, c.objectName(), c.minimumSizeHint().width(),
                     str(getattr(c, "text", lambda: "")())[:60])
                    for c in w.tabs.currentWidget().findChildren(QWidget)
                    if c.minimumSizeHint().width() > 500]
            assert w.width() == 1000, f"tab {w.tabs.tabText(tab)} widened the window: {wide}"
            assert w.minimumSizeHint().width() <= 800, w.tabs.tabText(tab)
        w.statusBar().showMessage(f"Created index “{long_name}”.")
        bar = w.statusBar()
        assert bar.shown_message().endswith("…") and long_name in bar.toolTip()
        w.set_connection(long_name, "connected")
        assert w.minimumSizeHint().width() <= 800
        assert long_name in w.conn_label.toolTip()
        view = w.indexes.view  # the list elides the name; hovering shows all of it
        rect = view.visualRect(view.currentIndex())
        QApplication.sendEvent(view.viewport(), QHelpEvent(
            QEvent.Type.ToolTip, rect.center(), view.viewport().mapToGlobal(rect.center())))
        assert long_name in QToolTip.text()
        QToolTip.hideText()
        automations = w.tab_panes["Automations"]
        assert long_name in automations.title.text()
        w.tabs.setCurrentWidget(automations)
        until(lambda: automations.forms["import"].isEnabled(), "the automations form")
        automations.forms["import"].pattern.setText("")  # edited, then Save: inline errors
        assert not automations.save()
        arun(asyncio.sleep(0.1))
        assert automations.dirty_label.shown_text() == automations.dirty_label.text()
        shoot(w, "long-names-light.png")
        theme.apply(ColorSchemeChoice.DARK)
        arun(asyncio.sleep(0.1))
        shoot(w, "long-names-dark.png")


def test_a_cut_off_cell_shows_its_full_text_on_hover(qtbot):
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QTableView

    from vvdesk.ui.widgets.elided import CellTips

    path = "/home/me/" + "very long folder name/" * 12 + "interview.mp4"
    model = QStandardItemModel(2, 1)
    model.setItem(0, 0, QStandardItem(path))
    model.setItem(1, 0, QStandardItem("short.mp4"))
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setColumnWidth(0, 200)
    view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    CellTips(view)
    view.show()

    def hover(row: int) -> str:
        QToolTip.hideText()
        qtbot.waitUntil(lambda: not QToolTip.isVisible())
        rect = view.visualRect(model.index(row, 0))
        QApplication.sendEvent(view.viewport(), QHelpEvent(
            QEvent.Type.ToolTip, rect.center(), view.viewport().mapToGlobal(rect.center())))
        return QToolTip.text() if QToolTip.isVisible() else ""

    assert hover(0) == path
    assert hover(1) == ""  # nothing was cut: no tooltip repeating what is on screen


def _ring_pixels(widget: QWidget) -> int:
    """Pixels of the palette's highlight colour in the 2 px around the widget (in its
    parent, where the ring is drawn; the widget's own selected rows do not count)."""
    around = widget.geometry().adjusted(-2, -2, 2, 2)
    img = widget.parentWidget().grab(around).toImage()
    hl = widget.palette().highlight().color()
    w, h, n = img.width(), img.height(), 0
    for x in range(w):
        for y in range(h):
            if 2 <= x < w - 2 and 2 <= y < h - 2:
                continue
            c = img.pixelColor(x, y)
            n += (abs(c.red() - hl.red()) + abs(c.green() - hl.green())
                  + abs(c.blue() - hl.blue())) < 60
    return n


@pytest.mark.parametrize("scheme", SCHEMES)
def test_keyboard_focus_shows_a_ring_mouse_focus_does_not(qtbot, restore_theme, scheme):
    from PySide6.QtWidgets import QHBoxLayout, QListWidget, QPushButton, QToolButton

    theme.apply(SCHEMES[scheme])
    box = QWidget()
    qtbot.addWidget(box)
    lay = QHBoxLayout(box)
    first, tool, names = QPushButton("First"), QToolButton(), QListWidget()
    tool.setText("Upload")
    tool.setAutoRaise(True)  # as on the pane toolbars, where Fusion draws no focus at all
    tool.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    names.addItems(["Demo archive", "Sample library"])
    names.setCurrentRow(0)  # a selected row hid Fusion's focus mark of the current cell
    for w in (first, tool, names):
        lay.addWidget(w)
    box.resize(420, 160)
    box.show()
    box.activateWindow()
    qtbot.waitActive(box)
    tool.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.waitUntil(tool.hasFocus)
    assert _ring_pixels(tool) == 0  # not by keyboard: the usual look
    first.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.waitUntil(first.hasFocus)
    qtbot.keyClick(first, Qt.Key.Key_Tab)  # by keyboard: a ring around where focus is
    qtbot.waitUntil(tool.hasFocus)
    assert _ring_pixels(tool) > 2 * (tool.width() + tool.height()), "no ring on the button"
    qtbot.keyClick(tool, Qt.Key.Key_Tab)
    qtbot.waitUntil(names.hasFocus)
    assert _ring_pixels(names) > 2 * (names.width() + names.height()), "no ring on the list"
    assert _ring_pixels(tool) == 0  # gone from where focus left
    qtbot.mouseClick(first, Qt.MouseButton.LeftButton)  # a click: the ring goes
    qtbot.waitUntil(first.hasFocus)
    assert _ring_pixels(first) == 0 and _ring_pixels(names) == 0

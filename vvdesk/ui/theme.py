"""Light and dark: the palette in use, and the colours that carry meaning, derived from it.

Errors, warnings, successes and notes (banners, inline field errors, the connection dot)
are not fixed hex values: a red that reads well on white is unreadable on a dark window.
Each colour here is computed from the current palette and moved towards black or white
until its text meets WCAG AA contrast (4.5:1) against what it is drawn on.

The look follows the operating system's light/dark setting (Qt's colour scheme) unless the
user picked Light or Dark in Preferences. Where the platform's own palette already fits the
wanted scheme it is kept (native look); otherwise a Fusion palette of that scheme is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget

from vvdesk.settings import ColorSchemeChoice
from vvdesk.ui import focus_ring

AA = 4.5  # WCAG 2 AA for normal-size text


class Tone(StrEnum):
    """What a coloured message means (banners, inline errors, status dots)."""

    ERROR = "error"
    WARNING = "warning"
    SUCCESS = "success"
    INFO = "info"


# Hues as designed for a light window; the dark scheme starts from lighter tints of them.
HUES = {Tone.ERROR: "#b3261e", Tone.WARNING: "#8a5a00", Tone.SUCCESS: "#1b7f3b",
        Tone.INFO: "#1a5fb4"}
_TONE_PROPERTY = "vvdesk_tone"


# colour arithmetic ----------------------------------------------------------------------
def luminance(color: QColor) -> float:
    """WCAG relative luminance (0 black … 1 white)."""

    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    return (0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF())
            + 0.0722 * channel(color.blueF()))


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio, 1 (same) … 21 (black on white)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """a moved the fraction t of the way to b."""
    return QColor.fromRgbF(a.redF() + (b.redF() - a.redF()) * t,
                           a.greenF() + (b.greenF() - a.greenF()) * t,
                           a.blueF() + (b.blueF() - a.blueF()) * t)


def readable(color: QColor, *backgrounds: QColor, ratio: float = AA) -> QColor:
    """color, moved towards white (dark backgrounds) or black (light ones) just far enough
    to reach `ratio` against every background."""
    dark_ground = luminance(backgrounds[0]) < 0.18
    target = QColor("white") if dark_ground else QColor("black")
    for step in range(41):
        candidate = mix(color, target, step / 40)
        if all(contrast(candidate, bg) >= ratio for bg in backgrounds):
            return candidate
    return target


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5


# colours with a meaning --------------------------------------------------------------------
def current_palette() -> QPalette:
    return QGuiApplication.palette()


def status_color(tone: Tone, palette: QPalette | None = None) -> QColor:
    """Text colour for a tone, readable on the window and on list/field backgrounds."""
    pal = palette or current_palette()
    hue = QColor(HUES[tone])
    if is_dark(pal):
        hue = mix(hue, QColor("white"), 0.45)
    return readable(hue, pal.color(QPalette.ColorRole.Window),
                    pal.color(QPalette.ColorRole.Base))


@dataclass(frozen=True)
class BannerColors:
    background: QColor
    border: QColor
    text: QColor


def banner_colors(tone: Tone, palette: QPalette | None = None) -> BannerColors:
    """A tinted strip in the window's own lightness, with text readable on it."""
    pal = palette or current_palette()
    window = pal.color(QPalette.ColorRole.Window)
    hue = QColor(HUES[tone])
    background = mix(window, hue, 0.28 if is_dark(pal) else 0.13)
    text = readable(pal.color(QPalette.ColorRole.WindowText), background)
    return BannerColors(background, mix(window, hue, 0.55), text)


def banner_style_sheet(tone: Tone, palette: QPalette | None = None) -> str:
    c = banner_colors(tone, palette)
    return (f"Banner {{ background:{c.background.name()}; border:1px solid {c.border.name()};"
            f" border-radius:4px; }} Banner QLabel {{ color:{c.text.name()}; }}")


MATCH_HUE = "#f5c211"  # a marker-pen yellow for the words a search matched


def match_colors(palette: QPalette | None = None,
                 selected: bool = False) -> tuple[QColor, QColor]:
    """(background, text) of a matched word in a list cell: a tint of the cell's own
    background (or selection) with text that stays readable on it, light or dark."""
    pal = palette or current_palette()
    ground = pal.color(QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Base)
    strength = 0.75 if selected else (0.35 if is_dark(pal) else 0.6)
    background = mix(ground, QColor(MATCH_HUE), strength)
    text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
    return background, readable(pal.color(text_role), background)


def match_mark_color(palette: QPalette | None = None) -> QColor:
    """The search-match marks on a timeline: the marker-pen hue, deepened on a light track
    until it stands out from it (and from the green of processed segments)."""
    pal = palette or current_palette()
    return readable(QColor(MATCH_HUE), pal.color(QPalette.ColorRole.Base), ratio=3.0)


def set_tone(widget: QWidget, tone: Tone | None) -> None:
    """Colour a label's text by meaning (None: back to normal); kept right on theme changes."""
    widget.setProperty(_TONE_PROPERTY, tone.value if tone else "")
    _paint_tone(widget)


def _paint_tone(widget: QWidget) -> None:
    raw = widget.property(_TONE_PROPERTY)
    if not raw:
        widget.setPalette(QPalette())  # inherit again
        return
    pal = QPalette(widget.palette())
    color = status_color(Tone(raw))
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text):
            pal.setColor(group, role, color)
    widget.setPalette(pal)


# palettes ----------------------------------------------------------------------------------
def fusion_palette(dark: bool) -> QPalette:
    """The palette used when the platform's own does not match the wanted scheme."""
    style = QStyleFactory.create("Fusion")
    pal = QPalette(style.standardPalette())
    if not dark:
        return pal
    R, G = QPalette.ColorRole, QPalette.ColorGroup
    colors = {
        R.Window: "#2b2b2e", R.WindowText: "#e8e8e8", R.Base: "#1f1f22",
        R.AlternateBase: "#28282b", R.ToolTipBase: "#3a3a3e", R.ToolTipText: "#f0f0f0",
        R.Text: "#e8e8e8", R.Button: "#38383c", R.ButtonText: "#e8e8e8",
        R.BrightText: "#ffffff", R.Light: "#4a4a4f", R.Midlight: "#3e3e42",
        R.Mid: "#2f2f33", R.Dark: "#1a1a1c", R.Shadow: "#000000", R.Highlight: "#2f65b8",
        R.HighlightedText: "#ffffff", R.Link: "#8ab4f8", R.LinkVisited: "#c58af9",
        R.PlaceholderText: "#a0a0a6",
    }
    for role, value in colors.items():
        pal.setColor(role, QColor(value))
    for role in (R.WindowText, R.Text, R.ButtonText):
        pal.setColor(G.Disabled, role, QColor("#85858b"))
    pal.setColor(G.Disabled, R.Highlight, QColor("#45454a"))
    return pal


def wants_dark(choice: ColorSchemeChoice, system: Qt.ColorScheme) -> bool:
    if choice is ColorSchemeChoice.SYSTEM:
        return system == Qt.ColorScheme.Dark
    return choice is ColorSchemeChoice.DARK


class _Theme(QObject):
    """The applied choice. Widgets that draw tone colours themselves (rich text, style
    sheets) redo them on QEvent.PaletteChange, which Qt sends to every widget."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.app = app
        self.choice: ColorSchemeChoice | None = None  # None: nothing applied yet
        self.native = QPalette(app.palette())
        self.forced: QPalette | None = None  # our palette, when the platform's did not fit
        app.styleHints().colorSchemeChanged.connect(self._system_changed)
        focus_ring.install(app)

    def apply(self, choice: ColorSchemeChoice, system: Qt.ColorScheme | None = None) -> None:
        hints = self.app.styleHints()
        self.choice = choice
        if choice is ColorSchemeChoice.SYSTEM:
            hints.unsetColorScheme()
        else:
            hints.setColorScheme(Qt.ColorScheme.Dark if choice is ColorSchemeChoice.DARK
                                 else Qt.ColorScheme.Light)
        dark = wants_dark(choice, hints.colorScheme() if system is None else system)
        if self.forced is None:
            self.native = QPalette(self.app.palette())  # what the platform gives now
        if is_dark(self.native) == dark:
            self.forced = None
            self.app.setPalette(QPalette())  # back to following the platform's own
        else:
            if self.app.style().name().lower() not in ("fusion", "windows11"):
                self.app.setStyle("Fusion")  # older native styles ignore custom palettes
            self.forced = fusion_palette(dark)
            self.app.setPalette(self.forced)
        for widget in self.app.allWidgets():
            if widget.property(_TONE_PROPERTY):
                _paint_tone(widget)

    def _system_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self.choice is ColorSchemeChoice.SYSTEM:
            self.apply(ColorSchemeChoice.SYSTEM)


_theme: _Theme | None = None


def theme() -> _Theme:
    """The one theme object of the application (created on first use)."""
    global _theme
    if _theme is None:
        app = QApplication.instance()
        assert isinstance(app, QApplication), "the theme needs the QApplication"
        _theme = _Theme(app)
    return _theme


def apply(choice: ColorSchemeChoice, system: Qt.ColorScheme | None = None) -> None:
    """Use this scheme now (system: pretend the OS reports this, for tests and previews)."""
    theme().apply(choice, system)

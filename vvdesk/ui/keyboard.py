"""Keyboard and assistive-technology conventions applied to a whole widget tree.

- Tab moves between areas; arrow keys move inside lists: item views never take Tab for
  themselves (a QTableView does by default, so Tab in the index list moved to the next index
  and never left the list).
- Toolbar buttons take Tab focus (they are NoFocus by default) and show a themed icon with
  the text beside it.
- Every control gets an accessible name: its own text, the label of its form row, or its
  placeholder. Tooltips are written by hand where the control is made; `unlabelled()` lists
  controls still without one (the accessibility test fails on them).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QStyle,
    QTabBar,
    QTextEdit,
    QToolBar,
    QToolButton,
    QWidget,
)

SP = QStyle.StandardPixmap
# A pane's action attribute → (freedesktop icon name, Qt standard icon when the theme has
# none). Keyed by the attribute the code uses, never by the label a person reads.
ICONS: dict[str, tuple[str, QStyle.StandardPixmap]] = {
    "act_new": ("document-new", SP.SP_FileDialogNewFolder),
    "act_delete": ("edit-delete", SP.SP_TrashIcon),
    "act_refresh": ("view-refresh", SP.SP_BrowserReload),
    "act_upload": ("document-send", SP.SP_ArrowUp),
    "act_register": ("insert-link", SP.SP_FileLinkIcon),
    "act_start": ("media-playback-start", SP.SP_MediaPlay),
    "act_prompt": ("document-edit", SP.SP_FileDialogDetailedView),
    "act_cancel": ("process-stop", SP.SP_BrowserStop),
    "act_export": ("document-save-as", SP.SP_DialogSaveButton),
    "act_export_all": ("document-save-all", SP.SP_DialogSaveButton),
    "act_create": ("document-save-as", SP.SP_DialogSaveButton),
    "act_download": ("go-down", SP.SP_ArrowDown),
    "act_again": ("edit-redo", SP.SP_BrowserReload),
    "act_retry": ("view-refresh", SP.SP_BrowserReload),
    "act_retry_all": ("media-seek-forward", SP.SP_MediaSeekForward),
    "act_clear": ("edit-clear", SP.SP_DialogResetButton),
    "act_grid": ("view-grid", SP.SP_FileDialogListView),  # four squares
}

Role = QDialogButtonBox.ButtonRole
_BUTTON_TIPS = {Role.AcceptRole: "Confirm and close (Enter)",
                Role.RejectRole: "Close without changing anything (Esc)",
                Role.YesRole: "Yes (Enter)", Role.NoRole: "No",
                Role.ApplyRole: "Apply the changes", Role.ResetRole: "Undo the changes",
                Role.DestructiveRole: "Discard the changes", Role.HelpRole: "Help"}

INTERACTIVE = (QAbstractButton, QComboBox, QLineEdit, QAbstractSpinBox, QAbstractItemView,
               QPlainTextEdit, QTextEdit, QTabBar)


def describe(widget: QWidget, name: str | None, tip: str) -> None:
    """The accessible name (None: the control's own text) and the tooltip of a control."""
    if name is None:
        name = own_text(widget)
    if name:
        widget.setAccessibleName(name)
    widget.setToolTip(tip)


# Qt's fallbacks for these are black glyphs (arrows, play), invisible on a dark toolbar:
# they are drawn in the palette's button text colour instead, again when the scheme changes
GLYPHS = frozenset({"act_upload", "act_download", "act_start", "act_retry_all"})
TINTED = "vvdesk_glyph"  # dynamic property of an action whose icon is a tinted glyph


def _tinted(icon: QIcon, color: QColor) -> QIcon:
    out = QIcon()
    for size in (16, 22, 24, 32):
        pm = icon.pixmap(size, size)
        if pm.isNull():
            continue
        painter = QPainter(pm)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
        painter.fillRect(pm.rect(), color)
        painter.end()
        out.addPixmap(pm)
    return out


def themed_icon(attr: str) -> QIcon | None:
    spec = ICONS.get(attr)
    if spec is None:
        return None
    name, fallback = spec
    if QIcon.hasThemeIcon(name):
        return QIcon.fromTheme(name)
    icon = QApplication.style().standardIcon(fallback)
    if attr in GLYPHS:
        return _tinted(icon, QApplication.palette().color(QPalette.ColorRole.ButtonText))
    return icon


def icon_actions(owner: object) -> None:
    """Give the `act_*` actions of a pane or dock their icons (text stays beside them)."""
    for attr, value in vars(owner).items():
        if isinstance(value, QAction) and value.icon().isNull() and \
                (icon := themed_icon(attr)) is not None:
            value.setIcon(icon)
            if attr in GLYPHS and not QIcon.hasThemeIcon(ICONS[attr][0]):
                value.setProperty(TINTED, attr)


def retint(root: QWidget) -> None:
    """Redraw the tinted glyphs under `root` in the current palette (light/dark switched)."""
    for act in root.findChildren(QAction):
        attr = act.property(TINTED)
        if isinstance(attr, str) and (icon := themed_icon(attr)) is not None:
            act.setIcon(icon)


def _form_label(widget: QWidget) -> str:
    """The text of the form row label a field sits in, if any."""
    parent = widget.parentWidget()
    while parent is not None:
        layout = parent.layout()
        for form in ([layout] if isinstance(layout, QFormLayout) else []) + \
                parent.findChildren(QFormLayout):
            label = form.labelForField(widget)
            if isinstance(label, QLabel) and label.text():
                return label.text().replace("&", "")
        if parent.isWindow():
            break
        parent = parent.parentWidget()
    return ""


def own_text(widget: QWidget) -> str:
    if isinstance(widget, QAbstractButton):
        return widget.text().replace("&", "").strip()
    if isinstance(widget, QLineEdit):
        return widget.placeholderText()
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        return widget.placeholderText()
    return ""


def tidy(root: QWidget) -> None:
    """Apply the conventions above to `root` and every widget under it (idempotent)."""
    for view in root.findChildren(QAbstractItemView):
        view.setTabKeyNavigation(False)
    for bar in root.findChildren(QToolBar):
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for button in bar.findChildren(QToolButton):
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            act = button.defaultAction()
            if act is not None and not button.accessibleName():
                button.setAccessibleName(act.text().replace("&", "").rstrip("…"))
    for box in root.findChildren(QDialogButtonBox):
        for box_button in box.buttons():
            if not box_button.toolTip():
                box_button.setToolTip(_BUTTON_TIPS.get(box.buttonRole(box_button), ""))
    for w in root.findChildren(QWidget):
        if not isinstance(w, INTERACTIVE) or w.accessibleName():
            continue
        name = own_text(w) or _form_label(w) or w.toolTip().split("\n")[0]
        if name:
            w.setAccessibleName(name.rstrip("…:"))


def unlabelled(root: QWidget) -> list[str]:
    """Interactive controls under `root` without an accessible name or a tooltip, each
    described so a failing test says which one (class, text, object name, parent pane)."""
    missing = []
    for w in [root, *root.findChildren(QWidget)]:
        if not isinstance(w, INTERACTIVE) or _internal(w):
            continue
        tip = w.toolTip()
        if isinstance(w, QToolButton) and w.defaultAction() is not None:
            tip = tip or w.defaultAction().toolTip()
        if not w.accessibleName() or not tip:
            owner = w.parentWidget()
            while owner is not None and not type(owner).__module__.startswith("vvdesk"):
                owner = owner.parentWidget()
            what = "name" if not w.accessibleName() else "tooltip"
            missing.append(f"{type(w).__name__} “{own_text(w)}” ({w.objectName() or '-'}) "
                           f"in {type(owner).__name__ if owner else '?'}: no {what}")
    return missing


def _internal(w: QWidget) -> bool:
    """Parts Qt builds inside other controls (a spin box's line edit, a tab bar's scroll
    buttons, a toolbar's extension button, a combo's popup list): named by their owner."""
    if isinstance(w, QHeaderView):  # a table's header: the table carries the name
        return True
    node: QWidget | None = w
    while node is not None:
        if node.objectName().startswith("qt_"):
            return True
        parent = node.parentWidget()
        if isinstance(parent, QAbstractSpinBox | QComboBox | QTabBar | QLineEdit):
            return True
        if type(node).__name__ == "QComboBoxPrivateContainer":
            return True
        node = parent
    return False

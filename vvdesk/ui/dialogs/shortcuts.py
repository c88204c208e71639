"""Help → Keyboard shortcuts (F1): every key the window answers to, read from the window
itself (its actions' shortcuts, and the pane keys that carry a description), so the list
cannot drift from what the keys do.

A key of a pane (the player's J/K/L, the media list's Space) is a `QShortcut` whose
`whatsThis` says what it does; one without a description is not listed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QMainWindow,
    QMenu,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

PANE_KEYS = "In the preview and the lists"


def plain(text: str) -> str:
    """A menu text as read: no mnemonic ampersands, no trailing ellipsis."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def keys_of(sequences: list[QKeySequence]) -> str:
    return ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in sequences
                     if not s.isEmpty())


def place(act: QAction, window: QMainWindow) -> str:
    """Where an action outside the menus lives: its tab or its panel, by the name shown."""
    tabs = window.findChild(QTabWidget)
    holder = act.parent()
    while holder is not None and holder is not window:
        if isinstance(holder, QDockWidget):
            return holder.windowTitle()
        if isinstance(holder, QWidget) and tabs is not None and tabs.indexOf(holder) >= 0:
            return plain(tabs.tabText(tabs.indexOf(holder)))
        holder = holder.parent()
    return "Window"


def gather(window: QMainWindow) -> dict[str, list[tuple[str, str]]]:
    """Section → (what it does, keys), in menu order, then the pane keys."""
    sections: dict[str, list[tuple[str, str]]] = {}
    seen: set[tuple[str, str]] = set()

    def add(section: str, what: str, keys: str) -> None:
        if keys and (what, keys) not in seen:
            seen.add((what, keys))
            sections.setdefault(section, []).append((what, keys))

    for top in window.menuBar().actions():
        menu = top.menu()
        if isinstance(menu, QMenu):
            for act in menu.actions():
                add(plain(menu.title()), plain(act.text()), keys_of(act.shortcuts()))
    for act in window.findChildren(QAction):  # the panes' own (toolbars, right-click menus)
        add(place(act, window), plain(act.text()), keys_of(act.shortcuts()))
    for shortcut in window.findChildren(QShortcut):
        if shortcut.whatsThis():
            add(PANE_KEYS, shortcut.whatsThis(), keys_of([shortcut.key()]))
    return sections


class ShortcutsDialog(QDialog):
    """Not modal: it can stay open beside the window while the keys are tried."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts")
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Does", "Keys"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAccessibleName("Keyboard shortcuts")
        self.tree.setToolTip("Every key the window answers to")
        for section, rows in gather(window).items():
            head = QTreeWidgetItem([section])
            font = head.font(0)
            font.setBold(True)
            head.setFont(0, font)
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(head)
            for what, keys in rows:
                head.addChild(QTreeWidgetItem([what, keys]))
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)
        self.tree.setColumnWidth(0, self.tree.columnWidth(0) + 24)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        lay = QVBoxLayout(self)
        lay.addWidget(self.tree)
        lay.addWidget(buttons)
        self.resize(560, 520)

    def rows(self) -> list[tuple[str, str, str]]:
        """(section, does, keys) as listed: what a reader sees."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            head = self.tree.topLevelItem(i)
            children = [head.child(j) for j in range(head.childCount())] if head else []
            out += [(head.text(0), c.text(0), c.text(1)) for c in children if head and c]
        return out

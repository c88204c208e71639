"""Browse a connector's bucket like a file browser and pick a folder (or import from it).

A folder tree that loads lazily: the top level is the root's folders and files; expanding
a folder asks for that folder only (`list_requested`), shows "Loading…" under it until the
controller answers with `show_folder` or `show_folder_failed`, and an answer for a folder
that was collapsed meanwhile (or one this dialog did not ask for) is ignored. Folders sort
before files; the file pattern filters the files shown without asking the server again.

The dialog is opened with `open()` (window-modal, no nested event loop); the picked folder
comes out as `folder_chosen`. `root` limits the tree to one folder of the bucket (the
connector's export folder, for export destinations): what is shown and chosen is then
relative to it, while the prefixes asked for and sent with `import_requested` are full keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vvdesk.format import human_size, local_time
from vvdesk.ui.keyboard import describe
from vvdesk.ui.theme import Tone, set_tone
from vvdesk.vocab import exact_pattern, name_matches

NODE_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class FolderNode:
    path: str  # relative to the browser's root, ends with "/"


@dataclass(frozen=True)
class FileNode:
    path: str  # relative to the browser's root
    name: str


class _Placeholder:
    """A 'Loading…' or 'empty' row: shown, never chosen."""


class _Failure(_Placeholder):
    """The row saying why a folder could not be listed (closing the folder clears it)."""


def children(item: QTreeWidgetItem) -> Iterator[QTreeWidgetItem]:
    """The item's children, in order (child(i) is None only past childCount())."""
    for i in range(item.childCount()):
        if (child := item.child(i)) is not None:
            yield child


def folder_of(path: str) -> str:
    return path.rsplit("/", 1)[0] + "/" if "/" in path else ""


class BrowseConnectorDialog(QDialog):
    list_requested = Signal(str, str)  # connector id, full key prefix of the folder to list
    folder_chosen = Signal(str)  # the folder picked (relative to `root`; "" = the root)
    import_requested = Signal(str, str, str, bool)
    """(connector_id, source_prefix, file_pattern, recursive) for a one-time import of
    what is chosen, as `POST /import-jobs` takes it (prefixes are full keys):
    - one folder: its prefix, the filter pattern ("*" when empty), recursive (the folder
      with everything below it that matches);
    - one file: its full key as prefix and its exact name as pattern, not recursive;
    - several files of one folder: that folder's prefix, `{a.mp4,b.mov}`, not recursive.
    The button is disabled for any other choice (files of several folders, folders and
    files mixed) and says why in its tooltip."""

    def __init__(self, connector_id: str, title: str, *, root: str = "", start: str = "",
                 accept_text: str = "Use this folder", where: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(760, 480)
        self.connector_id = connector_id
        self.root = root if not root or root.endswith("/") else root + "/"
        self._reveal = start if not start or start.endswith("/") else folder_of(start)
        self._waiting: dict[str, QTreeWidgetItem] = {}  # relative prefix → its tree item
        self._last: tuple[str, Any] | None = None  # the folder listed last, for the status
        self.where = QLabel(where)
        self.where.setWordWrap(True)
        self.pattern = QLineEdit(placeholderText="all files; e.g. *.mp4 or *.{mp4,mov}")
        describe(self.pattern, "Files", "Show only the files whose names match this pattern")
        self.refresh_btn = QPushButton("Refresh")
        describe(self.refresh_btn, None, "List the bucket again from the top")
        self.tree = QTreeWidget()
        describe(self.tree, "Folders and files",
                 "Right arrow or Enter opens a folder; Enter on an open folder or a file "
                 "uses its folder")
        self.tree.setHeaderLabels(["Name", "Size", "Modified"])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.chosen = QLabel("")
        self.chosen.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.import_btn = QPushButton("Import into an index…")
        describe(self.import_btn, None,
                 "Import the chosen folder or files into an index, once")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.use_btn = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.use_btn.setText(accept_text)
        describe(self.use_btn, None,
                 "Use the chosen folder (for a chosen file: the folder it is in)")
        self.buttons.addButton(self.import_btn, QDialogButtonBox.ButtonRole.ActionRole)
        top = QHBoxLayout()
        top.addWidget(QLabel("Files"))
        top.addWidget(self.pattern, 1)
        top.addWidget(self.refresh_btn)
        lay = QVBoxLayout(self)
        lay.addWidget(self.where)
        lay.addLayout(top)
        lay.addWidget(self.tree, 1)
        lay.addWidget(self.status)
        lay.addWidget(self.chosen)
        lay.addWidget(self.buttons)
        self.where.setVisible(bool(where))
        self.refresh_btn.clicked.connect(self.refresh)
        self.pattern.textChanged.connect(self._filter)
        self.tree.itemExpanded.connect(self._expanded)
        self.tree.itemCollapsed.connect(self._collapsed)
        self.tree.itemSelectionChanged.connect(self._update_choice)
        self.tree.currentItemChanged.connect(lambda *_: self._update_choice())
        self.tree.installEventFilter(self)
        self.buttons.accepted.connect(self._use)
        self.buttons.rejected.connect(self.reject)
        self.import_btn.clicked.connect(self._import)
        self._update_choice()

    # asking ------------------------------------------------------------------------
    def refresh(self) -> None:
        """List the root again (everything below is loaded again when opened)."""
        self.tree.clear()
        self._waiting.clear()
        self._ask("", self.tree.invisibleRootItem())

    def _ask(self, rel: str, parent: QTreeWidgetItem) -> None:
        loading = QTreeWidgetItem(parent, ["Loading…"])
        self._placeholder(loading)
        self._waiting[rel] = parent
        self.status.setText(f"Listing {self._name_of(rel)}…")
        self.list_requested.emit(self.connector_id, self.root + rel)

    def _expanded(self, item: QTreeWidgetItem) -> None:
        node = item.data(0, NODE_ROLE)
        if isinstance(node, FolderNode) and item.childCount() == 0:
            self._ask(node.path, item)

    def _collapsed(self, item: QTreeWidgetItem) -> None:
        """A folder closed while loading (or after failing) is listed afresh when reopened."""
        node = item.data(0, NODE_ROLE)
        if not isinstance(node, FolderNode):
            return
        only = list(children(item))
        failed = len(only) == 1 and isinstance(only[0].data(0, NODE_ROLE), _Failure)
        if node.path in self._waiting or failed:
            self._waiting.pop(node.path, None)
            item.takeChildren()
            self.status.setText("")

    # answers -----------------------------------------------------------------------
    def show_folder(self, connector_id: str, prefix: str, listing: Any) -> None:
        rel = self._relative(connector_id, prefix)
        if rel is None:
            return
        parent = self._waiting.pop(rel)
        parent.takeChildren()
        for d in listing.folders:
            item = QTreeWidgetItem(parent, [
                d.name, human_size(d.size_bytes), local_time(d.last_modified)])
            item.setData(0, NODE_ROLE, FolderNode(d.path[len(self.root):]))
            item.setIcon(0, self.style().standardIcon(QStyle.StandardPixmap.SP_DirIcon))
            item.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)
            item.setToolTip(0, f"{d.path} — {d.files} file{'s' if d.files != 1 else ''} "
                               f"below, {human_size(d.size_bytes)} in all")
        for f in listing.files:
            item = QTreeWidgetItem(parent, [
                f.name, human_size(f.size_bytes), local_time(f.last_modified)])
            item.setData(0, NODE_ROLE, FileNode(f.path[len(self.root):], f.name))
            item.setIcon(0, self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon))
            item.setToolTip(0, f.path)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for child in children(parent):
            child.setTextAlignment(1, right)
        if not listing.folders and not listing.files:
            self._placeholder(QTreeWidgetItem(parent, ["This folder is empty."]))
        self._filter()
        note = ""
        if listing.unreadable:
            note = (f" The server sent {listing.unreadable} entries vvdesk cannot read; "
                    "they are not shown.")
        self._last = (rel, listing)
        set_tone(self.status, None)
        self.status.setText(self._summary(rel, listing) + note)
        self._continue_reveal(parent)

    def show_folder_failed(self, connector_id: str, prefix: str, problem: Any) -> None:
        rel = self._relative(connector_id, prefix)
        if rel is None:
            return
        parent = self._waiting.pop(rel)
        parent.takeChildren()
        what = f"Could not list {self._name_of(rel)}: {problem}"
        again = ("Press Refresh to try again." if rel == ""
                 else "Close and open the folder to try again.")
        row = QTreeWidgetItem(parent, [f"{what} {again}"])
        self._placeholder(row, _Failure())
        row.setToolTip(0, f"{what} {again}")
        set_tone(self.status, Tone.ERROR)
        self.status.setText(f"{what} {again}")

    def _relative(self, connector_id: str, prefix: str) -> str | None:
        """The folder an answer is for, when this dialog is still waiting for it."""
        if connector_id != self.connector_id or not prefix.startswith(self.root):
            return None
        rel = prefix[len(self.root):]
        return rel if rel in self._waiting else None

    def _placeholder(self, item: QTreeWidgetItem, kind: _Placeholder | None = None) -> None:
        item.setData(0, NODE_ROLE, kind or _Placeholder())
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        item.setFirstColumnSpanned(True)

    def _name_of(self, rel: str) -> str:
        return f"“{rel}”" if rel else "the top folder"

    def _summary(self, rel: str, listing: Any) -> str:
        n_dirs, n_files = len(listing.folders), len(listing.files)
        pattern = self.pattern.text().strip()
        shown = sum(1 for f in listing.files if name_matches(f.name, pattern))
        files = f"{n_files} file{'s' if n_files != 1 else ''}"
        if pattern and shown != n_files:
            files += f" ({shown} match {pattern})"
        return (f"{self._name_of(rel)[:1].upper()}{self._name_of(rel)[1:]}: "
                f"{n_dirs} folder{'s' if n_dirs != 1 else ''}, {files}.")

    # the user's choice --------------------------------------------------------------
    def _filter(self, *_: object) -> None:
        pattern = self.pattern.text().strip()
        stack = [self.tree.invisibleRootItem()]
        while stack:
            item = stack.pop()
            for child in children(item):
                node = child.data(0, NODE_ROLE)
                if isinstance(node, FileNode):
                    child.setHidden(not name_matches(node.name, pattern))
                stack.append(child)
        if self._last is not None and not self._waiting:
            self.status.setText(self._summary(*self._last))
        self._update_choice()

    def chosen_nodes(self) -> list[FolderNode | FileNode]:
        items = [i for i in self.tree.selectedItems() if not i.isHidden()]
        if not items and (cur := self.tree.currentItem()) is not None and not cur.isHidden():
            items = [cur]
        return [n for i in items if isinstance(n := i.data(0, NODE_ROLE), FolderNode | FileNode)]

    def chosen_folder(self) -> str | None:
        """The folder to use: the current folder, or the folder of the current file."""
        cur = self.tree.currentItem()
        node = cur.data(0, NODE_ROLE) if cur is not None and not cur.isHidden() else None
        if isinstance(node, FolderNode):
            return node.path
        if isinstance(node, FileNode):
            return folder_of(node.path)
        return None

    def import_choice(self) -> tuple[str, str, bool] | str:
        """(source_prefix, file_pattern, recursive) for the chosen items, or why none."""
        nodes = self.chosen_nodes()
        folders = [n for n in nodes if isinstance(n, FolderNode)]
        files = [n for n in nodes if isinstance(n, FileNode)]
        if not nodes:
            return "Choose a folder or files to import."
        if folders and (files or len(folders) > 1):
            return "Choose one folder, or files of one folder, to import."
        if folders:
            return self.root + folders[0].path, self.pattern.text().strip() or "*", True
        if len(files) == 1:
            return self.root + files[0].path, exact_pattern(files[0].name), False
        if len({folder_of(f.path) for f in files}) > 1:
            return "Choose files of one folder (or the folder itself) to import."
        if any(c in f.name for f in files for c in "{},"):
            return "File names with braces or commas can only be imported one at a time."
        names = ",".join(exact_pattern(f.name) for f in files)
        return self.root + folder_of(files[0].path), f"{{{names}}}", False

    def _update_choice(self) -> None:
        folder = self.chosen_folder()
        self.use_btn.setEnabled(folder is not None)
        if folder is None:
            self.chosen.setText("Choose a folder (or a file, to use its folder).")
        else:
            self.chosen.setText(f"Chosen folder: {folder or 'the top folder'}")
        choice = self.import_choice()
        self.import_btn.setEnabled(not isinstance(choice, str))
        self.import_btn.setToolTip(choice if isinstance(choice, str) else
                                   "Import the chosen folder or files into an index, once")

    def _use(self) -> None:
        folder = self.chosen_folder()
        if folder is None:
            return
        self.folder_chosen.emit(folder)
        self.accept()

    def _import(self) -> None:
        choice = self.import_choice()
        if not isinstance(choice, str):
            self.import_requested.emit(self.connector_id, *choice)

    # keyboard and reveal ----------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.tree and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            cur = self.tree.currentItem()
            node = cur.data(0, NODE_ROLE) if cur is not None else None
            if cur is not None and isinstance(node, FolderNode) and not cur.isExpanded():
                cur.setExpanded(True)
            else:
                self._use()
            return True
        return super().eventFilter(watched, event)

    def _continue_reveal(self, parent: QTreeWidgetItem) -> None:
        """Open the folders down to the one the caller started from, choose and open it."""
        if not self._reveal:
            return
        for child in children(parent):
            node = child.data(0, NODE_ROLE)
            if isinstance(node, FolderNode) and self._reveal.startswith(node.path):
                if node.path == self._reveal:  # there: choose it and show what is in it
                    self._reveal = ""
                    self.tree.setCurrentItem(child)
                    self.tree.scrollToItem(child)
                child.setExpanded(True)
                return
        self._reveal = ""  # the folder is not there (any more): stop looking

"""The main window: indexes on the left, per-index tabs on the right, connection in the status bar.

It is built and shown before any service exists (first paint must not wait for the SDK);
`bind` attaches the services of a connected profile, `unbind` detaches them on a switch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QEvent, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressBar, QWidget

from vvdesk import __version__
from vvdesk.settings import Settings
from vvdesk.ui.widgets.elided import ElidedLabel, ElidingStatusBar
from vvdesk.vocab import ProblemKind

if TYPE_CHECKING:
    from vvdesk.ui.panes.tab_pane import TabPane

AUTH_TOPIC = "auth"  # the banner about a refused key
SANDBOX_DOWN_TOPIC = "sandbox-down"  # the local sandbox stopped: restarting, or given up
# banners that name the cause of everything else failing: later errors do not replace them
CAUSE_TOPICS = frozenset({AUTH_TOPIC, SANDBOX_DOWN_TOPIC})

TABS = ("Media", "Runs", "Exports", "Automations", "Search")
# Menu items for the actions of the tab panes (which come and go with a connection): (menu,
# tab, the pane's action attribute, label, window-wide shortcut or "", tooltip). Triggering
# one shows its tab and triggers the pane's action; it is enabled when that action is.
PANE_ACTIONS = (
    ("&Media", "Media", "act_upload", "&Upload…", "Ctrl+U",
     "Upload files to the index shown (Ctrl+U, from anywhere in the window)"),
    ("&Media", "Media", "act_register", "&Register URI…", "Ctrl+Shift+U",
     "Add media the server fetches from gs://, s3://… (Ctrl+Shift+U)"),
    ("&Media", "Media", "act_delete", "&Delete media…", "", "Delete the selected media"),
    ("&Media", "Media", "act_refresh", "Re&fresh media", "", "Reload the media list"),
    ("&Runs", "Runs", "act_start", "&Start run…", "Ctrl+Shift+P",
     "Run a prompt on the index or the selected media (Ctrl+Shift+P)"),
    ("&Runs", "Runs", "act_prompt", "&New prompt…", "", "Create a prompt"),
    ("&Runs", "Runs", "act_cancel", "&Cancel run", "Ctrl+.",
     "Stop the selected run (Ctrl+.)"),
    ("&Runs", "Runs", "act_export", "&Export this run…", "Ctrl+Shift+E",
     "Export the results of the selected run (Ctrl+Shift+E)"),
    ("&Runs", "Runs", "act_refresh", "Re&fresh runs", "", "Reload the run list"),
    ("E&xports", "Exports", "act_create", "&Export index…", "Ctrl+E",
     "Export the metadata of the index shown (Ctrl+E)"),
    ("E&xports", "Exports", "act_download", "&Download…", "",
     "Download the selected export"),
    ("E&xports", "Exports", "act_again", "Export &again", "",
     "Create the selected export again"),
    ("E&xports", "Exports", "act_refresh", "Re&fresh exports", "", "Reload the export list"),
)  # new tabs last: saved as a number
PREFERRED_SIZE = QSize(1100, 700)  # the least a first window gets, where the screen allows
LARGEST_FIRST = QSize(1680, 1050)  # a first window on a big screen: roomy, not a wall
SCREEN_SHARE = 0.88  # of the screen's free area, for the first window
FRAME_RESERVE = QSize(16, 48)  # window-manager frame and title bar, unknown before showing


def _prepare_application(settings: Settings) -> None:
    """App-wide behaviour every window relies on, set up before the first one is shown."""
    from PySide6.QtWidgets import QApplication

    from vvdesk.ui import theme, wheel_guard

    app = QApplication.instance()
    if isinstance(app, QApplication):
        wheel_guard.install(app)
        if theme.theme().choice is not settings.color_scheme:
            theme.apply(settings.color_scheme)


def fitted_size(available: QRect, wanted: QSize | None = None) -> QSize:
    """The first window's size on a screen: most of it (media want room), at least
    PREFERRED_SIZE, at most LARGEST_FIRST, and always small enough that the frame fits too."""
    if wanted is None:
        share = QSize(int(available.width() * SCREEN_SHARE),
                      int(available.height() * SCREEN_SHARE))
        wanted = share.expandedTo(PREFERRED_SIZE).boundedTo(LARGEST_FIRST)
    return QSize(min(wanted.width(), available.width() - FRAME_RESERVE.width()),
                 min(wanted.height(), available.height() - FRAME_RESERVE.height()))


class MainWindow(QMainWindow):
    profiles_requested = Signal()
    connect_requested = Signal(object)  # a profile name, or None for the local sandbox
    connectors_requested = Signal()
    connector_import_requested = Signal()  # File → Import from connector…
    closing = Signal()
    # The index every pane and action works on, once the panes agreed to leave the last
    # one (unsaved edits): listen to this, never to the list's own current_changed.
    index_changed = Signal(object)

    def __init__(self, settings: Settings, parent: QWidget | None = None, *,
                 deferred: bool = False) -> None:
        """Build the frame; the content too unless deferred (then call build_content()).

        Deferring lets the first paint happen before the panes are built: their Qt enum
        types cost ~80 ms to create on first use, which the user need not stare at.
        """
        super().__init__(parent)
        self.settings = settings
        _prepare_application(settings)
        self.setWindowTitle("vvdesk")
        self.setStatusBar(ElidingStatusBar())
        self.conn_dot = QLabel()
        self.conn_label = ElidedLabel("Starting…", min_chars=16, max_chars=48,
                                      mode=Qt.TextElideMode.ElideMiddle)
        self._connection: tuple[str, str] = ("", "")
        # what is wrong with the connection, in a sentence, while something is (a run of
        # server errors): a normal status bar widget, so passing messages cover it, not end it
        self.conn_trouble = ElidedLabel(min_chars=16, takes_rest=True)
        self.conn_trouble.hide()
        self.statusBar().addWidget(self.conn_trouble, 1)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(90)
        self.busy.setMaximumHeight(14)
        self.busy.hide()
        self.statusBar().addPermanentWidget(self.busy)
        self.statusBar().addPermanentWidget(self.conn_dot)
        self.statusBar().addPermanentWidget(self.conn_label)
        geometry, state = self.settings.window_state()
        if geometry:
            self.restoreGeometry(geometry)
        elif (screen := self.screen()) is not None:  # a first start: centred, most of it
            available = screen.availableGeometry()
            self.resize(fitted_size(available))
            self.move(available.center() - self.rect().center())
        else:
            self.resize(PREFERRED_SIZE)
        self._fitted_shown = False
        self.fit_to_screen()
        self._state = state
        self.content_built = False
        self._reverting = False
        self._current_index: Any | None = None
        if not deferred:
            self.build_content()

    def build_content(self) -> None:
        from PySide6.QtWidgets import QSplitter, QTabWidget, QVBoxLayout

        from vvdesk.models.indexes import IndexListModel
        from vvdesk.ui.panes.indexes import IndexesPane
        from vvdesk.ui.panes.placeholder import PlaceholderPane
        from vvdesk.ui.widgets.banner import Banner

        if self.content_built:
            return
        self.index_model = IndexListModel(self)
        self.indexes = IndexesPane(self.index_model, self.settings.include_default_indexes)
        self.tabs = QTabWidget()
        self.tab_panes: dict[str, TabPane] = {}
        for title in TABS:
            pane = PlaceholderPane(title.lower())
            self.tab_panes[title] = pane
            self.tabs.addTab(pane, title)
        self.banner = Banner()
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 6, 6, 0)
        rl.addWidget(self.banner)
        rl.addWidget(self.tabs)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.indexes)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([280, 820])
        self.setCentralWidget(self.splitter)
        self.tabs.setCurrentIndex(self.settings.whole("window/tab", 0))
        self.tabs.currentChanged.connect(lambda i: self.settings.set_value("window/tab", i))
        self._build_menus()
        from vvdesk.ui import keyboard

        keyboard.icon_actions(self.indexes)
        keyboard.tidy(self)
        self._set_icon()
        self.indexes.current_changed.connect(self._index_changed)
        if self._state:
            self.restoreState(self._state)
        sizes = self.settings.value("window/splitter")
        if isinstance(sizes, QByteArray | bytes) and sizes:
            self.splitter.restoreState(sizes)
        self.content_built = True

    def _build_menus(self) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QAction, QKeySequence
        from PySide6.QtWidgets import QMessageBox

        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.act_profiles = QAction("&Profiles…", self, shortcut=QKeySequence("Ctrl+,"))
        self.act_profiles.triggered.connect(self.profiles_requested.emit)
        file_menu.addAction(self.act_profiles)
        self.act_connectors = QAction("C&onnectors…", self,
                                      shortcut=QKeySequence("Ctrl+Shift+K"))
        self.act_connectors.triggered.connect(self.connectors_requested.emit)
        file_menu.addAction(self.act_connectors)
        self.act_import = QAction("&Import from connector…", self)
        self.act_import.setToolTip("Import the files of a connector's folder into an index once")
        self.act_import.triggered.connect(self.connector_import_requested.emit)
        file_menu.addAction(self.act_import)
        self.act_preferences = QAction("P&references…", self)
        self.act_preferences.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.act_preferences.setToolTip("Light or dark look")
        self.act_preferences.triggered.connect(self.open_preferences)
        file_menu.addAction(self.act_preferences)
        self.connect_menu = file_menu.addMenu("&Connect to")
        self.connect_menu.aboutToShow.connect(self._fill_connect_menu)
        file_menu.addSeparator()
        quit_act = QAction("&Quit", self,
                           shortcut=QKeySequence(QKeySequence.StandardKey.Quit))
        quit_act.triggered.connect(self.close)
        file_menu.addAction(quit_act)
        index_menu = bar.addMenu("&Index")
        for act in (self.indexes.act_new, self.indexes.act_delete, self.indexes.act_refresh):
            index_menu.addAction(act)
        # Only Ctrl+N is window-wide. Del and F5 act on the focused list: the media table has
        # its own, and a window-wide Del here once deleted the index from a media row.
        self.indexes.act_new.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self._build_pane_menus(bar)
        view = bar.addMenu("&View")
        self.act_search = QAction("&Search…", self,
                                  shortcut=QKeySequence(QKeySequence.StandardKey.Find))
        self.act_search.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.act_search.setToolTip("Search what the runs found (Ctrl+F)")
        self.act_search.setEnabled(False)  # the search controller enables and handles it
        view.addAction(self.act_search)
        view.addSeparator()
        self.act_show_indexes = QAction("&Indexes panel", self, checkable=True, checked=True)
        self.act_show_indexes.setToolTip("Show or hide the list of indexes")
        self.act_show_indexes.toggled.connect(self.indexes.setVisible)
        view.addAction(self.act_show_indexes)
        self.act_show_status = QAction("Status &bar", self, checkable=True, checked=True)
        self.act_show_status.setToolTip("Show or hide the status bar")
        self.act_show_status.toggled.connect(self.statusBar().setVisible)
        view.addAction(self.act_show_status)
        self.view_menu = view
        self._dock_actions: list[QAction] = []
        help_menu = bar.addMenu("&Help")
        self.act_shortcuts = QAction("&Keyboard shortcuts", self,
                                     shortcut=QKeySequence(QKeySequence.StandardKey.HelpContents))
        self.act_shortcuts.setToolTip("Every key the window answers to")
        self.act_shortcuts.triggered.connect(self.show_shortcuts)
        help_menu.addAction(self.act_shortcuts)
        about = QAction("&About vvdesk", self)
        about.triggered.connect(lambda: QMessageBox.about(
            self, "About vvdesk", f"vvdesk {__version__}\nA desktop client for VideoVector."))
        help_menu.addAction(about)

    def show_shortcuts(self) -> None:
        """The list of keys, made afresh each time (panes come with a connection)."""
        from vvdesk.ui.dialogs.shortcuts import ShortcutsDialog

        old = getattr(self, "shortcuts_dialog", None)
        if old is not None:
            old.close()
            old.deleteLater()
        self.shortcuts_dialog = ShortcutsDialog(self)
        self.shortcuts_dialog.show()

    def _build_pane_menus(self, bar: Any) -> None:
        from PySide6.QtGui import QAction, QKeySequence

        menus: dict[str, Any] = {}
        self.pane_actions: dict[tuple[str, str], QAction] = {}
        for menu_title, tab, attr, label, keys, tip in PANE_ACTIONS:
            if menu_title not in menus:
                menus[menu_title] = bar.addMenu(menu_title)
            act = QAction(label, self)
            act.setToolTip(tip)
            act.setEnabled(False)
            if keys:
                act.setShortcut(QKeySequence(keys))
                act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(lambda _=False, t=tab, a=attr: self.trigger_pane_action(t, a))
            menus[menu_title].addAction(act)
            self.pane_actions[(tab, attr)] = act

    def trigger_pane_action(self, tab: str, attr: str) -> None:
        """A menu item or window-wide shortcut: show the tab, then do what its button does."""
        pane = self.tab_panes.get(tab)
        act = getattr(pane, attr, None)
        if pane is None or act is None or not act.isEnabled():
            return
        self.tabs.setCurrentWidget(pane)
        act.trigger()

    def _adopt_pane_actions(self, title: str, pane: QWidget) -> None:
        """Follow the new pane's actions: enabled together; the window owns the shortcut."""
        from PySide6.QtGui import QKeySequence

        for (tab, attr), mine in self.pane_actions.items():
            if tab != title:
                continue
            theirs = getattr(pane, attr, None)
            mine.setEnabled(bool(theirs is not None and theirs.isEnabled()))
            if theirs is None:
                continue
            if not mine.shortcut().isEmpty():
                theirs.setShortcut(QKeySequence())  # one shortcut, window-wide (no ambiguity)
            theirs.changed.connect(lambda m=mine, t=theirs: m.setEnabled(t.isEnabled()))

    def add_dock_to_view_menu(self, dock: Any) -> None:
        """A panel's show/hide item in the View menu (the Transfers panel)."""
        act = dock.toggleViewAction()
        act.setToolTip(f"Show or hide the {dock.windowTitle()} panel")
        if act not in self._dock_actions:
            self._dock_actions.append(act)
            self.view_menu.addAction(act)

    def open_preferences(self) -> None:
        from vvdesk.ui import theme
        from vvdesk.ui.dialogs.preferences import PreferencesDialog

        before = self.settings.color_scheme
        chosen = PreferencesDialog.ask(self, before, theme.apply)
        theme.apply(chosen or before)
        if chosen is not None:
            self.settings.color_scheme = chosen

    def fit_to_screen(self) -> None:
        """Shrink (and move) the window into the screen's free area if it is larger: a
        1024x640 display must show the status bar, and a saved size may be from a bigger one.
        Before the window is shown its frame is not known: FRAME_RESERVE stands in for it."""
        screen = self.screen()
        if screen is None:
            return
        available = screen.availableGeometry()
        inner, outer = self.geometry(), self.frameGeometry()
        if self.isVisible() and outer != inner:
            left, top = inner.x() - outer.x(), inner.y() - outer.y()
            extra = QSize(outer.width() - inner.width(), outer.height() - inner.height())
        else:
            left, top, extra = FRAME_RESERVE.width() // 2, FRAME_RESERVE.height() - 8, FRAME_RESERVE
        size = QSize(min(inner.width(), available.width() - extra.width()),
                     min(inner.height(), available.height() - extra.height()))
        if size != inner.size():
            self.resize(size)
        x = min(max(inner.x(), available.x() + left),
                available.x() + available.width() - (size.width() + extra.width() - left))
        y = min(max(inner.y(), available.y() + top),
                available.y() + available.height() - (size.height() + extra.height() - top))
        if (x, y) != (inner.x(), inner.y()):
            self.move(x - left, y - top)  # move() places the frame

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._fitted_shown:  # now the real frame is known
            self._fitted_shown = True
            self.fit_to_screen()

    def set_tab(self, title: str, pane: TabPane) -> None:
        """Put a feature's pane in its tab (it follows the index chosen in the list)."""
        i = TABS.index(title)
        old = self.tabs.widget(i)
        current = self.tabs.currentIndex()
        self.tabs.blockSignals(True)  # a swap is not the user changing tabs
        self.tabs.removeTab(i)
        self.tabs.insertTab(i, pane, title)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)
        self.tab_panes[title] = pane
        if old is not None and old is not pane:
            old.deleteLater()
        from vvdesk.ui import keyboard

        keyboard.icon_actions(pane)
        keyboard.tidy(pane)
        self._adopt_pane_actions(title, pane)
        pane.set_index(self._current_index)

    def _set_icon(self) -> None:
        from PySide6.QtGui import QIcon

        from vvdesk.resources import resource_path

        if (icon := resource_path("vvdesk.svg")) is not None:
            self.setWindowIcon(QIcon(str(icon)))

    def _fill_connect_menu(self) -> None:
        menu = self.connect_menu
        menu.clear()
        sandbox = menu.addAction("Sandbox (local)")
        sandbox.triggered.connect(lambda: self.connect_requested.emit(None))
        menu.addSeparator()
        for profile in self.settings.profiles():
            act = menu.addAction(profile.name)
            act.setToolTip(profile.base_url)
            act.triggered.connect(lambda _=False, n=profile.name: self.connect_requested.emit(n))
        if not self.settings.profiles():
            menu.addAction("No saved profiles (File → Profiles…)").setEnabled(False)

    # state -------------------------------------------------------------------------
    def set_connection(self, profile: str, state: str, detail: str = "") -> None:
        self._connection = (profile, state)
        self._recolor()
        self.conn_label.setText(f"{profile} — {state}")
        self.conn_label.setToolTip(detail)
        self.setWindowTitle(f"vvdesk — {profile}")

    def show_connection_trouble(self, text: str) -> None:
        """A sentence in the status bar about the connection ('' takes it away). While a
        passing message is shown it waits under it, hidden the way QStatusBar hides its
        widgets for a message, so it comes back when the message goes."""
        label = self.conn_trouble
        label.setText(text)
        label.setToolTip(text)
        if not text:
            label.hide()  # an explicit hide: a message going does not bring it back
        elif self.statusBar().currentMessage():
            label.hide()
            label.setAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide, False)
        else:
            label.show()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # light/dark switched
            self._recolor()
            if getattr(self, "content_built", False):  # (also sent while __init__ runs)
                from vvdesk.ui import keyboard

                self.banner.recolor()
                keyboard.retint(self)

    def _recolor(self) -> None:
        """Colours drawn as rich text follow the light/dark scheme."""
        from vvdesk.ui.theme import Tone, status_color

        state = self._connection[1]
        if not state:
            return
        tone = {"connected": Tone.SUCCESS, "connecting": Tone.WARNING,
                "starting": Tone.WARNING, "server errors": Tone.WARNING}.get(state, Tone.ERROR)
        self.conn_dot.setText(f"<span style='color:{status_color(tone).name()}'>●</span>")

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)

    def show_problem(self, action: str, problem: Any) -> None:
        """An error in plain words: banner + status bar. A refused key is said once, by
        show_key_refused (it is the cause of everything else failing), so neither the
        first job that met it nor later errors take its place."""
        text = f"{action} failed: {problem}"
        self.statusBar().showMessage(text, 10000)
        if getattr(problem, "kind", None) is ProblemKind.AUTH:
            return
        if not (self.banner.topic in CAUSE_TOPICS and self.banner.isVisible()):
            self.banner.show_message(text, "error")

    def show_key_refused(self, profile: str, detail: str = "") -> None:
        said = detail or "The API key was not accepted. Check the key in Profiles."
        self.banner.show_message(f"Connecting to “{profile}” failed: {said}", "error",
                                 "Open Profiles…", self.profiles_requested.emit,
                                 topic=AUTH_TOPIC)

    def current_index(self) -> Any | None:
        """The index the panes show (the list's highlight agrees with it)."""
        return self._current_index

    def may_leave(self) -> bool:
        """Ask every pane with unsaved edits (confirm_leave) whether we may move on."""
        return all(p.confirm_leave() for p in self.tab_panes.values())

    def _index_changed(self, index: Any | None) -> None:
        if self._reverting:
            return
        if not self.may_leave():
            # Put the highlight back where the edits belong, once the click that moved it
            # has finished (a view selects the clicked row after announcing it current).
            self._reverting = True
            QTimer.singleShot(0, self._revert_selection)
            return
        self._current_index = index
        for pane in self.tab_panes.values():
            pane.set_index(index)
        self.index_changed.emit(index)

    def _revert_selection(self) -> None:
        previous = self._current_index
        if previous is not None:
            self.indexes.select(previous.index_id)
        self._reverting = False

    def forget_index(self) -> None:
        """The list was emptied (another connection): no pane may keep the old index."""
        self.indexes.view.clearSelection()
        self._current_index = None
        for pane in self.tab_panes.values():
            pane.set_index(None)
        self.index_changed.emit(None)

    # window state ------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if self.content_built and not self.may_leave():
            event.ignore()
            return
        self.settings.save_window_state(self.saveGeometry(), self.saveState())
        if self.content_built:
            self.settings.set_value("window/splitter", self.splitter.saveState())
        self.closing.emit()
        super().closeEvent(event)

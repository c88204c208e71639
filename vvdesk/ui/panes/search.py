"""The Search tab: words or metadata filters over the selected index, several indexes or all
of them; results as rows that open the media at the segment's start.

The pane builds a `SearchRequest` from what is typed and chosen and emits it (as-you-type
searches wait ~300 ms after the last key); it never calls a service. It shows what it is
given: result pages, the fields and runs of the index, and what was searched.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QSize, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vvdesk.models.keyed import OBJECT_ROLE
from vvdesk.models.search import WORDS_ROLE, SearchColumn, SearchResultModel
from vvdesk.search_query import (
    DEFAULT_TOP_K,
    FILTER_PAGE_SIZE,
    MAX_CONDITIONS,
    OPERATOR_WORDS,
    OPERATORS,
    TOP_K_MAX,
    VALUELESS,
    Aggregation,
    Condition,
    SearchKind,
    SearchRequest,
    ValueType,
    condition_words,
    query_words,
)
from vvdesk.ui.keyboard import describe
from vvdesk.ui.panes.tab_pane import TabPane
from vvdesk.ui.widgets.elided import ElidedLabel
from vvdesk.ui.widgets.result_strip import ResultStrip
from vvdesk.ui.widgets.snippet import SnippetDelegate

DEBOUNCE_MS = 300
STRIP_DELAY_MS = 120  # the strip follows the current result once the arrow keys rest
REST_MS = 350  # …and a result the pointer rests on this long
PICK_MENU_MAX = 200  # indexes the "Indexes…" picker lists (besides the chosen ones)
BETWEEN = "between"  # a number range: two conditions (≥ low, ≤ high)
ONE_OF = "one_of"  # a string picked from the values the runs produced


class Scope(Enum):
    INDEX = "index"
    ALL = "all"
    CHOSEN = "chosen"
    PLAYGROUND = "playground"  # the runs over media uploaded without an index


class CopyAs(Enum):
    SDK = "sdk"
    CURL = "curl"


@dataclass(frozen=True)
class Field:
    """What the pane needs of a metadata field (the controller hands these in)."""

    path: str
    value_type: ValueType
    values: tuple[Any, ...] = ()


def text_button(text: str) -> QToolButton:
    """A tool button showing text (the constructor takes text=, but its stub does not)."""
    button = QToolButton()
    button.setText(text)
    return button


class ResultsTable(QTableView):
    """Enter opens the current result (double-click too). `rested` names the row the
    pointer stopped on (a pass across rows on the way elsewhere names none)."""

    open_current = Signal()
    rested = Signal(QModelIndex)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self._rest = QTimer(self)
        self._rest.setSingleShot(True)
        self._rest.setInterval(REST_MS)
        self._rest.timeout.connect(self._rested)
        self._row = -1

    def mouseMoveEvent(self, e: QMouseEvent) -> None:
        row = self.indexAt(e.position().toPoint()).row()
        if row != self._row:
            self._row = row
            self._rest.start()
        super().mouseMoveEvent(e)

    def leaveEvent(self, e: QEvent) -> None:
        self._rest.stop()
        self._row = -1
        super().leaveEvent(e)

    def _rested(self) -> None:
        if self._row >= 0:
            self.rested.emit(self.model().index(self._row, 0))

    def keyPressEvent(self, e: QKeyEvent) -> None:
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_current.emit()
            return
        super().keyPressEvent(e)


class QueryEdit(QLineEdit):
    """Down goes on to the results, as in a browser's address bar: from the keyboard the
    results are one key away, not six Tabs."""

    down = Signal()

    def keyPressEvent(self, e: QKeyEvent) -> None:
        if e.key() == Qt.Key.Key_Down:
            self.down.emit()
            return
        super().keyPressEvent(e)


class ConditionRow(QWidget):
    """field · operator · value (two values for a range) · remove."""

    changed = Signal()
    removed = Signal(object)

    def __init__(self, fields: list[Field], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields = fields
        self.field = QComboBox()
        self.field.setEditable(True)
        self.field.setMinimumContentsLength(14)
        for f in fields:
            self.field.addItem(f.path, f)
        self.operator = QComboBox()
        self.value = QComboBox()
        self.value.setEditable(True)
        self.value.setMinimumContentsLength(10)
        self.high = QLineEdit(placeholderText="to")
        self.high.setMaximumWidth(90)
        remove = text_button("✕")
        remove.setToolTip("Remove this condition")
        remove.clicked.connect(lambda: self.removed.emit(self))
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        for w in (self.field, self.operator, self.value, self.high):
            lay.addWidget(w)
        lay.addWidget(remove)
        self.field.currentIndexChanged.connect(self._field_changed)
        self.field.editTextChanged.connect(lambda _t: self.changed.emit())
        self.operator.currentIndexChanged.connect(self._operator_changed)
        self.value.editTextChanged.connect(lambda _t: self.changed.emit())
        self.high.textChanged.connect(lambda _t: self.changed.emit())
        self._field_changed()

    def current_field(self) -> Field:
        f = self.field.currentData()
        if isinstance(f, Field) and f.path == self.field.currentText():
            return f
        return Field(self.field.currentText().strip(), ValueType.STRING)

    def _field_changed(self, *_: object) -> None:
        f = self.current_field()
        self.operator.blockSignals(True)
        self.operator.clear()
        ops: list[str] = list(OPERATORS[f.value_type])
        if f.value_type in (ValueType.INTEGER, ValueType.NUMBER):
            ops.insert(0, BETWEEN)
        if f.value_type is ValueType.STRING and f.values:
            ops.insert(0, ONE_OF)
        for op in ops:
            label = {BETWEEN: "between", ONE_OF: "is one of"}.get(op, OPERATOR_WORDS.get(op, op))
            self.operator.addItem(label, op)
        self.operator.blockSignals(False)
        self._operator_changed()

    def _operator_changed(self, *_: object) -> None:
        f, op = self.current_field(), self.operator.currentData()
        self.value.blockSignals(True)
        self.value.clear()
        for v in f.values:
            self.value.addItem(str(v), v)
        self.value.setCurrentIndex(-1)
        self.value.setEditText("")
        self.value.blockSignals(False)
        self.value.setVisible(op not in VALUELESS)
        self.high.setVisible(op == BETWEEN)
        if (line := self.value.lineEdit()) is not None:  # (editable: it has one)
            line.setPlaceholderText("from" if op == BETWEEN else "value")
        self.changed.emit()

    def conditions(self) -> list[Condition] | str:
        """The API conditions of this row, or why it is not complete yet (plain words)."""
        f, op = self.current_field(), str(self.operator.currentData())
        if not f.path:
            return "Choose a field."
        if op in VALUELESS:
            return [Condition(f.path, op, f.value_type)]
        raw = self.value.currentText().strip()
        if op == BETWEEN:
            low, high = _number(raw), _number(self.high.text().strip())
            if low is None and high is None:
                return f"Type a number range for {f.path}."
            vt = f.value_type
            out = []
            if low is not None:
                out.append(Condition(f.path, "greater_equal", vt, _typed(low, vt)))
            if high is not None:
                out.append(Condition(f.path, "less_equal", vt, _typed(high, vt)))
            return out
        if not raw:
            return f"Type a value for {f.path}."
        if op == ONE_OF:
            return [Condition(f.path, "equals", ValueType.STRING, raw)]
        vt = f.value_type
        if (vt is ValueType.ARRAY and op.startswith("length_")) or vt in (ValueType.INTEGER,
                                                                         ValueType.NUMBER):
            n = _number(raw)
            if n is None:
                return f"{f.path} needs a number."
            return [Condition(f.path, op, vt, _typed(n, ValueType.INTEGER
                                                     if vt is ValueType.ARRAY else vt))]
        if vt is ValueType.BOOLEAN:
            return [Condition(f.path, op, vt, raw.lower() in ("true", "yes", "1"))]
        return [Condition(f.path, op, vt, raw)]


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def _typed(n: float, vt: ValueType) -> int | float:
    return int(n) if vt is ValueType.INTEGER or (vt is ValueType.ARRAY) else n


class SearchPane(TabPane):
    search_requested = Signal(object)  # SearchRequest
    cleared = Signal()  # nothing to search: drop any answer on its way
    more_requested = Signal()
    open_requested = Signal(object)  # a SearchResult
    all_in_media_requested = Signal(object)  # a SearchResult: every match in its media
    copy_requested = Signal(object)  # CopyAs
    image_chosen = Signal(str)  # a picture file to search by
    fields_wanted = Signal(str)  # index id
    playground_runs_wanted = Signal()
    strip_wanted = Signal(object)  # a SearchResult: the pictures around it
    moment_requested = Signal(object, object)  # a SearchResult, a StripFrame of its media

    def __init__(self, model: SearchResultModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.index: Any = None
        self._indexes: list[Any] = []  # every index (rows with .index_id and .name)
        self._fields: list[Field] = []
        self._runs: list[tuple[str, str]] = []
        self._playground_runs: list[tuple[str, str]] | None = None  # None: not read yet
        self._run_group: QActionGroup | None = None
        self.page_size = FILTER_PAGE_SIZE  # matches per filter page
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.search_now)

        self.title = ElidedLabel(bold=True)
        self.label = self.title
        self.scope = QComboBox()
        self.scope.setToolTip("Where to search")
        # push buttons with a menu: Fusion draws a tool button's menu arrow over its text
        self.pick = QPushButton("Indexes…")
        self.pick.setToolTip("Choose the indexes to search together")
        self.pick_menu = QMenu(self.pick)
        self.pick.setMenu(self.pick_menu)
        self._pick_stale = False  # the menu lists an older index list (see set_indexes)
        self.pick_menu.aboutToShow.connect(self._fill_pick_menu)
        self.words = QRadioButton("Words")
        self.words.setToolTip("Ranked search of what the runs found")
        self.filters = QRadioButton("Filters")
        self.filters.setToolTip("Segments whose metadata match every condition")
        self.mode = QButtonGroup(self)
        self.mode.addButton(self.words)
        self.mode.addButton(self.filters)
        self.words.setChecked(True)
        self.query = QueryEdit(placeholderText="Search what the runs found (Ctrl+F)")
        describe(self.query, None, "Words to look for in what the runs found (Ctrl+F)")
        self.query.setClearButtonEnabled(True)
        self.image = QPushButton("By image…")
        self.image.setToolTip("Find segments that look like a picture (an image file)")
        self.copy = QPushButton("Copy as")
        copy_menu = QMenu(self.copy)
        self.act_copy_sdk = copy_menu.addAction("SDK call (Python)")
        self.act_copy_curl = copy_menu.addAction("curl")
        self.act_copy_sdk.triggered.connect(lambda: self.copy_requested.emit(CopyAs.SDK))
        self.act_copy_curl.triggered.connect(lambda: self.copy_requested.emit(CopyAs.CURL))
        self.copy.setMenu(copy_menu)
        self.copy.setToolTip("The current search as code; the key stays an environment "
                             "variable")
        self.advanced = text_button("Settings")
        self.advanced.setCheckable(True)
        self.advanced.setToolTip("Number of results, fields and runs")

        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(QLabel("Search in"))
        top.addWidget(self.scope)
        top.addWidget(self.pick)
        bar = QHBoxLayout()
        bar.addWidget(self.words)
        bar.addWidget(self.filters)
        bar.addWidget(self.query, 1)
        bar.addWidget(self.image)
        bar.addWidget(self.advanced)
        bar.addWidget(self.copy)

        # filters
        self.filter_box = QWidget()
        fl = QVBoxLayout(self.filter_box)
        fl.setContentsMargins(0, 0, 0, 0)
        self.rows: list[ConditionRow] = []
        self.rows_box = QVBoxLayout()
        fl.addLayout(self.rows_box)
        add_line = QHBoxLayout()
        self.add_condition = QPushButton("Add condition")
        describe(self.add_condition, None, "Add a metadata condition to the filter")
        self.add_condition.clicked.connect(lambda: self.add_row())
        self.filter_hint = QLabel()
        add_line.addWidget(self.add_condition)
        add_line.addWidget(self.filter_hint, 1)
        fl.addLayout(add_line)
        self.filter_box.hide()

        # advanced settings
        self.settings_box = QWidget()
        form = QFormLayout(self.settings_box)
        form.setContentsMargins(0, 0, 0, 0)
        self.top_k = QSpinBox()
        self.top_k.setRange(1, TOP_K_MAX)
        self.top_k.setValue(DEFAULT_TOP_K)
        self.top_k.setToolTip("How many results a word search returns (1-100)")
        self.search_fields = QLineEdit(placeholderText="every field")
        self.search_fields.setToolTip("Only these metadata fields, separated by commas")
        self.runs = QPushButton("Latest results of every run")
        describe(self.runs, None, "Which runs' results to search")
        self.runs_menu = QMenu(self.runs)
        self.runs.setMenu(self.runs_menu)
        self.across = QComboBox()
        self.across.addItem("One ranking of all their results", None)
        self.across.addItem("Each run ranked, the best per moment", Aggregation.BEST)
        self.across.addItem("Each run ranked, every run's results", Aggregation.ALL)
        self.across.addItem("Each run ranked, recent runs first", Aggregation.WEIGHTED)
        describe(self.across, None, "Compare runs: rank each run's results on its own and "
                 "merge them (at most 50 results per run)")
        form.addRow("Results", self.top_k)
        form.addRow("Fields", self.search_fields)
        form.addRow("Runs", self.runs)
        form.addRow("Across runs", self.across)
        self.settings_box.hide()

        self.table = ResultsTable()
        describe(self.table, "Search results",
                 "What the search found; open one to see it in its media")
        self.proxy = QSortFilterProxyModel(self)  # keeps the server's order until sorted
        self.proxy.setSourceModel(model)
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(60)
        self.table.setWordWrap(False)
        self.table.setIconSize(QSize(96, 54))
        self.snippets = SnippetDelegate(WORDS_ROLE, self.table)
        self.table.setItemDelegateForColumn(SearchColumn.SNIPPET, self.snippets)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(SearchColumn.SNIPPET, QHeaderView.ResizeMode.Stretch)
        fm = self.table.fontMetrics()
        header.resizeSection(SearchColumn.PICTURE, 104)
        header.resizeSection(SearchColumn.MEDIA, fm.horizontalAdvance("Drone footage (fail sam"))
        header.resizeSection(SearchColumn.TIME, fm.horizontalAdvance("00:00–00:00") + 20)
        header.resizeSection(SearchColumn.SCORE, fm.horizontalAdvance("Score") + 24)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.act_open = QAction("Open at this moment", self.table)
        self.act_open.setToolTip("The media in the Media tab at this segment (Enter)")
        self.act_open.triggered.connect(self._open)
        self.act_all_in_media = QAction("All matches in this media", self.table)
        self.act_all_in_media.setToolTip("Open the media with every segment this search "
                                         "matches in it selected")
        self.act_all_in_media.triggered.connect(self._all_in_media)
        self.table.addAction(self.act_open)
        self.table.addAction(self.act_all_in_media)
        self.table.doubleClicked.connect(lambda _i: self._open())
        self.table.open_current.connect(self._open)
        self.strip = ResultStrip()
        describe(self.strip, "Pictures around the result",
                 "The moments before and after the selected result; point at one to see it, "
                 "click to open the media there")
        self.strip.show_note("Select a result to see the moments around it.")
        self.strip.open_requested.connect(self._open_moment)
        self._strip_timer = QTimer(self)
        self._strip_timer.setSingleShot(True)
        self._strip_timer.setInterval(STRIP_DELAY_MS)
        self._strip_timer.timeout.connect(self._want_strip)
        self.table.selectionModel().currentRowChanged.connect(
            lambda *_: self._strip_timer.start())
        self.table.rested.connect(lambda idx: self._strip_for(idx.data(OBJECT_ROLE)))
        self.strip_of: Any = None  # the result whose strip is shown (or loading)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.more = QPushButton("More results")
        self.more.setToolTip("Load the next page of matches")
        self.more.clicked.connect(self.more_requested.emit)
        self.more.hide()
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.more)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(top)
        lay.addLayout(bar)
        lay.addWidget(self.filter_box)
        lay.addWidget(self.settings_box)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.strip)
        lay.addLayout(bottom)

        self.query.textChanged.connect(lambda _t: self._changed())
        self.query.returnPressed.connect(self.search_now)
        self.query.down.connect(self.to_results)
        self.scope.currentIndexChanged.connect(self._scope_changed)
        self.mode.buttonToggled.connect(self._mode_changed)
        self.top_k.valueChanged.connect(lambda _v: self._changed())
        self.search_fields.textChanged.connect(lambda _t: self._changed())
        self.across.currentIndexChanged.connect(lambda _i: self._changed())
        self.advanced.toggled.connect(self.settings_box.setVisible)
        self.image.clicked.connect(self._choose_image)
        self._fill_scope()
        self._update()

    # what the controller tells us --------------------------------------------------
    def set_index(self, index: Any | None) -> None:
        self.index = index
        self._fill_scope()
        self.model.clear()
        self.more.hide()
        self._fields, self._runs = [], []
        self._fill_runs()
        if index is not None:
            self.fields_wanted.emit(index.index_id)
        self._update()
        if not self.request().is_empty:
            self._changed()

    def set_indexes(self, indexes: list[Any]) -> None:
        """Every index (rows with .index_id and .name, as the index list holds them: no
        (id, name) copy of 100k), for “All indexes” and the picker. The picker lists the
        chosen ones and the first PICK_MENU_MAX others (a menu of 100k is no choice)."""
        self._indexes = indexes
        self._pick_stale = True  # filled when it opens: 200 actions are ~15 ms of UI time
        if self.pick_menu.isVisible():
            self._fill_pick_menu()

    def _fill_pick_menu(self) -> None:
        if not self._pick_stale:
            return
        self._pick_stale = False
        indexes = self._indexes
        chosen = set(self.chosen_ids())
        self.pick_menu.clear()
        listed = [ix for ix in indexes if ix.index_id in chosen] if chosen else []
        listed += [ix for ix in indexes[:PICK_MENU_MAX + len(listed)]
                   if ix.index_id not in chosen]
        for index_id, name in ((ix.index_id, ix.name)
                               for ix in listed[:max(PICK_MENU_MAX, len(chosen))]):
            act = self.pick_menu.addAction(name)
            act.setCheckable(True)
            act.setData(index_id)
            act.setChecked(index_id in chosen)
            act.toggled.connect(lambda _on: self._picked())
        if (more := len(indexes) - len(self.pick_menu.actions())) > 0:
            note = self.pick_menu.addAction(
                f"{more:,} more indexes are not listed here: search one by selecting it in "
                "the index list")
            note.setEnabled(False)

    def set_fields(self, fields: list[Field], runs: list[tuple[str, str]]) -> None:
        self._fields = fields
        self._runs = runs
        self._fill_runs()
        for row in self.rows:
            row.fields = fields
        if fields:
            self.filter_hint.setText(f"Fields from the runs: {', '.join(f.path for f in fields)}")
        else:
            self.filter_hint.setText("No run of this index has results yet: type a field name.")

    def set_playground_runs(self, runs: list[tuple[str, str]]) -> None:
        """The runs over the playground's media (id, prompt · date)."""
        self._playground_runs = runs
        if self.in_playground():
            self._fill_runs()

    def in_playground(self) -> bool:
        return self.scope.currentData() is Scope.PLAYGROUND

    def show_page(self, request: SearchRequest, rows: list[Any], thumbs: dict[str, Any],
                  cursor: str | None, first: bool) -> None:
        words = (query_words(request.query) if request.kind is SearchKind.TEXT
                 else condition_words(request.conditions))
        self.model.show_page(rows, thumbs, first=first, words=words,
                             ranked=request.kind is not SearchKind.FILTER)
        if first and rows:
            self.table.selectRow(0)
        self.more.setVisible(cursor is not None)
        n = self.model.rowCount()
        if n == 0:
            self.status.setText(request.no_results())
        else:
            more = " (more to load)" if cursor else ""
            found = f"{n} result{'s' if n != 1 else ''}{more}"
            self.status.setText(f"Searched by {request.what()}: {found}." if request.image_said
                                else f"{found} for {request.what()}.")

    def current_result(self) -> Any | None:
        idx = self.table.currentIndex()
        return idx.data(OBJECT_ROLE) if idx.isValid() else None

    def show_strip(self, strip: Any) -> None:
        """A result's strip, if it is still the one wanted (current, or pointed at)."""
        if self.strip_of is not None and self.strip_of.result_id == strip.result_id:
            self.strip.show_strip(strip)

    def _want_strip(self) -> None:
        self._strip_for(self.current_result())

    def _strip_for(self, result: Any | None) -> None:
        self.strip_of = result
        if result is None:
            self.strip.show_note("Select a result to see the moments around it.")
            return
        if self.strip.strip is None or self.strip.strip.result_id != result.result_id:
            self.strip.show_note(f"Loading the pictures of “{result.video_name or 'the media'}”…")
            self.strip_wanted.emit(result)

    def _open_moment(self, frame: Any) -> None:
        result = self.strip_of
        if result is not None:
            self.moment_requested.emit(result, frame)

    def show_status(self, text: str) -> None:
        self.status.setText(text)

    def focus_query(self) -> None:
        if self.filters.isChecked():
            self.words.setChecked(True)
        self.query.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.query.selectAll()

    # the request -------------------------------------------------------------------
    def scope_ids(self) -> tuple[str, list[str], str]:
        """(path index, index_ids, how the scope is said); ('', …) when nothing to search."""
        how = self.scope.currentData()
        if how is Scope.PLAYGROUND:
            return "", [], "the playground"
        own = (self.index.index_id, self.index.name) if self.index is not None else None
        if how is Scope.ALL and self._indexes:
            ids = [ix.index_id for ix in self._indexes]
            first = own[0] if own and own[0] in ids else ids[0]
            return first, ids, f"all {len(ids)} indexes"
        if how is Scope.CHOSEN:
            picked = set(self.chosen_ids())
            chosen = [(ix.index_id, ix.name) for ix in self._indexes if ix.index_id in picked]
            if chosen:
                names = ", ".join(f"“{n}”" for _i, n in chosen)
                return chosen[0][0], [i for i, _n in chosen], names
            return "", [], ""
        if own is None:
            return "", [], ""
        return own[0], [], f"“{own[1]}”"

    def chosen_ids(self) -> list[str]:
        return [a.data() for a in self.pick_menu.actions() if a.isCheckable() and a.isChecked()]

    def chosen_runs(self) -> tuple[str, ...]:
        return tuple(a.data() for a in self.runs_menu.actions() if a.isChecked())

    def chosen_run_labels(self) -> tuple[str, ...]:
        return tuple(a.text() for a in self.runs_menu.actions() if a.isChecked())

    def conditions(self) -> tuple[list[Condition], str]:
        out: list[Condition] = []
        for row in self.rows:
            got = row.conditions()
            if isinstance(got, str):
                return [], got
            out += got
        if len(out) > MAX_CONDITIONS:
            return [], f"At most {MAX_CONDITIONS} conditions (a range counts as two)."
        return out, ""

    def request(self, *, image: tuple[str, str] | None = None,
                image_said: str = "") -> SearchRequest:
        index_id, ids, scope_label = self.scope_ids()
        fields = tuple(f.strip() for f in self.search_fields.text().split(",") if f.strip())
        common: dict[str, Any] = dict(index_id=index_id, scope_label=scope_label,
                                      index_ids=tuple(ids), top_k=self.top_k.value(),
                                      run_ids=self.chosen_runs(),
                                      run_labels=self.chosen_run_labels())
        if image is not None:
            return SearchRequest(SearchKind.IMAGE, image_name=image[0], image_data=image[1],
                                 image_said=image_said, **common)
        if self.filters.isChecked():
            conditions, _why = self.conditions()
            return SearchRequest(SearchKind.FILTER, conditions=tuple(conditions),
                                 page_size=self.page_size, in_playground=self.in_playground(),
                                 **common)
        if self.in_playground():
            return SearchRequest(SearchKind.PLAYGROUND, query=self.query.text(), **common)
        raw = self.across.currentData()  # (a StrEnum comes back from Qt as its str)
        if raw:
            aggregation = Aggregation(raw)
            return SearchRequest(SearchKind.MULTI_RUN, query=self.query.text(),
                                 aggregation=aggregation, **common)
        return SearchRequest(SearchKind.TEXT, query=self.query.text(), fields=fields, **common)

    def search_now(self) -> None:
        self._timer.stop()
        req = self.request()
        if not req.has_scope:
            self.status.setText("Select an index on the left, or choose All indexes.")
            return
        if self.filters.isChecked():
            _c, why = self.conditions()
            if why or req.is_empty:
                self.cleared.emit()
                self.model.clear()
                self.more.hide()
                self.status.setText(why or "Add a condition to filter by.")
                return
        elif req.is_empty:
            self.cleared.emit()
            self.model.clear()
            self.more.hide()
            self.status.setText("Type words to search, or switch to Filters.")
            return
        self.status.setText(f"Searching {req.what()}…")
        self.search_requested.emit(req)

    # internals ---------------------------------------------------------------------
    def _changed(self) -> None:
        self._timer.start()

    def _update(self) -> None:
        _i, _ids, label = self.scope_ids()
        self.title.setText(f"Search {label}" if label else "Select an index to search it.")
        self.pick.setEnabled(self.scope.currentData() is Scope.CHOSEN)
        self.image.setEnabled(bool(_i))  # the playground has no picture search
        playground = self.in_playground()
        self.across.setEnabled(not playground and not self.filters.isChecked())
        self.search_fields.setEnabled(not playground and not self.filters.isChecked())

    def _fill_scope(self) -> None:
        current = self.scope.currentData()
        self.scope.blockSignals(True)
        self.scope.clear()
        name = self.index.name if self.index is not None else "the selected index"
        self.scope.addItem(f"“{name}”", Scope.INDEX)
        self.scope.addItem("All indexes", Scope.ALL)
        self.scope.addItem("Chosen indexes", Scope.CHOSEN)
        self.scope.addItem("Playground runs", Scope.PLAYGROUND)
        self.scope.setCurrentIndex(max(0, self.scope.findData(current or Scope.INDEX)))
        self.scope.blockSignals(False)

    def _fill_runs(self) -> None:
        """The index's runs (several may be chosen), or the playground's (one at most: its
        search takes one run)."""
        chosen = set(self.chosen_runs())
        self.runs_menu.clear()
        playground = self.in_playground()
        runs = (self._playground_runs or []) if playground else self._runs
        if self._run_group is not None:
            self._run_group.deleteLater()
        self._run_group = group = QActionGroup(self.runs_menu)
        group.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional if playground
                                 else QActionGroup.ExclusionPolicy.None_)
        for run_id, label in runs:
            act = self.runs_menu.addAction(label)
            act.setCheckable(True)
            act.setData(run_id)
            act.setChecked(run_id in chosen)
            group.addAction(act)
            act.toggled.connect(lambda _on: self._runs_picked())
        if not runs:
            empty = ("Reading the playground's runs…" if playground
                     and self._playground_runs is None else
                     "No finished runs in the playground" if playground else
                     "No finished runs in this index")
            self.runs_menu.addAction(empty).setEnabled(False)
        self._runs_picked(search=False)

    def _runs_picked(self, search: bool = True) -> None:
        n = len(self.chosen_runs())
        self.runs.setText(f"{n} run{'s' if n != 1 else ''}" if n else "Every run")
        if search:
            self._changed()

    def _scope_changed(self, *_: object) -> None:
        self._fill_runs()  # the playground has runs of its own
        if self.in_playground() and self._playground_runs is None:
            self.playground_runs_wanted.emit()
        self._update()
        self._changed()

    def _picked(self) -> None:
        self._update()
        self._changed()

    def _mode_changed(self, *_: object) -> None:
        filters = self.filters.isChecked()
        self.filter_box.setVisible(filters)
        self.query.setEnabled(not filters)
        self.top_k.setEnabled(not filters)
        self._update()
        if filters and not self.rows:
            self.add_row()
        self._changed()

    def add_row(self) -> ConditionRow:
        row = ConditionRow(self._fields)
        row.changed.connect(self._changed)
        row.removed.connect(self._remove_row)
        self.rows.append(row)
        self.rows_box.addWidget(row)
        self.add_condition.setEnabled(len(self.rows) < MAX_CONDITIONS)
        return row

    def _remove_row(self, row: ConditionRow) -> None:
        self.rows.remove(row)
        row.setParent(None)
        row.deleteLater()
        self.add_condition.setEnabled(len(self.rows) < MAX_CONDITIONS)
        self._changed()

    def to_results(self) -> None:
        """Focus the results (the first one current when none is)."""
        if self.proxy.rowCount() == 0:
            return
        if not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.proxy.index(0, 0))
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _open(self) -> None:
        idx = self.table.currentIndex()
        if idx.isValid():
            self.open_requested.emit(idx.data(OBJECT_ROLE))

    def _all_in_media(self) -> None:
        idx = self.table.currentIndex()
        if idx.isValid():
            self.all_in_media_requested.emit(idx.data(OBJECT_ROLE))

    def _choose_image(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, "Search by an example picture", "",
                                               "Images (*.png *.jpg *.jpeg *.webp *.bmp)")
        if path:
            self.image_chosen.emit(path)

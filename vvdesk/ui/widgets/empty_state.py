"""One empty-state overlay for table views: why the table is empty and what to do.

The pane that owns the view gives a `reason()` callable that returns the sentence for the
current state (nothing selected, loading, a filter that matches nothing, nothing yet) and,
optionally, one action button ("Add a connector"). The overlay shows over the view's
viewport whenever the view's model has no rows, and follows the model's signals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QObject, Qt, SignalInstance
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractItemView, QLabel, QPushButton, QVBoxLayout, QWidget


class EmptyState(QWidget):
    def __init__(self, view: QAbstractItemView, reason: Callable[[], str],
                 action_text: str = "", action: Callable[[], None] | None = None,
                 also: Iterable[SignalInstance] = ()) -> None:
        """`also`: more signals after which the reason may have changed (loaded, filter)."""
        super().__init__(view.viewport())
        self.view, self.reason = view, reason
        self.setObjectName("emptyState")
        self.label = QLabel()
        self.label.setObjectName("emptyStateText")
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        # Drops and clicks go to the table underneath, unless there is a button to press.
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents,
                          not (action_text and action))
        self.button: QPushButton | None = None  # only when there is something to do
        if action_text and action is not None:
            self.button = QPushButton(action_text)
            self.button.setToolTip(action_text)
            self.button.setAccessibleName(action_text)
            self.button.clicked.connect(action)
        lay = QVBoxLayout(self)
        lay.addStretch()
        lay.addWidget(self.label)
        if self.button is not None:
            lay.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        lay.addStretch()
        view.viewport().installEventFilter(self)
        model = view.model()
        for sig in (model.rowsInserted, model.rowsRemoved, model.modelReset,
                    model.layoutChanged, *also):
            sig.connect(self.refresh)
        self.refresh()

    def text(self) -> str:
        """What the overlay says now ('' while the table has rows)."""
        return self.label.text() if self.isVisibleTo(self.view) else ""

    def refresh(self, *_: object) -> None:
        empty = self.view.model().rowCount() == 0
        why = self.reason() if empty else ""
        self.label.setText(why)
        self.label.setAccessibleName(why)
        self.setVisible(bool(why))
        self._place()

    def _place(self) -> None:
        vp = self.view.viewport()
        margin = 16
        self.setGeometry(margin, margin, max(0, vp.width() - 2 * margin),
                         max(0, vp.height() - 2 * margin))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._place()
        return False

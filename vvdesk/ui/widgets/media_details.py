"""Details of the selected media: fields, its prompt runs, and its segments for one run."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vvdesk.format import local_time, when
from vvdesk.models.keyed import OBJECT_ROLE
from vvdesk.models.segments import SegmentColumn, SegmentModel
from vvdesk.ui.keyboard import describe
from vvdesk.vocab import words

LATEST = ""  # run selector value for "latest run"


class MediaDetails(QWidget):
    segments_requested = Signal(str, str)  # video_id, run_id ('' = latest run)

    def __init__(self, segments: SegmentModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.video: Any = None
        self.segment_model = segments
        self.fields = QFormLayout()
        self.labels: dict[str, QLabel] = {}
        for name in ("Title", "Id", "Type", "Status", "Created", "URI", "Metadata keys"):
            lab = QLabel()
            lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            lab.setWordWrap(True)
            # a 255-character title or URI is cut here, not allowed to widen the window
            lab.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            self.labels[name] = lab
            self.fields.addRow(f"{name}:", lab)
        self.runs = QListWidget()
        describe(self.runs, "Runs of this media",
                 "The prompt runs that processed this media; pick one to see its segments")
        self.runs.setWordWrap(True)
        # as tall as the fields beside it (its own 192 px hint would squeeze the segments)
        self.runs.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.runs.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.run_selector = QComboBox()
        describe(self.run_selector, "Segments of run",
                 "Whose segments the table shows: the latest run or a chosen one")
        self.run_selector.currentIndexChanged.connect(self._run_changed)
        self.copy_button = QPushButton("Copy metadata as JSON")
        describe(self.copy_button, None, "Copy this media's details to the clipboard as JSON")
        self.copy_button.clicked.connect(self.copy_selected)
        self.segments = QTableView()
        describe(self.segments, "Segments",
                 "The segments of this media and what the run found in each")
        self.segments.setModel(segments)
        self.segments.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.segments.verticalHeader().hide()
        self.segments.horizontalHeader().setSectionResizeMode(SegmentColumn.METADATA,
                                                                 QHeaderView.ResizeMode.Stretch)
        self.segments.selectionModel().selectionChanged.connect(self._update_buttons)
        segments.modelReset.connect(self._update_buttons)
        segments.rowsRemoved.connect(self._update_buttons)
        self.empty = QLabel("Select a media item to see its details.")
        top = QHBoxLayout()
        form = QWidget()
        form.setLayout(self.fields)
        # scrolls when the window is short (1024x640): the media list above keeps its rows
        facts = QScrollArea()
        facts.setWidget(form)
        facts.setWidgetResizable(True)
        facts.setFrameShape(QFrame.Shape.NoFrame)
        facts.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        facts.setMinimumHeight(3 * self.fontMetrics().lineSpacing())
        top.addWidget(facts, 2)
        runs_box = QVBoxLayout()
        runs_box.addWidget(QLabel("Prompt runs:"))
        runs_box.addWidget(self.runs, 1)  # the heading stays on top
        top.addLayout(runs_box, 1)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Segments of run:"))
        bar.addWidget(self.run_selector, 1)
        bar.addWidget(self.copy_button)
        self.content = QWidget()  # everything but the empty-state line
        body = QVBoxLayout(self.content)
        body.setContentsMargins(0, 0, 0, 0)
        # the segments keep room for a few rows; the facts above them scroll when it is short
        rows = self.segments.verticalHeader().defaultSectionSize()
        self.segments.setMinimumHeight(
            self.segments.horizontalHeader().sizeHint().height() + rows * 5 // 2 + 4)
        body.addLayout(top)
        body.addLayout(bar)
        body.addWidget(self.segments, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.empty, 0, Qt.AlignmentFlag.AlignTop)
        lay.addWidget(self.content, 1)
        self.show_video(None, [])

    def show_video(self, video: Any, runs: list[Any]) -> None:
        self.video = video
        self.empty.setVisible(video is None)
        self.content.setVisible(video is not None)
        self.runs.clear()
        self.run_selector.blockSignals(True)
        self.run_selector.clear()
        self.run_selector.addItem("Latest run", LATEST)
        self.run_selector.blockSignals(False)
        if video is None:
            self.segment_model.clear()
            return
        values = {"Title": video.title, "Id": video.video_id,
                  "Type": words(getattr(video, "media_type", None) or "video"),
                  "Status": words(video.status),
                  "Created": when(video.created_at), "URI": video.video_uri,
                  "Metadata keys": ", ".join(getattr(video, "metadata_keys", None) or [])}
        for name, value in values.items():
            self.labels[name].setText(str(value))
            self.labels[name].setToolTip(str(value))
        for run in runs:
            name = getattr(run, "prompt_name", "") or run.run_id
            item = QListWidgetItem(f"{name} — {words(run.status)}")
            item.setData(Qt.ItemDataRole.UserRole, run.run_id)
            item.setToolTip(f"{run.run_id}\nrun {when(getattr(run, 'executed_at', None))}")
            self.runs.addItem(item)
            ran = local_time(getattr(run, "executed_at", None))
            self.run_selector.addItem(f"{name} — {ran}" if ran else name, run.run_id)
            self.run_selector.setItemData(self.run_selector.count() - 1, run.run_id,
                                          Qt.ItemDataRole.ToolTipRole)  # the id, one hover away
        self.segments_requested.emit(video.video_id, LATEST)
        self._update_buttons()

    def pin_run(self, run_id: str) -> None:
        i = self.run_selector.findData(run_id)
        if i >= 0:
            self.run_selector.setCurrentIndex(i)

    def _run_changed(self, _i: int) -> None:
        if self.video is not None:
            self.segments_requested.emit(self.video.video_id,
                                         self.run_selector.currentData() or LATEST)

    def selected_segment(self) -> Any | None:
        idx = self.segments.currentIndex()
        return idx.data(OBJECT_ROLE) if idx.isValid() else None

    def segment_json(self, segment: Any) -> str:
        """The segment's metadata (what the button says), as pretty JSON."""
        return json.dumps(segment.metadata, indent=2, ensure_ascii=False)

    def copy_selected(self) -> None:
        seg = self.selected_segment()
        if seg is not None and seg.metadata is not None:
            QGuiApplication.clipboard().setText(self.segment_json(seg))

    def _update_buttons(self, *_: object) -> None:
        seg = self.selected_segment()
        has = seg is not None and getattr(seg, "metadata", None) is not None
        self.copy_button.setEnabled(has)
        self.copy_button.setToolTip("" if has else "Select a segment that has metadata")

"""Segments of one media item for one run, paged from the server as the view scrolls."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from vvdesk.models.keyed import Column, CursorPagedModel, in_order
from vvdesk.vocab import words

if TYPE_CHECKING:
    from videovector import Segment


def _t(seconds: float | None) -> str:
    s = float(seconds or 0)
    return f"{int(s // 60)}:{s % 60:05.2f}"


def _meta(s: Segment) -> str:
    """metadata_text; for a failed segment, why it failed."""
    if s.metadata_text:
        return str(s.metadata_text)
    why = getattr(s, "failure_message", None) or getattr(s, "error_message", None)
    return f"Failed: {why}" if why else ""


class SegmentColumn(IntEnum):
    START = 0
    END = 1
    STATUS = 2
    METADATA = 3


class SegmentModel(CursorPagedModel):
    columns = in_order(SegmentColumn, {
        SegmentColumn.START: Column("Start", lambda s: _t(s.start_time),
                                    sort=lambda s: float(s.start_time)),
        SegmentColumn.END: Column("End", lambda s: _t(s.end_time),
                                  sort=lambda s: float(s.end_time)),
        SegmentColumn.STATUS: Column("Status", lambda s: words(s.segment_status),
                                     tooltip=lambda s: str(s.segment_status or "") or None),
        SegmentColumn.METADATA: Column("Metadata", lambda s: _meta(s),
                                       tooltip=lambda s: _meta(s) or None),
    })

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(key=lambda s: s.segment_id, parent=parent)

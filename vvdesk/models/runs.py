"""Prompt runs of an index (cursor pages) or of the selected media; unknown statuses as-is."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from vvdesk.format import when
from vvdesk.models.keyed import Column, CursorPagedModel, in_order
from vvdesk.vocab import run_is_terminal, status_text, words

if TYPE_CHECKING:
    from videovector import PromptRun


def segments(r: PromptRun) -> str:
    text = f"{r.completed_segments}/{r.total_segments}"
    return text + (f", {r.field_extraction_failures} failed" if r.field_extraction_failures
                   else "")


def media(r: PromptRun) -> str:
    total = r.total_videos + r.total_audios + r.total_images
    done = r.completed_videos + r.completed_audios + r.completed_images
    failed = r.failed_videos + r.failed_audios + r.failed_images
    return f"{done}/{total}" + (f", {failed} failed" if failed else "")


class RunColumn(IntEnum):
    PROMPT = 0
    STATUS = 1
    SEGMENTS = 2
    MEDIA = 3
    EXECUTED = 4


class RunListModel(CursorPagedModel):
    """Runs of an index (cursor pages: the view asks `more_wanted(cursor)`) or of the
    selected media (one list, no cursor)."""

    columns = in_order(RunColumn, {
        RunColumn.PROMPT: Column("Prompt", lambda r: r.prompt_name,
                                 tooltip=lambda r: f"run id: {r.run_id}"),
        RunColumn.STATUS: Column("Status", lambda r: words(r.status),
                                 tooltip=lambda r: f"status: {status_text(r.status)}"),
        RunColumn.SEGMENTS: Column("Segments", segments, sort=lambda r: r.completed_segments),
        RunColumn.MEDIA: Column("Media", media),
        RunColumn.EXECUTED: Column("Executed", lambda r: when(r.executed_at),
                                   sort=lambda r: r.executed_at),
    })

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(key=lambda r: r.run_id, parent=parent)

    def running(self) -> list[str]:
        return [r.run_id for r in self.rows() if not run_is_terminal(r.status)]

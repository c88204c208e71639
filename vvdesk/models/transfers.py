"""The transfer queue as a table: file, target, progress, rate, ETA, state.

The rows mirror the service's signals; the per-state counts and byte sums are read from
the queue itself (`TransferQueue`), the one place that keeps them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import QObject

from vvdesk.format import human_eta, human_size
from vvdesk.models.keyed import Column, KeyedTableModel
from vvdesk.transfer_queue import Transfer, TransferQueue, TState

PROGRESS_COLUMN = 2


def _progress(t: Transfer) -> str:
    if t.files is not None:  # a connector import: files settled of all, bytes read
        f = t.files
        text = (f"{f.settled} of {f.total} files" if f.total else
                "finding the files…" if t.state is TState.IMPORTING else "no files")
        return text + (f" · {human_size(f.bytes)}" if f.bytes else "")
    return f"{human_size(t.sent)} / {human_size(t.size)}"


def _import_state(t: Transfer) -> str:
    """A connector import's state in words, with its counts and the prompt run."""
    counts = t.files.words() if t.files is not None and t.files.total else ""
    if t.state is TState.IMPORTING:
        text = "importing" + (f" · {counts}" if counts else "")
    elif t.state is TState.DONE:
        text = "done" + (f" · {counts}" if counts else " · no matching files")
    elif t.state is TState.FAILED:
        text = "failed" + (f" · {counts}" if counts else "") + (f": {t.error}" if t.error
                                                                 else "")
    else:
        text = t.state.value + (f" · {counts}" if counts else "")
    if t.run_id and t.source is not None:
        text += f" · “{t.source.prompt_name or 'the prompt'}” runs on them (Runs tab)"
    return text


WAITING = "uploading · all sent, waiting for the server"


def _state(t: Transfer) -> str:
    if t.is_import:
        return _import_state(t)
    state = t.state
    if state is TState.UPLOADING and t.size and t.sent >= t.size:
        return WAITING  # 100 % and still "uploading" would look frozen
    if state is TState.DONE and t.video_ids:
        return f"done → {', '.join(t.video_ids)}"
    if t.error and state in (TState.FAILED, TState.INTERRUPTED, TState.CANCELLED):
        return f"{state.value}: {t.error}"
    return state.value


def fraction(t: Transfer) -> float:
    if t.files is not None:
        if t.state is TState.DONE:
            return 1.0
        return min(t.files.settled / t.files.total, 1.0) if t.files.total else 0.0
    if t.state in (TState.IMPORTING, TState.DONE):
        return 1.0
    return min(t.sent / t.size, 1.0) if t.size else 0.0


class TransferModel(KeyedTableModel):
    columns = [
        Column("File", lambda t: t.name, tooltip=lambda t: t.shown_path),
        Column("Index", lambda t: t.index_name),
        Column("Progress", _progress, sort=lambda t: t.sent),
        Column("Rate", lambda t: f"{human_size(t.rate)}/s" if t.rate else "",
               sort=lambda t: t.rate),
        Column("ETA", lambda t: human_eta(t.eta), sort=lambda t: t.eta or 0),
        Column("State", _state, tooltip=lambda t: t.error or None),
    ]

    def __init__(self, queue: TransferQueue, parent: QObject | None = None) -> None:
        super().__init__(key=lambda t: t.transfer_id, parent=parent)
        self.queue = queue

    @property
    def counts(self) -> Mapping[TState, int]:
        """Rows per state, from the queue (never walks the rows)."""
        return self.queue.counts

    def unsent(self, sending: Iterable[TState]) -> tuple[int, int, float]:
        """Over the uploads in these states: bytes sent, bytes in all, summed rate (B/s)."""
        return self.queue.totals(sending)

"""The transfer queue as a table: file, target, progress, rate, ETA, state."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from typing import Any

from PySide6.QtCore import QObject

from vvdesk.format import human_eta, human_size
from vvdesk.models.keyed import Column, KeyedTableModel

PROGRESS_COLUMN = 2


def _progress(t: Any) -> str:
    return f"{human_size(t.sent)} / {human_size(t.size)}"


WAITING = "uploading · all sent, waiting for the server"


def _state(t: Any) -> str:
    state = t.state.value
    if state == "uploading" and t.size and t.sent >= t.size:
        return WAITING  # 100 % and still "uploading" would look frozen
    if state == "done" and t.video_ids:
        return f"done → {', '.join(t.video_ids)}"
    if t.error and state in ("failed", "interrupted", "cancelled"):
        return f"{state}: {t.error}"
    return state


def fraction(t: Any) -> float:
    if t.state.value in ("importing", "done"):
        return 1.0
    return min(t.sent / t.size, 1.0) if t.size else 0.0


class TransferModel(KeyedTableModel):
    """Also keeps a count of rows per state, so a summary never walks thousands of rows."""

    columns = [
        Column("File", lambda t: t.name, tooltip=lambda t: t.path),
        Column("Index", lambda t: t.index_name),
        Column("Progress", _progress, sort=lambda t: t.sent),
        Column("Rate", lambda t: f"{human_size(t.rate)}/s" if t.rate else "",
               sort=lambda t: t.rate),
        Column("ETA", lambda t: human_eta(t.eta), sort=lambda t: t.eta or 0),
        Column("State", _state, tooltip=lambda t: t.error or None),
    ]

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(key=lambda t: t.transfer_id, parent=parent)
        self.counts: Counter[Any] = Counter()  # state → rows (updated before signals)

    def append(self, rows: Iterable[Any]) -> None:
        latest = {t.transfer_id: t for t in rows}
        for key, row in latest.items():
            old = self.row_for(key)
            if old is not None:
                self.counts[old.state] -= 1
            self.counts[row.state] += 1
        super().append(latest.values())

    def remove_many(self, keys: Iterable[str]) -> None:
        keys = list(dict.fromkeys(keys))
        for key in keys:
            old = self.row_for(key)
            if old is not None:
                self.counts[old.state] -= 1
        super().remove_many(keys)

    def clear(self) -> None:
        self.counts.clear()
        super().clear()

    def unsent(self, sending: Collection[Any]) -> tuple[int, int, float]:
        """Over the uploads in these states: bytes sent, bytes in all, summed rate (B/s)."""
        sent = size = 0
        rate = 0.0
        for t in self._rows:
            if t.state in sending:
                sent, size, rate = sent + min(t.sent, t.size), size + t.size, rate + t.rate
        return sent, size, rate

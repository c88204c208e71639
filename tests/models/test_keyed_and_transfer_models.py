"""Row models under bursts: a drop of thousands of files, a clear of thousands of rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel

from vvdesk.models.keyed import Column, KeyedTableModel
from vvdesk.models.transfers import TransferModel
from vvdesk.transfer_queue import Transfer, TransferQueue, TState


@dataclass(frozen=True)
class Item:
    key: str
    title: str


class Items(KeyedTableModel):
    columns = [Column("Title", lambda r: r.title)]


def signals(model: Any) -> list[tuple[str, int, int]]:
    seen: list[tuple[str, int, int]] = []
    model.rowsInserted.connect(lambda _p, a, b: seen.append(("insert", a, b)))
    model.rowsRemoved.connect(lambda _p, a, b: seen.append(("remove", a, b)))
    return seen


def test_a_page_of_new_rows_is_one_insert_and_known_rows_update_in_place(qapp):
    model = Items(key=lambda r: r.key)
    seen = signals(model)
    model.append([Item(f"k{i}", f"t{i}") for i in range(5)])
    assert seen == [("insert", 0, 4)]
    model.append([Item("k1", "renamed"), Item("k5", "t5"), Item("k6", "t6")])
    assert seen[1:] == [("insert", 5, 6)]
    assert model.index(1, 0).data() == "renamed" and model.rowCount() == 7


def test_removing_many_keeps_every_position_right(qapp):
    model = Items(key=lambda r: r.key)
    model.append([Item(f"k{i}", f"t{i}") for i in range(8)])
    proxy = QSortFilterProxyModel()  # a view-side model must follow the removals too
    proxy.setSourceModel(model)
    seen = signals(model)
    model.remove_many(["k1", "k2", "k5", "k7", "missing", "k2"])
    assert seen == [("remove", 7, 7), ("remove", 5, 5), ("remove", 1, 2)]
    assert [r.key for r in model.rows()] == ["k0", "k3", "k4", "k6"]
    assert [model.row_of(k) for k in ("k0", "k3", "k4", "k6", "k1")] == [0, 1, 2, 3, -1]
    assert proxy.rowCount() == 4
    model.merge([Item("k4", "kept"), Item("k9", "new")])
    assert [r.key for r in model.rows()] == ["k4", "k9"]
    assert model.index(0, 0).data() == "kept"


def test_transfer_model_shows_the_queue_rows_and_reads_its_counts_from_the_queue(qapp):
    queue = TransferQueue(limit=1)
    model = TransferModel(queue)
    model.append(queue.add(Transfer.new("p", f"/m/{i}.mp4", 10, "idx", "Archive")
                           for i in range(2000)))
    assert model.rowCount() == 2000 and model.counts["queued"] == 2000
    (first,) = queue.start_next()
    model.upsert(first)
    assert (model.counts["queued"], model.counts[TState.UPLOADING]) == (1999, 1)
    assert model.index(0, 5).data() == "uploading"
    model.upsert(queue.cancel([first.transfer_id])[0])
    model.remove_many(queue.clear_finished())
    assert model.rowCount() == 1999 and model.counts["cancelled"] == 0
    assert model.unsent([TState.QUEUED]) == (0, 19990, 0.0)

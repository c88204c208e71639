"""A long list merged into an ordered keyed model a slice at a time, the loop running between.

`KeyedTableModel.merge` of 100k rows is one long stretch of UI-thread work: the diff, then
one insert that every proxy and view digests at once. Here the diff is planned in a worker
thread against a snapshot of the model's rows (`plan`; rows are never changed in place, so
a snapshot is a list copy), then applied in slices of at most SLICE_ROWS rows (`apply`):
removals, insertions at their place in the model's order, updates in place, with the loop
running between slices. The incoming rows are put in the model's order there too.
"""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vvdesk.worker_gil import breather

if TYPE_CHECKING:
    from vvdesk.models.keyed import KeyedTableModel

SLICE_ROWS = 500  # rows inserted, removed or updated between two turns of the loop
APPEND_SLICE = 50  # rows an ordered model places one by one between two turns
SORT_PIECE = 5000  # rows sorted in one go (a sort never lets the UI thread in)


@dataclass
class MergePlan:
    removed: list[str] = field(default_factory=list)  # keys gone (or moved: re-inserted)
    inserts: list[tuple[int, list[Any]]] = field(default_factory=list)  # (final row, rows)
    changed: list[tuple[int, Any]] = field(default_factory=list)  # (final row, row)
    positions: dict[str, int] = field(default_factory=dict)  # key → final row

    @property
    def empty(self) -> bool:
        return not (self.removed or self.inserts or self.changed)


def plan(current: list[Any], incoming: list[Any], key: Callable[[Any], str],
         order: Callable[[Any], Any]) -> MergePlan:
    """What turns `current` (in `order`) into exactly the rows of `incoming` (any order)."""
    breathe = breather()
    pieces = [sorted(incoming[i:i + SORT_PIECE], key=order)
              for i in range(0, len(incoming), SORT_PIECE)]
    incoming = []
    for row in heapq.merge(*pieces, key=order):
        incoming.append(row)
        breathe()
    now = {key(r): r for r in current}
    result = MergePlan()
    result.positions = {key(r): i for i, r in enumerate(incoming)}
    moved = set()
    for k, row in now.items():
        p = result.positions.get(k)
        if p is None:
            result.removed.append(k)
        elif order(row) != order(incoming[p]):
            result.removed.append(k)
            moved.add(k)
    for i, row in enumerate(incoming):
        breathe()
        k = key(row)
        old = now.get(k)
        if old is None or k in moved:
            if result.inserts and result.inserts[-1][0] + len(result.inserts[-1][1]) == i:
                result.inserts[-1][1].append(row)
            else:
                result.inserts.append((i, [row]))
        elif old is not row and old != row:
            result.changed.append((i, row))
    return result


def is_short(model: KeyedTableModel, incoming: list[Any]) -> bool:
    """Few enough rows to merge at once (`model.merge`), with no gradual merge under way."""
    return not model.is_merging and len(incoming) + model.rowCount() <= SLICE_ROWS


async def merge(model: KeyedTableModel, incoming: list[Any], *,
                slice_rows: int = SLICE_ROWS) -> None:
    """Make `model` hold exactly `incoming`, in the model's order, a slice at a time."""
    order = model.order
    assert order is not None, "gradual merges need an ordered model"
    while True:
        version = model.version
        planned = await asyncio.to_thread(plan, model.rows(), incoming, model.key, order)
        if model.version == version:  # nobody changed the model meanwhile
            break
    await apply(model, planned, slice_rows)


async def apply(model: KeyedTableModel, planned: MergePlan, slice_rows: int) -> None:
    if planned.empty:
        return
    budget = slice_rows

    async def spend(n: int) -> None:
        nonlocal budget
        budget -= n
        if budget <= 0:
            budget = slice_rows
            await asyncio.sleep(0)  # the loop (and the UI) runs

    with model.merging():
        for first, last in model.runs_of(planned.removed):  # from the end: see runs_of
            model.remove_span(first, last)
            await spend(last - first + 1)
        for at, rows in planned.inserts:
            for start in range(0, len(rows), slice_rows):
                part = rows[start:start + slice_rows]
                model.insert_span(at + start, part)
                await spend(len(part))
        model.settle(planned.positions)
        for at, row in planned.changed:
            model.replace_at(at, row)
            await spend(1)


async def append(model: KeyedTableModel, rows: list[Any], *,
                 slice_rows: int = APPEND_SLICE) -> None:
    """`model.append(rows)` a slice at a time (an ordered model places rows one by one,
    each a signal the views digest). Changes asked for meanwhile wait, then apply in
    order (a tracked export fetched after this list must not be overwritten by it)."""
    with model.merging():
        for start in range(0, len(rows), slice_rows):
            if start:
                await asyncio.sleep(0)
            model.append_now(rows[start:start + slice_rows])

"""Every list model, checked by Qt's model tester while it is filled, updated, paged,
pruned and cleared with rows a real server sent (the sandbox, through the SDK)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.sandbox_proc import SandboxProcess
from vvdesk.api.client import make_client
from vvdesk.models.connectors import ConnectorColumn, ConnectorModel
from vvdesk.models.exports import ExportColumn, ExportListModel
from vvdesk.models.indexes import IndexColumn, IndexListModel
from vvdesk.models.keyed import KEY_ROLE, CursorPagedModel, KeyedTableModel
from vvdesk.models.media import MediaColumn, MediaModel
from vvdesk.models.runs import RunColumn, RunListModel
from vvdesk.models.segments import SegmentColumn, SegmentModel

KEY = "sk_test_" + "e5" * 24
DEMO = "idx_demo_archive"


@pytest.fixture(scope="module")
def server_rows(tmp_path_factory: Any) -> Iterator[dict[str, list[Any]]]:
    import asyncio

    with SandboxProcess(tmp_path_factory.mktemp("models-sbx"), api_key=KEY, seed_demo=True,
                        time_scale=50.0) as sb:
        async def fetch() -> dict[str, list[Any]]:
            vv = make_client(sb.base_url, KEY)
            try:
                await vv.connectors.create_s3(
                    name="Out", bucket="models-out", region="eu", aws_access_key_id="a",
                    aws_secret_access_key="b", scopes=["export"], export_base_path="x")
                await vv.connectors.create_s3(
                    name="In", bucket="models-in", region="eu", aws_access_key_id="a",
                    aws_secret_access_key="b", scopes=["import"], import_mode="all")
                for _ in range(2):
                    await vv.exports.create_index_export(DEMO)
                await vv.prompt_runs.execute(prompt_id="prm_demo_scenes",
                                             target={"type": "index", "index_id": DEMO})
                videos = list((await vv.indexes.list_videos(DEMO, limit=100)).data)
                segments: list[Any] = []
                for v in videos:
                    page = await vv.videos.list_segments(v.video_id, latest_run=True, limit=100)
                    if len(page.data) >= 2:
                        segments = list(page.data)
                        break
                await asyncio.sleep(0.2)
                return {
                    "indexes": list(await vv.indexes.list(include_defaults=True)),
                    "media": videos,
                    "runs": list((await vv.indexes.list_prompt_runs(DEMO, limit=50)).data),
                    "segments": segments,
                    "exports": list(await vv.exports.list(limit=100)),
                    "connectors": list(await vv.connectors.list()),
                }
            finally:
                await vv.close()

        loop = asyncio.new_event_loop()
        try:
            yield loop.run_until_complete(fetch())
        finally:
            loop.close()


CASES = [
    (IndexListModel, IndexColumn, "indexes"),
    (MediaModel, MediaColumn, "media"),
    (RunListModel, RunColumn, "runs"),
    (SegmentModel, SegmentColumn, "segments"),
    (ExportListModel, ExportColumn, "exports"),
    (ConnectorModel, ConnectorColumn, "connectors"),
]


@pytest.mark.parametrize(("model_cls", "column_enum", "kind"), CASES,
                         ids=[c[2] for c in CASES])
def test_model_passes_the_model_tester_through_every_change(
        qtmodeltester: Any, server_rows: dict[str, list[Any]], model_cls: type[KeyedTableModel],
        column_enum: Any, kind: str) -> None:
    rows = server_rows[kind]
    assert len(rows) >= 2, f"the sandbox gave too few {kind} to check"
    model = model_cls()
    qtmodeltester.check(model)  # the tester stays attached: every change below is checked
    assert model.columnCount() == len(column_enum)
    model.append(rows[:1])
    model.append(rows)  # one known row updated in place, the rest inserted
    assert model.rowCount() == len(rows)
    for col in column_enum:  # every column shows every row without raising
        for r in range(model.rowCount()):
            model.index(r, col).data()
    key = model.key(rows[0])  # (an ordered model shows it anywhere)
    model.upsert(model.row_for(key))
    model.merge(rows[1:])
    assert model.row_of(key) == -1 and model.rowCount() == len(rows) - 1
    model.remove(model.index(0, 0).data(KEY_ROLE))
    model.clear()
    assert model.rowCount() == 0
    if isinstance(model, CursorPagedModel):
        wanted: list[str] = []
        model.more_wanted.connect(wanted.append)
        model.set_page(rows[:1], "next-page", first=True)
        assert model.canFetchMore()
        model.fetchMore()
        assert wanted == ["next-page"] and not model.canFetchMore()  # asked once
        model.set_page(rows[1:], None, first=False)
        assert model.rowCount() == len(rows) and not model.canFetchMore()
    else:
        model.merge(rows)
    qtmodeltester.check(model)


def test_transfer_model_passes_the_model_tester_through_a_queue_s_life(qtmodeltester: Any,
                                                                      tmp_path: Any) -> None:
    """Upload rows are local (files on this machine): the queue makes them."""
    from vvdesk.models.transfers import TransferModel
    from vvdesk.transfer_queue import Transfer, TransferQueue

    queue = TransferQueue(limit=2)
    model = TransferModel(queue)
    qtmodeltester.check(model)
    model.append(queue.add(Transfer.new("p", str(tmp_path / f"{i}.mp4"), 10 + i, "idx",
                                        "Archive") for i in range(50)))
    for moved in queue.start_next():
        model.upsert(moved)
    for col in range(model.columnCount()):
        for r in range(model.rowCount()):
            model.index(r, col).data()
    model.append(queue.cancel([model.index(0, 0).data(KEY_ROLE)]))
    model.remove_many(queue.clear_finished())
    assert model.rowCount() == 49
    model.clear()
    qtmodeltester.check(model)

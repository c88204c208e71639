"""Search through the SDK: text ranking, near words, filters with cursor pages, images."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from videovector import AsyncVideoVector
from videovector._exceptions import NotFoundError, ValidationError
from videovector._types import Segment

from .helpers import make_file, poll, raw, upload_and_wait, wait_run

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def corpus(sandbox: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """An index with 3 media x 10 one-second segments, processed by one run."""
    import asyncio

    from .conftest import make_client

    folder = tmp_path_factory.mktemp("corpus")

    async def build() -> dict[str, Any]:
        vv = make_client(sandbox)
        try:
            index = await vv.indexes.create(name="Search corpus")
            for name in ("alpha", "beta", "gamma"):
                path = folder / f"{name}.mp4"
                make_file(path, 1_000_000, seed=name)  # 10 s of simulated video
                await upload_and_wait(vv, path, name.title(), index.index_id)
            started = await vv.prompt_runs.execute(
                prompt_id="prm_demo_scenes", target={"type": "index",
                                                     "index_id": index.index_id},
                video_segmentation_type="fixed", video_segment_duration=1)
            done = await wait_run(vv, started.run_id)
            assert done.completed_segments == 30
            segments: list[Segment] = []
            for video in (await vv.indexes.list_videos(index.index_id, limit=100)).data:
                segments += (await vv.videos.list_segments(video.video_id, limit=100)).data
            return {"index_id": index.index_id, "run_id": started.run_id,
                    "segments": segments}
        finally:
            await vv.close()

    return asyncio.run(build())


def test_text_search_puts_the_matching_segment_first(corpus: dict[str, Any],
                                                     run: Any) -> None:
    async def scenario(vv: AsyncVideoVector) -> None:
        for seg in corpus["segments"][::7]:
            meta = seg.metadata or {}
            query = f"{meta['label']} {' '.join(meta['objects'])} {meta['fingerprint']}"
            found = await vv.search.text(corpus["index_id"], query=query, top_k=5)
            assert found[0].segment_id == seg.segment_id
            assert found[0].metadata == meta and found[0].text_content == seg.metadata_text
            assert found[0].start_time == seg.start_time and found[0].video_name
            assert "fingerprint" in (found[0].matched_field_paths or [])
            scores = [r.similarity_score or 0 for r in found]
            assert scores == sorted(scores, reverse=True)

    run(scenario)


def test_text_search_finds_near_words_and_honours_fields_and_top_k(corpus: dict[str, Any],
                                                                   run: Any) -> None:
    labels = [(s.metadata or {})["label"] for s in corpus["segments"]]
    label = max(set(labels), key=lambda w: (labels.count(w), w))

    async def scenario(vv: AsyncVideoVector) -> None:
        near = await vv.search.text(corpus["index_id"], query=label + "s", top_k=3)
        assert near, "no near-word match"
        top = near[0].metadata or {}
        assert label in [top["label"], *top["objects"]]
        only = await vv.search.text(corpus["index_id"], query=label, top_k=100,
                                    search_fields=["label"])
        with_label = [r for r in only if "label" in (r.matched_field_paths or [])]
        assert len(with_label) == labels.count(label)
        assert all((r.metadata or {})["label"] == label for r in only[: len(with_label)])
        assert len(await vv.search.text(corpus["index_id"], query=label, top_k=2)) == 2
        other = await vv.search.text("idx_demo_shared", query=label, top_k=100)
        assert not {r.segment_id for r in other} & {s.segment_id for s in corpus["segments"]}
        wide = await vv.search.text("idx_demo_shared", query=label, top_k=100,
                                    index_ids=[corpus["index_id"]])
        assert {r.source_index_id for r in wide} == {corpus["index_id"]}
        with pytest.raises(NotFoundError):
            await vv.search.text("idx_missing", query=label)

    run(scenario)


def collect(pages: list[Any]) -> list[str]:
    return [r.segment_id for page in pages for r in page.results]


@pytest.mark.parametrize("condition, expect", [
    ({"field": "confidence", "operator": "greater_equal", "value": 0.5, "type": "number"},
     lambda m: m["confidence"] >= 0.5),
    ({"field": "objects", "operator": "length_equals", "value": 2, "type": "array"},
     lambda m: True),
    ({"field": "segment_index", "operator": "less_than", "value": 4, "type": "integer"},
     lambda m: m["segment_index"] < 4),
    ({"field": "fingerprint", "operator": "is_not_empty", "type": "string"}, lambda m: True),
    ({"field": "missing_field", "operator": "is_empty", "type": "string"}, lambda m: True),
])
def test_filter_pages_return_every_match_once(corpus: dict[str, Any], run: Any,
                                              condition: dict[str, Any], expect: Any) -> None:
    wanted = {s.segment_id for s in corpus["segments"] if expect(s.metadata or {})}

    async def scenario(vv: AsyncVideoVector) -> list[Any]:
        pages = [await vv.search.filter(corpus["index_id"], conditions=[condition],
                                        page_size=7)]
        while pages[-1].next_page_token:
            pages.append(await vv.search.filter(corpus["index_id"], conditions=[condition],
                                                page_size=7, cursor=pages[-1].next_page_token))
        return pages

    pages = run(scenario)
    got = collect(pages)
    assert len(got) == len(set(got)) and set(got) == wanted
    assert all(len(p.results) == 7 for p in pages[:-1])


def test_filter_combines_conditions_on_strings_and_arrays(corpus: dict[str, Any],
                                                          run: Any) -> None:
    seg = corpus["segments"][4]
    meta = seg.metadata or {}
    conditions = [
        {"field": "label", "operator": "equals", "value": meta["label"], "type": "string"},
        {"field": "objects", "operator": "item_equals", "value": meta["objects"][0],
         "type": "array"},
        {"field": "fingerprint", "operator": "starts_with", "value": meta["fingerprint"][:6],
         "type": "string"},
        {"field": "objects", "operator": "item_contains", "value": meta["objects"][1][1:4],
         "type": "array"},
    ]

    async def scenario(vv: AsyncVideoVector) -> None:
        page = await vv.search.filter(corpus["index_id"], conditions=conditions)
        assert [r.segment_id for r in page.results] == [seg.segment_id]
        assert page.next_page_token is None
        runs = await vv.search.filter(corpus["index_id"], conditions=conditions[:1],
                                      run_ids=["run_demo_archive"])
        assert runs.results == []
        with pytest.raises(ValueError):  # the SDK refuses it before sending
            await vv.search.filter(corpus["index_id"], conditions=[
                {"field": "label", "operator": "greater_than", "value": 1, "type": "string"}])

    run(scenario)


def test_filter_refuses_a_cursor_of_another_query(corpus: dict[str, Any], sandbox: Any) -> None:
    cond = {"field": "confidence", "operator": "greater_equal", "value": 0, "type": "number"}
    first = raw(sandbox, "POST", f"/search/filter/{corpus['index_id']}",
                json={"conditions": [cond], "page_size": 2}).json()
    cursor = first["pagination"]["next_cursor"]
    other = {**cond, "value": 0.1}
    resp = raw(sandbox, "POST", f"/search/filter/{corpus['index_id']}",
               json={"conditions": [other], "page_size": 2, "cursor": cursor})
    assert resp.status_code == 422 and resp.json()["error"]["details"]["field"] == "cursor"
    wrong = raw(sandbox, "POST", f"/search/filter/{corpus['index_id']}",
                json={"conditions": [{**cond, "operator": "contains"}]})
    assert wrong.status_code == 422


def test_image_search_returns_the_source_segment_first(tmp_path: Path, run: Any) -> None:
    async def scenario(vv: AsyncVideoVector) -> None:
        segs = await poll(lambda: vv.videos.list_segments("vid_demo_harbor"),
                          lambda page: all(s.thumbnail_available for s in page.data))
        for seg in segs.data:
            found = await vv.search.image("idx_demo_archive", image_data=seg.thumbnail_data or "",
                                          top_k=3)
            assert found[0].segment_id == seg.segment_id
            assert found[0].matched_image_score == pytest.approx(1.0, abs=1e-3)
            assert found[0].shot_timestamp == (seg.start_time + seg.end_time) / 2
        both = await vv.search.multimodal("idx_demo_archive", text_query="scene",
                                          image_data=segs.data[1].thumbnail_data, top_k=5)
        assert both[0].segment_id == segs.data[1].segment_id
        assert both[0].match_type == "both" and both[0].image_rank == 1
        with pytest.raises(ValidationError):
            await vv.search.image("idx_demo_archive", image_data="bm90IGFuIGltYWdl")

    run(scenario)


def test_multi_run_and_playground(corpus: dict[str, Any], run: Any) -> None:
    seg = corpus["segments"][0]
    meta = seg.metadata or {}
    query = f"{meta['label']} {meta['fingerprint']}"

    async def scenario(vv: AsyncVideoVector) -> None:
        again = await vv.prompt_runs.execute(
            prompt_id="prm_demo_scenes", target={"type": "videos", "video_ids": [seg.video_id]},
            video_segmentation_type="fixed", video_segment_duration=1)
        await wait_run(vv, again.run_id)
        every = await vv.search.multi_run(query=query, run_ids=[corpus["run_id"],
                                                                again.run_id],
                                          aggregation="all", top_k=3)
        assert {r.run_id for r in every[:2]} == {corpus["run_id"], again.run_id}
        best = await vv.search.multi_run(query=query, index_id=corpus["index_id"], top_k=3)
        moments = [(r.video_id, r.start_time, r.end_time) for r in best]
        assert len(moments) == len(set(moments)) and best[0].start_time == seg.start_time
        play = await vv.search.playground(query="scene", top_k=5)
        assert play == [] or all(r.source_index_id is None for r in play)

    run(scenario)


def test_deleted_media_leave_the_results(tmp_path: Path, run: Any) -> None:
    path = tmp_path / "gone.mp4"
    make_file(path, 300_000, seed="gone")

    async def scenario(vv: AsyncVideoVector) -> None:
        index = await vv.indexes.create(name="Short-lived")
        _, outs = await upload_and_wait(vv, path, "Gone soon", index.index_id)
        started = await vv.prompt_runs.execute(
            prompt_id="prm_demo_scenes", target={"type": "index", "index_id": index.index_id},
            video_segmentation_type="fixed", video_segment_duration=1)
        await wait_run(vv, started.run_id)
        seg = (await vv.videos.list_segments(outs[0].video_id)).data[0]
        query = (seg.metadata or {})["fingerprint"]
        found = await vv.search.text(index.index_id, query=query)
        assert [r.segment_id for r in found][:1] == [seg.segment_id]
        await vv.videos.delete(outs[0].video_id)
        await poll(lambda: vv.videos.get_deletion(outs[0].video_id),
                   lambda d: d.status == "deleted")
        assert await vv.search.text(index.index_id, query=query) == []
        cond = {"field": "fingerprint", "operator": "equals", "value": query, "type": "string"}
        assert (await vv.search.filter(index.index_id, conditions=[cond])).results == []

    run(scenario)


def test_workflow_search_pages_through_a_stable_window(corpus: dict[str, Any],
                                                       run: Any) -> None:
    segments = corpus["segments"]
    wanted = {s.segment_id for s in segments if (s.metadata or {})["confidence"] >= 0.3}
    media = {s.video_id for s in segments}

    async def scenario(vv: AsyncVideoVector) -> None:
        cond = {"field": "confidence", "operator": "greater_equal", "value": 0.3,
                "type": "number"}
        page = await vv.workflow.search(filters=[cond], index_id=corpus["index_id"], limit=4,
                                        prompt_run_ids=[corpus["run_id"]])
        assert page.response.mode == "condition"
        got = [r.segment_id for r in page.data]
        while page.has_more:
            page = await page.next_page()
            assert page is not None
            got += [r.segment_id for r in page.data]
        assert len(got) == len(set(got)) and set(got) == wanted
        seg = segments[3]
        meta = seg.metadata or {}
        ranked = await vv.workflow.search(f"{meta['label']} {meta['fingerprint']}",
                                          index_name="Search corpus", limit=5)
        assert ranked.response.mode == "vector" and ranked.data[0].segment_id == seg.segment_id
        per_media = await vv.workflow.search("scene", index_id=corpus["index_id"],
                                             result_level="video", limit=50)
        assert {r.video_id for r in per_media.data} == media
        assert all(r.result_type == "video" and r.preview_segment_id for r in per_media.data)
        only = await vv.workflow.search("scene", video_ids=[seg.video_id], limit=50)
        assert {r.video_id for r in only.data} == {seg.video_id}

    run(scenario)


def test_bench_fill_makes_searchable_pictured_media(sandbox: Any, run: Any) -> None:
    made = raw(sandbox, "POST", "/_sandbox/bench/fill",
               json={"media": 3, "per_media": 4, "pictures": True})
    assert made.status_code == 201
    filled = made.json()
    assert filled["segments"] == 12

    async def scenario(vv: AsyncVideoVector) -> None:
        videos = (await vv.indexes.list_videos(filled["index_id"])).data
        details = await vv.videos.batch_retrieve([v.video_id for v in videos])
        assert len(details) == 3 and all(d.first_thumbnail for d in details)
        segs = (await vv.videos.list_segments(videos[0].video_id)).data
        assert len(segs) == 4 and all(s.thumbnail_available for s in segs)
        cond = {"field": "segment_index", "operator": "less_than", "value": 2,
                "type": "integer"}
        page = await vv.search.filter(filled["index_id"], conditions=[cond])
        assert len(page.results) == 6

    run(scenario)

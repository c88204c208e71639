"""The Search tab through the real window against the sandbox: what a user sees."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from tests.ui.helpers import add_profile, running_app, shoot
from vvdesk.app import Options
from vvdesk.models.keyed import OBJECT_ROLE
from vvdesk.models.search import SearchColumn
from vvdesk.settings import ColorSchemeChoice
from vvdesk.ui import theme
from vvdesk.ui.panes.search import BETWEEN, CopyAs, Scope

pytestmark = pytest.mark.usefixtures("secret_service")

ARCHIVE = "idx_demo_archive"
ALL_SEGMENTS = [{"field": "segment_index", "operator": "greater_equal", "value": 0,
                 "type": "integer"}]


@pytest.fixture
def archive_segments(sandbox: Any, arun: Callable[..., Any]) -> list[Any]:
    """Every searchable segment of the demo archive, straight through the SDK."""
    from vvdesk.api.client import make_client

    async def load() -> list[Any]:
        vv = make_client(sandbox.base_url, sandbox.api_key)
        try:
            for _ in range(200):  # the demo run is indexed shortly after the first start
                page = await vv.search.filter(ARCHIVE, conditions=ALL_SEGMENTS, page_size=100)
                if page.data:
                    return list(page.data)
                await asyncio.sleep(0.1)
            return []
        finally:
            await vv.close()

    rows = arun(load(), 30)
    assert rows, "the demo archive has searchable segments"
    return rows


@contextmanager
def open_app(qtbot: Any, arun: Callable[..., Any], settings: Any, sandbox: Any) -> Iterator[Any]:
    add_profile(arun, settings, "local", sandbox.base_url, sandbox.api_key)
    with running_app(qtbot, arun, settings, Options(profile="local")) as app:
        app.window.resize(1200, 760)
        yield app


def search_tab(app: Any, until: Callable[..., None], index_id: str = ARCHIVE) -> Any:
    w = app.window
    until(lambda: any(ix.index_id == index_id for ix in w.index_model.rows()),
          "the index listed")
    w.indexes.select(index_id)
    app.controllers.search.focus()  # what Ctrl+F does
    pane = w.tab_panes["Search"]
    assert w.tabs.currentWidget() is pane and pane.query.hasFocus()
    return pane


def pause(arun: Callable[..., Any], seconds: float) -> None:
    """Let the app run (asyncio included: never qtbot.wait, which starves the jobs)."""
    arun(asyncio.sleep(seconds), seconds + 10)


def results(pane: Any) -> list[Any]:
    p = pane.proxy
    return [p.index(r, 0).data(OBJECT_ROLE) for r in range(p.rowCount())]


def cell(pane: Any, row: int, col: SearchColumn) -> str:
    return str(pane.proxy.index(row, col).data())


def run_copied(controller: Any, kind: CopyAs, key: str, cwd: Any = None) -> str:
    """Copy the search as code, check it holds no key, run it with the key in the
    environment (as the user would); what it printed."""
    controller.copy(kind)
    text = QGuiApplication.clipboard().text()
    assert key not in text and "VIDEO_VECTOR_API_KEY" in text
    env = {**os.environ, "VIDEO_VECTOR_API_KEY": key}
    if kind is CopyAs.CURL:
        cmd = ["sh", "-c", text]
    else:
        cmd = [sys.executable, "-c", text + "\nprint(results[0].segment_id)"]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60, cwd=cwd)
    assert out.returncode == 0, out.stderr
    return out.stdout


def shoot_sizes(app: Any, arun: Callable[..., Any], name: str) -> None:
    """Screenshots at 1440x900 and 1024x640, light and dark (when VVDESK_SCREENSHOTS is set)."""
    if not os.environ.get("VVDESK_SCREENSHOTS"):
        return
    w = app.window
    size = w.size()
    try:
        for width, height in ((1440, 900), (1024, 640)):
            w.resize(width, height)
            for scheme in (ColorSchemeChoice.LIGHT, ColorSchemeChoice.DARK):
                theme.apply(scheme)
                pause(arun, 0.2)
                shoot(w, f"{name}-{width}x{height}-{scheme.value}.png")
    finally:
        theme.apply(ColorSchemeChoice.SYSTEM)
        w.resize(size)


def type_query(qtbot: Any, pane: Any, text: str) -> None:
    pane.query.clear()
    qtbot.keyClicks(pane.query, text)


def test_ctrl_f_focuses_the_search_box(qtbot, arun, settings, sandbox, until):
    with open_app(qtbot, arun, settings, sandbox) as app:
        w = app.window
        until(lambda: w.index_model.rowCount() > 0, "indexes listed")
        w.tabs.setCurrentIndex(0)
        w.activateWindow()
        app.controllers.search.act_find.trigger()
        assert w.tabs.currentWidget() is w.tab_panes["Search"]
        assert app.controllers.search.act_find.shortcut().toString() == "Ctrl+F"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_typing_a_known_word_finds_its_segment_first_and_enter_opens_it(
        qtbot, arun, settings, sandbox, until, archive_segments, scheme):
    with open_app(qtbot, arun, settings, sandbox) as app:
        target = next(s for s in archive_segments if s.metadata and s.metadata.get("fingerprint"))
        fingerprint = target.metadata["fingerprint"]
        theme.apply(ColorSchemeChoice.DARK if scheme == "dark" else ColorSchemeChoice.LIGHT)
        try:
            pane = search_tab(app, until)
            type_query(qtbot, pane, f"{target.metadata['label']} {fingerprint}")
            until(lambda: results(pane), "search results")
            first = results(pane)[0]  # (a later run over the same media has its twin)
            assert first.metadata["fingerprint"] == fingerprint
            assert cell(pane, 0, SearchColumn.MEDIA) == target.video_name  # a name, not an id
            assert cell(pane, 0, SearchColumn.TIME).startswith(
                f"{int(target.start_time) // 60}:{int(target.start_time) % 60:02d}–")
            assert float(cell(pane, 0, SearchColumn.SCORE)) > 0
            assert fingerprint in cell(pane, 0, SearchColumn.SNIPPET)
            assert pane.proxy.index(0, SearchColumn.PICTURE).data(
                Qt.ItemDataRole.DecorationRole) is not None  # the segment's thumbnail
            assert "for “" in pane.status.text() and "Demo archive" in pane.status.text()
            pause(arun, 0.05)
            shoot(app.window, f"search-results-{scheme}.png")

            # Enter on the result: the Media tab, that media, that segment, the preview
            # asked to start there (the player's hook stands in until it is wired)
            previews: list[tuple[str, float]] = []
            app.controllers.search.open_preview = lambda v, s: previews.append((v.video_id, s))
            # from the search box: Down reaches the first result, Enter opens it
            qtbot.keyClick(pane.query, Qt.Key.Key_Down)
            assert pane.table.hasFocus() or app.window.focusWidget() is pane.table
            assert pane.table.currentIndex().row() == 0
            qtbot.keyClick(pane.table, Qt.Key.Key_Return)
            media = app.window.tab_panes["Media"]
            assert app.window.tabs.currentWidget() is media
            until(lambda: (v := media.current_video()) is not None
                  and v.video_id == target.video_id, "the result's media selected")
            details = media.details
            until(lambda: (s := details.selected_segment()) is not None
                  and s.segment_id == first.segment_id, "the result's segment selected")
            assert previews == [(target.video_id, target.start_time)]
        finally:
            theme.apply(ColorSchemeChoice.SYSTEM)


def test_a_stale_answer_never_replaces_a_newer_one(qtbot, arun, settings, sandbox, until,
                                                     archive_segments):
    with open_app(qtbot, arun, settings, sandbox) as app:
        pane = search_tab(app, until)
        target = archive_segments[-1]
        sandbox.add_fault(path=r"/indexes/[^/]+/search$", method="POST", latency=1.5)
        try:
            type_query(qtbot, pane, "harbor")
            until(lambda: app.session.jobs.is_running("search"), "the slow search started")
            type_query(qtbot, pane, target.metadata["fingerprint"])
            until(lambda: results(pane), "the newer search's results")
            assert results(pane)[0].metadata["fingerprint"] == target.metadata["fingerprint"]
            shown = [r.result_id for r in results(pane)]
            pause(arun, 1.8)  # the slow answer would have arrived by now
            assert [r.result_id for r in results(pane)] == shown
            assert target.metadata["fingerprint"] in pane.status.text()
        finally:
            sandbox.clear_faults()


def test_filter_conditions_and_paging_return_every_match_exactly_once(
        qtbot, arun, settings, sandbox, until, archive_segments):
    with open_app(qtbot, arun, settings, sandbox) as app:
        pane = search_tab(app, until)
        until(lambda: "confidence" in pane.filter_hint.text(), "the index's fields read")
        pane.page_size = 2
        pane.filters.setChecked(True)
        row = pane.rows[0]
        row.field.setCurrentIndex(row.field.findText("confidence"))
        row.operator.setCurrentIndex(row.operator.findData(BETWEEN))
        row.value.setEditText("0.2")
        row.high.setText("0.9")
        expected = {s.result_id for s in archive_segments
                    if 0.2 <= s.metadata["confidence"] <= 0.9}
        assert len(expected) > 2  # more than one page
        until(lambda: results(pane), "the first filter page")
        assert len(results(pane)) == 2 and pane.more.isVisible()
        while pane.more.isVisible():
            n = len(results(pane))
            qtbot.mouseClick(pane.more, Qt.MouseButton.LeftButton)
            until(lambda n=n: len(results(pane)) > n, "the next page")  # type: ignore[misc]
        ids = [r.result_id for r in results(pane)]
        assert len(ids) == len(set(ids)) and set(ids) == expected
        assert cell(pane, 0, SearchColumn.SCORE) == ""  # filter results are not ranked
        assert "confidence ≥ 0.2 and confidence ≤ 0.9" in pane.status.text()


def test_no_results_says_what_was_searched(qtbot, arun, settings, sandbox, until):
    with open_app(qtbot, arun, settings, sandbox) as app:
        pane = search_tab(app, until)
        type_query(qtbot, pane, "zqxjw")
        until(lambda: "No results" in pane.status.text(), "the no-results message")
        assert "No results for “zqxjw” in “Demo archive”" in pane.status.text()
        assert results(pane) == []


def test_all_indexes_finds_media_of_another_index(qtbot, arun, settings, sandbox, until):
    with open_app(qtbot, arun, settings, sandbox) as app:
        pane = search_tab(app, until)
        pane.scope.setCurrentIndex(pane.scope.findData(Scope.ALL))
        type_query(qtbot, pane, "scene")
        until(lambda: len(results(pane)) > 0 and "all" in pane.status.text(), "results")
        titles = {r.video_name for r in results(pane)}
        assert "City walk" in titles and "Harbor timelapse" in titles  # two indexes


def test_copy_as_curl_and_sdk_carry_no_key_and_work_with_it_in_the_environment(
        qtbot, arun, settings, sandbox, until, archive_segments):
    with open_app(qtbot, arun, settings, sandbox) as app:
        target = archive_segments[0]
        pane = search_tab(app, until)
        type_query(qtbot, pane, target.metadata["fingerprint"])
        until(lambda: results(pane), "results")
        controller = app.controllers.search
        for kind in CopyAs:
            out = run_copied(controller, kind, sandbox.api_key)
            assert target.segment_id in out


def test_a_snippet_marks_its_words_and_shows_markup_as_text(qapp):
    from vvdesk.ui.widgets.snippet import snippet_runs

    assert snippet_runs("<i>harbor</i> & harbour", ["harbor"]) == [
        ("<i>", False), ("harbor", True), ("</i> & harbour", False)]


def test_a_long_snippet_is_cut_to_its_cell_with_the_visible_start_of_a_word_marked(qapp):
    from PySide6.QtWidgets import QApplication

    from vvdesk.ui.widgets.snippet import Fonts, fit_runs

    fonts = Fonts.of(QApplication.font())
    said = lambda runs: [(r.text.text(), r.marked) for r in runs]  # noqa: E731
    short = fit_runs(fonts, "a harbor at night", ["harbor"], 400)
    assert said(short) == [("a ", False), ("harbor", True), (" at night", False)]
    room = fonts.advance(False, "fingerprint 0c9551be") + fonts.advance(False, "…")
    long = "fingerprint 0c9551beb15b0c3d " + "and more words " * 40
    runs = fit_runs(fonts, long, ["0c9551beb15b0c3d"], room)
    text = "".join(t for t, _m in said(runs))
    assert text.startswith("fingerprint 0c95") and text.endswith("…"), text
    assert runs[1].marked and "0c9551beb15b0c3d".startswith(runs[1].text.text())
    assert runs[-1].x + runs[-1].width <= room


def test_search_by_an_example_picture_finds_the_segment_it_shows(
        qtbot, arun, settings, sandbox, until, archive_segments, tmp_path, monkeypatch):
    import base64

    from PySide6.QtWidgets import QFileDialog

    target = next(s for s in archive_segments if s.thumbnail_data and s.media_type == "video")
    picture = tmp_path / "frame.jpg"
    picture.write_bytes(base64.b64decode(target.thumbnail_data))
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(picture), "")))
    with open_app(qtbot, arun, settings, sandbox) as app:
        pane = search_tab(app, until)
        qtbot.mouseClick(pane.image, Qt.MouseButton.LeftButton)
        until(lambda: results(pane) and "frame.jpg" in pane.status.text(), "image results")
        assert results(pane)[0].segment_id == target.segment_id
        assert "pictures like “frame.jpg” in “Demo archive”" in pane.status.text()
        assert float(cell(pane, 0, SearchColumn.SCORE)) > 0.99  # its own picture
        for kind in CopyAs:  # the code reads the picture from its file
            out = run_copied(app.controllers.search, kind, sandbox.api_key, cwd=tmp_path)
            assert target.segment_id in out


def test_all_matches_in_a_media_are_selected_in_its_segment_list(
        qtbot, arun, settings, sandbox, until):
    from vvdesk.api.client import make_client

    async def everything() -> list[Any]:
        vv = make_client(sandbox.base_url, sandbox.api_key)
        try:
            return list(await vv.search.text(ARCHIVE, query="scene segment", top_k=100))
        finally:
            await vv.close()

    with open_app(qtbot, arun, settings, sandbox) as app:
        pane = search_tab(app, until)
        type_query(qtbot, pane, "scene segment")  # every segment's text has both words
        until(lambda: any(r.video_name == "Harbor timelapse" for r in results(pane)),
              "a result in Harbor timelapse")
        row = next(i for i, r in enumerate(results(pane)) if r.video_name == "Harbor timelapse")
        clicked = results(pane)[row]
        expected = {r.segment_id for r in arun(everything())
                    if r.video_id == clicked.video_id and r.run_id == clicked.run_id}
        assert len(expected) >= 2
        pane.table.selectRow(row)
        pane.act_all_in_media.trigger()
        media = app.window.tab_panes["Media"]
        view = media.details.segments

        def selected() -> set[str]:
            return {i.data(OBJECT_ROLE).segment_id for i in view.selectionModel().selectedRows()}

        until(lambda: app.window.tabs.currentWidget() is media and selected() == expected,
              "every match of the media selected in its segments")
        assert f"{len(expected)} matches for “scene segment”" in pane.status.text()

        # …and marked on the player's timeline, N / Shift+N going from one to the next
        player = media.player
        moments = sorted((r.start_time, r.end_time) for r in arun(everything())
                         if r.video_id == clicked.video_id and r.run_id == clicked.run_id)
        assert player.timeline.marks == moments
        shoot_sizes(app, arun, "player-matches")
        assert player.next_match.isVisible() and "of" in player.match_label.text()
        app.window.resize(1024, 640)  # the smallest window: the seek bar and volume still show
        pause(arun, 0.1)
        assert player.seek.width() >= 80 and player.volume.width() >= 40
        app.window.resize(1200, 760)
        until(lambda: player.is_loaded() and app.controllers.preview._seek_at is None,
              "the player loaded and started at the first match")
        frame = player.frame_ms()
        at = lambda s: abs(player.player.position() - s * 1000) <= frame  # noqa: E731
        until(lambda: at(moments[0][0]), "the first match")
        app.window.activateWindow()
        assert player.hasFocus()  # where “all matches” left the focus: N works at once
        qtbot.keyClick(player, Qt.Key.Key_N)
        until(lambda: at(moments[1][0]), "N: the second match")
        assert player.match_label.text() == f"Match 2 of {len(moments)}"
        qtbot.keyClick(player, Qt.Key.Key_N, Qt.KeyboardModifier.ShiftModifier)
        until(lambda: at(moments[0][0]), "Shift+N: back to the first match")
        colour = player.timeline.colors()["match"]
        assert colour != player.timeline.colors()["processed"]
        # another media: its timeline has no marks of this one
        other = next(v for v in media.model.rows() if v.title == "Interview audio")
        assert media.select(other.video_id)
        until(lambda: app.controllers.preview.source is not None
              and app.controllers.preview.source.video_id == other.video_id, "the other media")
        assert player.timeline.marks == [] and not player.next_match.isVisible()


def test_find_this_frame_searches_by_the_players_current_frame(
        qtbot, arun, settings, sandbox, until, archive_segments):
    from tests.ui.test_media_ui import show_index

    harbor = sorted((s for s in archive_segments if s.video_name == "Harbor timelapse"),
                    key=lambda s: s.start_time)
    target = harbor[len(harbor) // 2]  # its thumbnail is the frame at the segment's middle
    middle = (target.start_time + target.end_time) / 2
    with open_app(qtbot, arun, settings, sandbox) as app:
        media = show_index(app, until, ARCHIVE, 4)
        player = media.player
        video = next(v for v in media.model.rows() if v.title == "Harbor timelapse")
        assert media.select(video.video_id)
        until(lambda: player.is_loaded(), "the clip loaded")
        player.seek_to(middle)
        # paused after loading: a seek shows its frame (µs) without playing
        until(lambda: player.video.frame.isValid() and abs(
            player.video.frame.startTime() / 1000 - middle * 1000) <= player.frame_ms(),
            "the frame at the segment's middle on screen")
        assert player.find_button.isEnabled()
        qtbot.mouseClick(player.find_button, Qt.MouseButton.LeftButton)
        pane = app.window.tab_panes["Search"]
        assert app.window.tabs.currentWidget() is pane
        until(lambda: results(pane) and "Searched by" in pane.status.text(), "frame results")
        clock = f"{int(middle) // 60}:{int(middle) % 60:02d}"
        assert pane.status.text().startswith(
            f"Searched by a frame of “Harbor timelapse” at {clock} in “Demo archive”: ")
        top = results(pane)[0]
        assert top.segment_id == target.segment_id or (  # a later run has its twin
            top.video_id == target.video_id and top.start_time == target.start_time)
        # an audio file has no frame to search by
        audio = next(v for v in media.model.rows() if v.title == "Interview audio")
        app.window.tabs.setCurrentWidget(media)
        assert media.select(audio.video_id)
        until(lambda: app.controllers.preview.source is not None
              and app.controllers.preview.source.video_id == audio.video_id, "the audio")
        assert not player.find_button.isEnabled()


def finished_runs(sandbox: Any, arun: Callable[..., Any], *targets: dict[str, Any]) -> list[Any]:
    """Start a run of the demo prompt over each target; the runs once finished."""
    from vvdesk.api.client import make_client

    async def go() -> list[Any]:
        vv = make_client(sandbox.base_url, sandbox.api_key)
        try:
            runs = [await vv.prompt_runs.execute(prompt_id="prm_demo_scenes", target=t)
                    for t in targets]
            done = []
            for run in runs:
                for _ in range(600):
                    got = await vv.prompt_runs.retrieve(run.run_id)
                    if got.status in ("completed", "completed_with_failures"):
                        done.append(got)
                        break
                    await asyncio.sleep(0.1)
            return done
        finally:
            await vv.close()

    done = arun(go(), 90)
    assert len(done) == len(targets), "the runs finished"
    return done


def sdk_search(sandbox: Any, arun: Callable[..., Any], method: str, **kw: Any) -> list[Any]:
    from vvdesk.api.client import make_client

    async def go() -> list[Any]:
        vv = make_client(sandbox.base_url, sandbox.api_key)
        try:
            return list(await getattr(vv.search, method)(**kw))
        finally:
            await vv.close()

    return arun(go(), 30)


def test_multi_run_and_playground_searches_from_the_settings_and_scope(
        qtbot, arun, settings, sandbox, until, archive_segments):
    from vvdesk.search_query import Aggregation

    target = next(s for s in archive_segments if s.video_name == "Harbor timelapse")
    query = f"{target.metadata['label']} {target.metadata['fingerprint']}"
    finished_runs(sandbox, arun, {"type": "index", "index_id": ARCHIVE},
                  {"type": "playground"})
    with open_app(qtbot, arun, settings, sandbox) as app:
        pane = search_tab(app, until)
        qtbot.mouseClick(pane.advanced, Qt.MouseButton.LeftButton)
        assert pane.across.isVisible()
        until(lambda: len([a for a in pane.runs_menu.actions() if a.data()]) >= 2,
              "the index's runs in the settings")
        runs = [a for a in pane.runs_menu.actions() if a.data()][:2]
        for act in runs:  # two runs, by prompt name and date
            assert "Scene summary · 20" in act.text()
            act.setChecked(True)
        assert pane.runs.text() == "2 runs"
        pane.across.setCurrentIndex(pane.across.findData(Aggregation.BEST))
        type_query(qtbot, pane, query)
        expected = sdk_search(sandbox, arun, "multi_run", query=query, aggregation="best",
                              run_ids=[a.data() for a in runs], top_k=30)
        until(lambda: results(pane) and "ranked one by one" in pane.status.text(),
              "multi-run results")
        assert [r.result_id for r in results(pane)] == [r.result_id for r in expected]
        assert results(pane)[0].metadata["fingerprint"] == target.metadata["fingerprint"]
        moments = [(r.video_id, r.start_time) for r in results(pane)]
        assert len(moments) == len(set(moments))  # best per moment: each moment once
        assert runs[0].text() in pane.status.text() and "(best per moment)" in pane.status.text()
        assert float(cell(pane, 0, SearchColumn.SCORE)) > 0  # they look like text results
        assert pane.proxy.index(0, SearchColumn.PICTURE).data(
            Qt.ItemDataRole.DecorationRole) is not None
        out = run_copied(app.controllers.search, CopyAs.SDK, sandbox.api_key)
        assert expected[0].segment_id in out

        # the playground: its own runs, one at a time
        pane.scope.setCurrentIndex(pane.scope.findData(Scope.PLAYGROUND))
        assert not pane.image.isEnabled() and not pane.across.isEnabled()
        type_query(qtbot, pane, "scene")
        until(lambda: results(pane) and "for “scene” in the playground." in pane.status.text(),
              "playground results")
        assert {r.video_name for r in results(pane)} == {"Playground clip"}
        assert [r.result_id for r in results(pane)] == [r.result_id for r in sdk_search(
            sandbox, arun, "playground", query="scene", top_k=30)]
        until(lambda: any(a.data() for a in pane.runs_menu.actions()), "the playground's runs")
        play_runs = [a for a in pane.runs_menu.actions() if a.data()]
        play_runs[0].setChecked(True)
        if len(play_runs) > 1:
            play_runs[1].setChecked(True)
            assert not play_runs[0].isChecked()  # its search takes one run
        chosen = next(a for a in play_runs if a.isChecked())
        until(lambda: chosen.text() in pane.status.text(), "searched in the chosen run")
        assert {r.run_id for r in results(pane)} == {chosen.data()}
        # a playground result opens in the Media tab's playground
        pane.table.selectRow(0)
        first = results(pane)[0]
        pane.act_open.trigger()
        media = app.window.tab_panes["Media"]
        assert media.playground.isChecked()
        until(lambda: (v := media.current_video()) is not None
              and v.video_id == first.video_id, "the playground clip selected")


def test_snippet_cells_paint_their_marked_words_and_follow_the_selection(qtbot):
    """The matched word is painted on the match colour (the selection's own tint when the
    row is selected); the same rows painted again look the same (drawn snippets reused)."""
    from types import SimpleNamespace

    from vvdesk.models.search import SearchResultModel
    from vvdesk.search_query import SearchKind, SearchRequest
    from vvdesk.ui.panes.search import SearchPane

    model = SearchResultModel()
    pane = SearchPane(model)
    qtbot.addWidget(pane)
    pane.resize(900, 500)
    pane.show()
    rows = [SimpleNamespace(
        result_id=f"r{i}", video_id="vid_1", video_name=f"Clip {i}", start_time=float(i),
        end_time=i + 1.0, similarity_score=0.5, reranked_score=None, fused_score=None,
        text_score=None, image_score=None, metadata_text=None, text_content=None,
        thumbnail_data=None,
        content_preview=f"street scene {i}: harbor lights and boats") for i in range(3)]
    request = SearchRequest(kind=SearchKind.TEXT, index_id="idx_1", scope_label="x",
                            query="harbor")
    pane.show_page(request, rows, {}, None, True)  # selects the first row

    def snippet_colours(row: int) -> set[Any]:
        rect = pane.table.visualRect(pane.proxy.index(row, SearchColumn.SNIPPET))
        image = pane.table.viewport().grab(rect).toImage()
        return {image.pixelColor(x, y).rgb() for x in range(image.width())
                for y in range(image.height())}

    palette = pane.table.palette()
    plain, chosen = theme.match_colors(palette, False)[0], theme.match_colors(palette, True)[0]
    assert plain.rgb() in snippet_colours(1) and chosen.rgb() not in snippet_colours(1)
    assert chosen.rgb() in snippet_colours(0) and plain.rgb() not in snippet_colours(0)
    first = snippet_colours(1)
    pane.table.selectRow(1)
    assert chosen.rgb() in snippet_colours(1) and plain.rgb() in snippet_colours(0)
    pane.table.selectRow(0)
    assert snippet_colours(1) == first


def test_each_result_has_a_thumbnail_strip_that_scrubs_under_the_pointer(
        qtbot, arun, settings, sandbox, until, archive_segments):
    from PySide6.QtCore import QPoint

    from vvdesk.services.picture_cache import cache_key

    harbor = sorted((s for s in archive_segments if s.video_name == "Harbor timelapse"),
                    key=lambda s: s.start_time)
    target = harbor[len(harbor) // 2]
    with open_app(qtbot, arun, settings, sandbox) as app:
        pane = search_tab(app, until)
        type_query(qtbot, pane, f"{target.metadata['label']} {target.metadata['fingerprint']}")
        until(lambda: results(pane), "results")
        first = results(pane)[0]
        strip = pane.strip
        until(lambda: strip.strip is not None and strip.strip.result_id == first.result_id,
              "the first result's strip")
        frames = strip.strip.frames
        of_run = [s for s in archive_segments
                  if s.video_id == first.video_id and s.run_id == first.run_id]
        assert len(frames) == min(len(of_run), 13) >= 3  # the match and 6 on each side
        assert all(f.image is not None for f in frames)
        hit = frames[strip.strip.hit]
        assert hit.segment_id == first.segment_id  # the match, framed
        assert [f.start for f in frames] == sorted(f.start for f in frames)
        assert strip.shown() is hit
        # the pictures went through the disk cache
        cache = app.controllers.search.strips.cache
        cached = cache.keys()
        assert cache_key(sandbox.base_url, f"{first.video_id}/{hit.segment_id}") in cached

        def mean(image: Any) -> tuple[int, int, int]:
            c = image.scaled(1, 1, Qt.AspectRatioMode.IgnoreAspectRatio,
                             Qt.TransformationMode.SmoothTransformation).pixelColor(0, 0)
            return c.red(), c.green(), c.blue()

        def peek_colour() -> tuple[int, int, int]:  # what the big picture shows, on screen
            return mean(strip.grab(strip.peek_rect().toRect()).toImage())

        def picture_colour(frame: Any) -> tuple[int, int, int]:
            return mean(frame.image)

        def near(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
            return all(abs(x - y) <= 12 for x, y in zip(a, b, strict=True))

        assert near(peek_colour(), picture_colour(hit))
        # scrubbing: the pointer over another picture shows it, big, with its time
        seen = set()
        for i in range(strip._first_shown(), strip._first_shown() + min(3, strip.fits())):
            centre = strip.cell_rect(i).center().toPoint()
            qtbot.mouseMove(strip, centre)
            until(lambda i=i: strip.scrub == i, "the picture under the pointer")  # type: ignore[misc]
            assert strip.shown() is frames[i]
            assert near(peek_colour(), picture_colour(frames[i]))
            seen.add(picture_colour(frames[i]))
        assert len(seen) > 1  # the frames differ: the peek really changed
        shoot_sizes(app, arun, "search-strip")
        # a click opens the media at that moment
        pick = strip._first_shown()
        qtbot.mouseClick(strip, Qt.MouseButton.LeftButton,
                         pos=strip.cell_rect(pick).center().toPoint())
        media = app.window.tab_panes["Media"]
        assert app.window.tabs.currentWidget() is media
        until(lambda: (s := media.details.selected_segment()) is not None
              and s.segment_id == frames[pick].segment_id, "the clicked moment's segment")
        # another result: its own strip
        app.window.tabs.setCurrentWidget(pane)
        other = next(s for s in archive_segments if s.video_id != first.video_id)
        type_query(qtbot, pane, other.metadata["fingerprint"])
        until(lambda: results(pane) and results(pane)[0].video_id == other.video_id,
              "other results")
        until(lambda: strip.strip is not None
              and strip.strip.result_id == results(pane)[0].result_id, "the other strip")
        assert strip.strip.title == results(pane)[0].video_name
        qtbot.mouseMove(strip, QPoint(2, 2))  # over the big picture: the match again
        assert strip.scrub == -1
        # the pointer resting on another row: that result's strip (the selection stays)
        type_query(qtbot, pane, "scene segment")
        until(lambda: len({r.video_id for r in results(pane)}) > 1, "results in several media")
        current = results(pane)[0]
        until(lambda: strip.strip is not None and strip.strip.result_id == current.result_id,
              "the current result's strip")
        row = next(i for i, r in enumerate(results(pane)) if r.video_id != current.video_id)
        pane.table.scrollTo(pane.proxy.index(row, 0))
        rect = pane.table.visualRect(pane.proxy.index(row, SearchColumn.MEDIA))
        qtbot.mouseMove(pane.table.viewport(), rect.center())
        until(lambda: strip.strip is not None
              and strip.strip.result_id == results(pane)[row].result_id, "the rested row's strip")
        assert strip.strip.title == results(pane)[row].video_name
        assert pane.table.currentIndex().row() == 0

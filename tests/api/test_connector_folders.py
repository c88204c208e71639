"""A folder's contents derived from one recursive browse answer (the API lists no folders)."""

from __future__ import annotations

from vvdesk.api.connector_folders import group_folder
from vvdesk.vocab import exact_pattern, name_matches


def row(path: str, size: int = 10, when: str = "2026-01-01T00:00:00Z") -> dict:
    name = path.rsplit("/", 1)[-1]
    return {"path": path, "name": name, "size_bytes": size, "last_modified": when,
            "content_type": None, "extension": name.rsplit(".", 1)[-1]}


def test_own_files_and_sub_folders_with_totals_and_unreadable_rows_counted() -> None:
    answer = [row("in/b.mp4", 5), row("in/A.mov", 7), row("in/"),  # the folder's marker
              row("in/x/1.mp4", 100, "2026-02-01T00:00:00Z"),
              row("in/x/deeper/2.mp4", 50, "2026-03-01T00:00:00Z"), row("in/y/3.mp4", 1),
              row("other/z.mp4"),  # not under the prefix: ignored
              {"path": 5}, {"path": "in/broken.mp4", "name": "broken.mp4"}, "text"]
    listing = group_folder(answer, "in/")
    assert [f.name for f in listing.files] == ["A.mov", "b.mp4"]  # by name, any case
    assert [(d.name, d.path, d.files, d.size_bytes, d.last_modified)
            for d in listing.folders] == [
        ("x", "in/x/", 2, 150, "2026-03-01T00:00:00Z"), ("y", "in/y/", 1, 1,
                                                          "2026-01-01T00:00:00Z")]
    assert listing.unreadable == 3


def test_patterns_match_names_like_the_server_and_one_name_exactly() -> None:
    assert name_matches("clip.mp4", "*.{mp4,mov}") and name_matches("a.mov", "*.{mp4,mov}")
    assert not name_matches("clip.MP4", "*.mp4")  # globs are case-sensitive, as on the server
    assert name_matches("anything", "") and name_matches("x", "  ")
    odd = "take [1] *final?.mp4"
    assert name_matches(odd, exact_pattern(odd))
    assert not name_matches("take 1 final.mp4", exact_pattern(odd))

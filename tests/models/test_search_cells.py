"""How a search result's moment reads in the Time column."""

from __future__ import annotations

from types import SimpleNamespace

from vvdesk.models.search import time_range


def test_a_moment_reads_as_a_range_and_a_picture_as_no_time() -> None:
    assert time_range(SimpleNamespace(start_time=12.0, end_time=30.5)) == "0:12–0:30"
    assert time_range(SimpleNamespace(start_time=3725.0, end_time=3730.0)) == "1:02:05–1:02:10"
    assert time_range(SimpleNamespace(start_time=0.0, end_time=0.0)) == ""  # an image
    assert time_range(SimpleNamespace(start_time=42.0, end_time=42.0)) == "0:42"
    assert time_range(SimpleNamespace(start_time=42.0, end_time=None)) == "0:42"
    assert time_range(SimpleNamespace()) == ""

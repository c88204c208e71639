"""The shared vocabulary: statuses read the same whether the SDK sends enums or strings."""

from __future__ import annotations

import ast
from enum import Enum
from pathlib import Path

from vvdesk import vocab


class Status(Enum):
    COMPLETED = "completed"
    PROCESSING = "processing"


def test_statuses_accept_enums_strings_and_none() -> None:
    assert vocab.run_is_terminal(Status.COMPLETED) and vocab.run_is_terminal("Cancelled")
    assert not vocab.run_is_terminal(None) and not vocab.run_is_terminal("running")
    assert vocab.media_in_progress(Status.PROCESSING)
    assert not vocab.media_in_progress("some_new_state")  # unknown: not polled forever
    assert vocab.export_is_completed(Status.COMPLETED) and not vocab.export_is_terminal("pending")


def test_rules() -> None:
    assert vocab.subpath_problem("../up") and vocab.subpath_problem("a//b")
    assert vocab.subpath_problem("reports/2026") is None
    assert vocab.normalize_subpath("reports/") == "reports"
    assert vocab.media_type("Clip.MOV") == "video" and vocab.media_type("notes.txt") is None
    assert "connector_id" in vocab.automation_problems("import", {})
    assert vocab.automation_problems("export", {"destination_connector_id": "c"}) == {}


def test_no_qt_and_no_sdk() -> None:
    tree = ast.parse(Path(vocab.__file__).read_text())
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import)
                for a in n.names}
    imported |= {(n.module or "").split(".")[0] for n in ast.walk(tree)
                 if isinstance(n, ast.ImportFrom)}
    assert not imported & {"PySide6", "videovector", "httpx", "vvdesk"}


def test_profile_addresses_and_keys_refused_up_front() -> None:
    bad_urls = {
        "https://[::1/api/v2": "not well formed",
        "https://example.com:99999/api/v2": "port",
        "https://my host/api/v2": "no spaces",
        "https://" + "a" * 10_000 + ".com/api/v2": "too long",
    }
    for url, words in bad_urls.items():
        assert words in (vocab.check_base_url(url) or ""), url
    assert vocab.check_base_url("http://[::1]:8080/api/v2") is None
    assert vocab.check_base_url("https://api.vectormethods.com/api/v2") is None
    assert "line break" in (vocab.check_api_key("sk_live_ab\ncd") or "")
    assert "copy it again" in (vocab.check_api_key("sk_live_clé") or "")
    assert vocab.check_api_key("sk_live_" + "f" * 48) is None


def test_origin_is_scheme_host_and_port() -> None:
    assert vocab.same_origin("https://H.example/api/v2", "https://h.example:443/other/api/v2")
    assert not vocab.same_origin("https://h.example/api/v2", "http://h.example/api/v2")
    assert not vocab.same_origin("http://127.0.0.1:8000/api/v2", "http://127.0.0.1:8001/api/v2")
    assert not vocab.same_origin("https://[::1/api/v2", "https://[::1/api/v2")
    assert vocab.origin_text("http://127.0.0.1:8000/api/v2") == "127.0.0.1:8000"

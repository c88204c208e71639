"""The journal keeps rows across a reopen (an app restart) and runs off the UI thread."""

from __future__ import annotations

import threading

from vvdesk.services.journal import Journal


def test_rows_survive_reopen_and_run_in_a_worker_thread(arun, tmp_path):
    path = tmp_path / "j.sqlite3"
    j = Journal(path)
    arun(j.ensure("CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY, v TEXT)"))
    arun(j.execute_many("INSERT INTO t VALUES (?, ?)", [("a", "1"), ("b", "2")]))
    seen: list[str] = []
    original = j._run

    def spy(*args, **kw):
        seen.append(threading.current_thread().name)
        return original(*args, **kw)

    j._run = spy  # type: ignore[method-assign]
    assert [tuple(r) for r in arun(j.execute("SELECT k, v FROM t ORDER BY k"))] == [
        ("a", "1"), ("b", "2")]
    assert seen and seen[0] != threading.main_thread().name
    j.close()
    again = Journal(path)
    assert len(arun(again.execute("SELECT * FROM t"))) == 2
    again.close()

"""Keys never reach logs or settings; settings keep profiles, options and window state."""

from __future__ import annotations

import logging
from pathlib import Path

from vvdesk.log import RedactingFilter, redact, register_secret
from vvdesk.settings import Profile


def test_redaction_of_known_and_shaped_keys(tmp_path: Path):
    secret = "my-very-private-key-123"
    register_secret(secret)
    text = redact(f"calling with {secret} and sk_live_{'ab' * 24} X-API-Key: abcdef123")
    assert secret not in text and "sk_live_ab" not in text and "abcdef123" not in text
    assert text.count("‹redacted›") == 3
    # signed media links: a cloud signature in the query, the sandbox's token in the path
    link = redact("Client error '403' for url 'https://127.0.0.1:8443/media/eyJ1Ijoi.abcDEF_123-"
                  "xyz' and https://storage.example/b/o.mp4?X-Goog-Signature=abc123&e=1 failed")
    assert "eyJ1Ijoi" not in link and "abc123" not in link
    assert "https://127.0.0.1:8443/media/‹redacted›" in link
    assert "https://storage.example/b/o.mp4?‹redacted›" in link

    path = tmp_path / "log.txt"
    handler = logging.FileHandler(path)
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("vvdesk.test.redact")
    logger.addHandler(handler)
    try:
        raise RuntimeError(f"failed with key {secret}")
    except RuntimeError:
        logger.exception("boom %s", secret)
    finally:
        logger.removeHandler(handler)
        handler.close()
    written = path.read_text()
    assert "boom" in written and "RuntimeError" in written
    assert secret not in written


def test_profiles_roundtrip_rename_and_remove(settings):
    settings.save_profile(Profile("b", "https://b/api/v2"))
    settings.save_profile(Profile("A", "https://a/api/v2"))
    assert [p.name for p in settings.profiles()] == ["A", "b"]
    settings.save_profile(Profile("c", "https://a/api/v2"), replacing="A")
    assert [p.name for p in settings.profiles()] == ["b", "c"]
    settings.last_profile = "b"
    settings.remove_profile("b")
    assert settings.last_profile == "" and settings.profile("b") is None


def test_window_state_is_remembered(qtbot, settings):
    from vvdesk.ui.main_window import MainWindow

    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.show()
    w.resize(700, 520)
    w.splitter.setSizes([233, 467])
    w.close()
    again = MainWindow(settings)
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (700, 520)
    assert again.splitter.sizes()[0] == 233


def test_current_tab_survives_pane_swaps_and_restarts(qtbot, settings):
    from vvdesk.ui.main_window import MainWindow
    from vvdesk.ui.panes.tab_pane import TabPane

    class Pane(TabPane):
        def set_index(self, _index: object) -> None:
            pass

    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.tabs.setCurrentIndex(3)  # Automations
    w.set_tab("Media", Pane())
    w.set_tab("Exports", Pane())
    assert w.tabs.tabText(w.tabs.currentIndex()) == "Automations"
    w.close()
    again = MainWindow(settings)
    qtbot.addWidget(again)
    assert again.tabs.tabText(again.tabs.currentIndex()) == "Automations"

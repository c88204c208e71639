"""Logging to a rotating file, Qt messages routed into it, and API keys (and the tokens of
signed media links) scrubbed everywhere.

Redaction is a filter on the root handlers, so a key can't reach the log file, stderr or
the crash dialog even if some code formats it into a message by mistake.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
import sys
import traceback
from pathlib import Path
from types import TracebackType

_KEY_PATTERNS = [
    re.compile(r"sk_(live|test)_[A-Za-z0-9]{8,}"),
    re.compile(r"(?i)(x-api-key|authorization)(['\"]?\s*[:=]\s*['\"]?)([^'\"\s,}]+)"),
]
# signed media links are credentials too: their query (cloud signatures) and the sandbox's
# /media/<token> path; FFmpeg and httpx errors quote the URLs they failed on
_LINK_PATTERNS = [
    (re.compile(r"(https?://[^\s'\"?]+)\?[^\s'\"]+"), r"\1?‹redacted›"),
    (re.compile(r"/media/[A-Za-z0-9._~%-]{16,}"), "/media/‹redacted›"),
]
_known_secrets: set[str] = set()


def register_secret(value: str) -> None:
    """Remember a key so it is masked wherever it would appear in text we produce."""
    if len(value) >= 8:
        _known_secrets.add(value)


def redact(text: str) -> str:
    for secret in _known_secrets:
        text = text.replace(secret, "‹redacted›")
    text = _KEY_PATTERNS[0].sub("‹redacted›", text)
    for pattern, replacement in _LINK_PATTERNS:
        text = pattern.sub(replacement, text)
    return _KEY_PATTERNS[1].sub(lambda m: f"{m.group(1)}{m.group(2)}‹redacted›", text)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = redact(record.getMessage())
        record.msg, record.args = message, None
        if record.exc_info:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)))
            record.exc_info = None
        return True


def log_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_log_dir("vvdesk", appauthor=False))


def setup_logging(level: str = "INFO", directory: Path | None = None) -> Path:
    directory = directory or log_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "vvdesk.log"
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3,
                                                   encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    console = logging.StreamHandler()
    console.setLevel(logging.WARNING)
    console.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.setLevel(level.upper())
    root.addHandler(handler)
    root.addHandler(console)
    for noisy in ("httpx", "httpcore", "asyncio", "qasync"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    _route_qt_messages()
    return path


def _route_qt_messages() -> None:
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    qt_log = logging.getLogger("qt")
    levels = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}

    def handler(kind: QtMsgType, _context: object, message: str) -> None:
        qt_log.log(levels.get(kind, logging.WARNING), "%s", message)

    qInstallMessageHandler(handler)


def install_excepthook() -> None:
    """Uncaught exceptions: log them (redacted) and tell the user, instead of dying silently."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        logging.getLogger("vvdesk.crash").error("uncaught exception", exc_info=(kind, exc, tb))
        try:
            from PySide6.QtWidgets import QApplication, QMessageBox

            if QApplication.instance() is not None:
                QMessageBox.critical(None, "vvdesk: something went wrong",
                                     "Something went wrong inside vvdesk and it could not "
                                     "finish what it was doing. Your data is safe; the "
                                     f"details are in the log file ({log_dir()}). If it "
                                     "happens again, restart vvdesk.")
        except Exception:  # the hook must never raise
            sys.__excepthook__(kind, exc, tb)

    sys.excepthook = hook

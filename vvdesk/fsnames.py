"""File names exactly as the OS gives them, and as text that people and servers can read.

On Linux a file name is bytes: `caf\\xe9.mp4` is a valid name that is not valid UTF-8.
Python hands it over as a str with a lone surrogate (`caf\\udce9.mp4`, PEP 383), which
opens the right file but cannot be written as UTF-8 (SQLite, HTTP headers, Qt). So the
path is kept exact for opening and storing, and `readable()` is what is shown or sent as a
title: the undecodable bytes become U+FFFD.
"""

from __future__ import annotations

import os

REPLACEMENT = "\ufffd"


def is_text(s: str) -> bool:
    """True when `s` is plain Unicode (no lone surrogates standing in for raw bytes)."""
    if s.isascii():
        return True
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def readable(s: str) -> str:
    """`s` with every undecodable byte (or lone surrogate) shown as U+FFFD."""
    if is_text(s):
        return s
    return "".join(REPLACEMENT if "\ud800" <= ch <= "\udfff" else ch for ch in s)


def to_journal(path: str) -> str | bytes:
    """What to store for a path: the text itself, or the OS's exact bytes when it is not
    valid Unicode (stored as a BLOB; `from_journal` gives the same str back)."""
    return path if is_text(path) else os.fsencode(path)


def from_journal(value: str | bytes) -> str:
    return os.fsdecode(value) if isinstance(value, bytes) else value

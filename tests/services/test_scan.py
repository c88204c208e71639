"""Folder expansion: the right files are queued and everything else is skipped with a reason."""

from __future__ import annotations

import os
import socket

from vvdesk.services.scan import (
    ALREADY_QUEUED,
    EMPTY,
    NO_MEDIA,
    NOT_REGULAR,
    UNREADABLE,
    UNSUPPORTED,
    scan,
    summary,
)


def make_tree(root):
    (root / "clips" / "nested").mkdir(parents=True)
    (root / "clips" / "a.mp4").write_bytes(b"x" * 10)
    (root / "clips" / "B.MOV").write_bytes(b"x" * 20)
    (root / "clips" / "song.flac").write_bytes(b"x" * 5)
    (root / "clips" / "nested" / "pic.heic").write_bytes(b"x" * 3)
    (root / "clips" / "notes.txt").write_text("hello")
    (root / "clips" / "README").write_text("no extension")
    (root / "clips" / "empty.mkv").write_bytes(b"")
    os.symlink(root / "gone.mp4", root / "clips" / "broken.mp4")
    os.mkfifo(root / "clips" / "pipe.mp4")
    (root / "nothing").mkdir()
    return root / "clips"


def test_folder_expands_to_supported_media_and_lists_every_skip(tmp_path):
    clips = make_tree(tmp_path)
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(clips / "s.mp4"))
    try:
        result = scan([clips, tmp_path / "nothing", clips / "a.mp4"])
    finally:
        sock.close()
    names = sorted(os.path.basename(f.path) for f in result.files)
    assert names == ["B.MOV", "a.mp4", "pic.heic", "song.flac"]
    kinds = {os.path.basename(f.path): f.media_type for f in result.files}
    assert kinds == {"B.MOV": "video", "a.mp4": "video", "pic.heic": "image",
                     "song.flac": "audio"}
    assert {os.path.basename(f.path): f.size for f in result.files}["B.MOV"] == 20
    reasons = {os.path.basename(s.path): s.reason for s in result.skipped}
    assert reasons["notes.txt"] == f"{UNSUPPORTED}: .txt"
    assert reasons["README"] == f"{UNSUPPORTED}: no extension"
    assert reasons["empty.mkv"] == EMPTY
    assert reasons["broken.mp4"].startswith(UNREADABLE)
    assert reasons["pipe.mp4"] == NOT_REGULAR
    assert reasons["s.mp4"] == NOT_REGULAR
    assert reasons["nothing"] == NO_MEDIA
    assert reasons["a.mp4"] == ALREADY_QUEUED  # dropped twice: once in the folder, once alone
    assert summary(result.skipped)[UNSUPPORTED] == 2


def test_paths_already_in_the_queue_are_skipped(tmp_path):
    f = tmp_path / "x.webm"
    f.write_bytes(b"data")
    result = scan([f], queued=[str(f)])
    assert result.files == []
    assert [s.reason for s in result.skipped] == [ALREADY_QUEUED]

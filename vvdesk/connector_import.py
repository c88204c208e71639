"""A one-time import from a storage connector, with no Qt and no SDK in it.

What the user asked for (`ImportRequest`), where a transfer row's files come from
(`ImportSource`), the job's per-file counts (`FileCounts`) and each file's outcome in words
(`FileOutcome`, from the server's per-file records): the transfer queue, its journal, the
model and the details dialog all read these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# What the server says about a skipped file (`skip_reason`), in words. Codes not listed
# here are shown as words made from the code itself (never dropped).
SKIP_REASONS = {
    "unsupported_file_type": "Not a video, audio or image type the service imports.",
    "already_imported": "Imported before (the connector imports new files only).",
    "duplicate": "Imported before (the connector imports new files only).",
    "too_large": "Larger than the service accepts.",
}
# What the server says about a failed file (`failure.code`) when it gives no message.
FAILURE_CODES = {
    "empty_file": "The file is empty.",
    "source_not_found": "The file is no longer in the storage bucket.",
    "unreadable": "The file could not be read from the storage bucket.",
    "decode_failed": "The file is not a media file the service can read.",
}


def _code_words(code: str) -> str:
    text = code.replace("_", " ").strip()
    return (text[:1].upper() + text[1:] + ".") if text else ""


def skip_words(code: str | None) -> str:
    """Why a file was skipped, in words."""
    if not code:
        return "Skipped by the server (no reason given)."
    return SKIP_REASONS.get(code) or _code_words(code)


def failure_words(failure: dict[str, Any] | None) -> str:
    """Why a file failed, in words: the server's own message when it has one."""
    if not failure:
        return "The server could not import this file (no reason given)."
    message = failure.get("message") or failure.get("error")
    if isinstance(message, str) and message.strip():
        return message.strip()
    code = failure.get("code")
    if isinstance(code, str) and code:
        return FAILURE_CODES.get(code) or _code_words(code)
    return "The server could not import this file (no reason given)."


@dataclass(frozen=True)
class ImportSource:
    """Where an import row's files come from and what runs on them afterwards."""

    connector_id: str
    connector_name: str
    prefix: str = ""  # "" = the whole bucket
    pattern: str = "*"
    recursive: bool = True
    prompt_id: str | None = None
    prompt_name: str = ""

    @property
    def folder(self) -> str:
        return self.prefix or "the whole bucket"

    def describe(self) -> str:
        """Files, pattern and subfolders in words (a tooltip)."""
        which = "all files" if self.pattern in ("", "*") else f"files matching {self.pattern}"
        deep = " and its subfolders" if self.recursive else ""
        text = f"{which.capitalize()} in {self.folder}{deep} of “{self.connector_name}”"
        if self.prompt_id:
            text += f"; then run “{self.prompt_name or 'the prompt'}” on them"
        return text + "."

    def to_json(self) -> dict[str, Any]:
        return {"connector_id": self.connector_id, "connector_name": self.connector_name,
                "prefix": self.prefix, "pattern": self.pattern, "recursive": self.recursive,
                "prompt_id": self.prompt_id, "prompt_name": self.prompt_name}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportSource:
        return cls(str(data.get("connector_id") or ""), str(data.get("connector_name") or ""),
                   str(data.get("prefix") or ""), str(data.get("pattern") or "*"),
                   bool(data.get("recursive", True)), data.get("prompt_id") or None,
                   str(data.get("prompt_name") or ""))


@dataclass(frozen=True)
class ImportRequest:
    """What the import dialog asks for: the source, and the index by id and name."""

    source: ImportSource
    index_id: str
    index_name: str


@dataclass(frozen=True)
class FileCounts:
    """An import job's files: how many in all, imported, failed, skipped; bytes read."""

    total: int = 0
    imported: int = 0
    failed: int = 0
    skipped: int = 0
    bytes: int = 0

    @property
    def settled(self) -> int:
        return self.imported + self.failed + self.skipped

    def words(self) -> str:
        """"3 imported · 1 failed · 1 skipped" (only the counts that are not 0)."""
        parts = [f"{self.imported} imported"]
        if self.failed:
            parts.append(f"{self.failed} failed")
        if self.skipped:
            parts.append(f"{self.skipped} skipped")
        return " · ".join(parts)

    def to_json(self) -> dict[str, int]:
        return {"total": self.total, "imported": self.imported, "failed": self.failed,
                "skipped": self.skipped, "bytes": self.bytes}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileCounts:
        return cls(*(int(data.get(k) or 0) for k in ("total", "imported", "failed",
                                                      "skipped", "bytes")))


@dataclass(frozen=True)
class FileOutcome:
    """One source file of an import and what became of it, in words."""

    name: str
    outcome: str  # "Imported", "Failed", "Skipped", "Waiting", …
    why: str = ""
    failed: bool = False

    @classmethod
    def from_record(cls, file_name: str, status: str, failure: dict[str, Any] | None,
                    skip_reason: str | None) -> FileOutcome:
        """From the server's per-file record (`ImportSourceFile` fields)."""
        status = (status or "").lower()
        if status == "failed" or failure:
            return cls(file_name, "Failed", failure_words(failure), failed=True)
        if status == "skipped":
            return cls(file_name, "Skipped", skip_words(skip_reason))
        shown = {"completed": "Imported", "imported": "Imported", "importing": "Importing",
                 "pending": "Waiting", "cancelled": "Not imported (cancelled)"}
        return cls(file_name, shown.get(status, _code_words(status) or "Unknown"))


def failed_text(counts: FileCounts, server_message: str | None) -> str:
    """The error a partly failed import row shows, in words, with what to do next."""
    files = counts.failed
    if files:
        head = (f"{files} of {counts.total - counts.skipped} file"
                f"{'s' if counts.total - counts.skipped != 1 else ''} could not be imported.")
    else:
        head = (server_message or "The import failed on the server").rstrip(".") + "."
    return head + " Double-click it for why; Retry imports the failed files again."


def folder_problem(value: str) -> str | None:
    """Why `value` is not a folder of the bucket to import from, or None ("" = all)."""
    if value == "":
        return None
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        return "The folder may not contain control characters."
    if value.startswith("/"):
        return "The folder is inside the bucket: remove the leading “/”."
    if "\\" in value:
        return "Use “/” between folders, not a backslash."
    segments = value.rstrip("/").split("/")
    if any(s == "" for s in segments):
        return "The folder has an empty folder name (“//”)."
    if any(s in ("..", ".") for s in segments):
        return "The folder may not contain “..” or “.”: it must stay inside the bucket."
    return None


def pattern_problem(value: str) -> str | None:
    """Why `value` is not a file-name pattern, or None ("" = every file)."""
    if "/" in value:
        return "The pattern matches file names only: choose the folder above instead of “/”."
    if value.count("{") != value.count("}"):
        return "The pattern has a “{” without its “}” (e.g. *.{mp4,mov})."
    return None


def as_prefix(folder: str) -> str:
    """The folder as the key prefix the server matches ("clips" → "clips/")."""
    folder = folder.strip()
    return folder if not folder or folder.endswith("/") else folder + "/"

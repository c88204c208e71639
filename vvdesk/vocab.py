"""The API's words and rules, once: statuses, media types, field checks (no Qt, no SDK).

ui, models, services and controllers all import this module, so a status set or a
validation rule exists in one place. Checking a field here first lets a dialog show the
reason next to the field; the server still answers 422 for anything that slips through.
"""

from __future__ import annotations

import ipaddress
from enum import StrEnum
from pathlib import PurePath
from typing import Any, Literal
from urllib.parse import urlsplit


# outcomes ---------------------------------------------------------------------------------
class ProblemKind(StrEnum):
    """What kind of failure an ApiProblem is (vvdesk/api/errors.py): code branches on
    this, never on the message."""

    AUTH = "auth"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    INVALID = "invalid"
    RATE_LIMITED = "rate_limited"
    SERVER = "server"
    OFFLINE = "offline"
    TIMEOUT = "timeout"
    TLS = "tls"
    BAD_RESPONSE = "bad_response"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"


class NoticeAction(StrEnum):
    """The one thing a notice (banner, tray message) offers to do; the UI picks its label."""

    NONE = ""
    DOWNLOAD = "download"
    EXPORT_AGAIN = "export_again"
    OPEN_PROFILES = "open_profiles"


# statuses -------------------------------------------------------------------------------
RUN_TERMINAL = frozenset({"completed", "completed_with_failures", "failed", "cancelled"})
RUN_EXPORTABLE = frozenset({"completed", "completed_with_failures"})  # has results
EXPORT_TERMINAL = frozenset({"completed", "failed"})
EXPORT_RECREATABLE = frozenset({"completed", "failed"})  # "Export again" makes sense
IMPORT_JOB_TERMINAL = frozenset({"completed", "failed", "cancelled"})
MEDIA_IN_PROGRESS = frozenset({"processing", "pending", "queued", "importing", "running",
                               "uploading", "scanning"})


def status_text(status: Any) -> str:
    """A status as the server sent it (enum or str), lower-case, '' for None."""
    if status is None:
        return ""
    return str(getattr(status, "value", status)).lower()


def run_is_terminal(status: Any) -> bool:
    return status_text(status) in RUN_TERMINAL


def run_is_exportable(status: Any) -> bool:
    return status_text(status) in RUN_EXPORTABLE


def export_is_terminal(status: Any) -> bool:
    return status_text(status) in EXPORT_TERMINAL


def export_is_completed(status: Any) -> bool:
    return status_text(status) == "completed"


def media_in_progress(status: Any) -> bool:
    return status_text(status) in MEDIA_IN_PROGRESS


def import_job_is_terminal(status: Any) -> bool:
    return status_text(status) in IMPORT_JOB_TERMINAL


# media types (contract §2.2) ---------------------------------------------------------------
VIDEO_EXTS = frozenset({"mp4", "avi", "mkv", "mov", "webm"})
AUDIO_EXTS = frozenset({"mp3", "wav", "flac", "m4a", "ogg", "aac"})
IMAGE_EXTS = frozenset({"jpg", "jpeg", "png", "webp", "gif", "bmp", "tiff", "heic", "heif"})
SUPPORTED_EXTS = VIDEO_EXTS | AUDIO_EXTS | IMAGE_EXTS


def extension(name: str | PurePath) -> str:
    """Lower-case extension without the dot ('' when there is none)."""
    return PurePath(name).suffix.lower().lstrip(".")


def media_type(name: str | PurePath) -> str | None:
    """'video', 'audio' or 'image' for a supported file name, else None."""
    ext = extension(name)
    if ext in VIDEO_EXTS:
        return "video"
    if ext in AUDIO_EXTS:
        return "audio"
    if ext in IMAGE_EXTS:
        return "image"
    return None


def file_dialog_filter() -> str:
    """A file dialog name filter for the supported media files."""
    patterns = " ".join(f"*.{e}" for e in sorted(SUPPORTED_EXTS))
    return f"Media files ({patterns});;All files (*)"


# export destination sub-path (contract §4.5) -----------------------------------------------
MAX_PATH_CHARS = 1024  # a whole sub-path or folder prefix (the server answers 422 beyond)
MAX_NAME_BYTES = 255  # one folder name, in UTF-8 bytes


def path_text_problem(value: str, what: str = "The sub-path") -> str | None:
    """Characters and lengths no file system takes: control characters (NUL, line
    breaks, tabs), more than MAX_PATH_CHARS characters, a folder name over 255 bytes."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        return f"{what} contains an invisible control character (such as a line break or " \
               "NUL). Type it again without it."
    if len(value) > MAX_PATH_CHARS:
        return f"{what} is {len(value):,} characters long; the limit is " \
               f"{MAX_PATH_CHARS:,}. Shorten it."
    if any(len(s.encode()) > MAX_NAME_BYTES for s in value.split("/")):
        return f"A folder name in {what.lower()} is longer than {MAX_NAME_BYTES} bytes. " \
               "Shorten it."
    return None


def subpath_problem(value: str) -> str | None:
    """Why `value` is not an acceptable destination sub-path, or None (empty is allowed)."""
    if value == "":
        return None
    if why := path_text_problem(value):
        return why
    if value.startswith("/"):
        return "The sub-path must be relative: remove the leading “/”."
    if "\\" in value:
        return "Use “/” between folders, not a backslash."
    segments = value.rstrip("/").split("/")
    if any(s == "" for s in segments):
        return "The sub-path has an empty folder name (“//”)."
    if any(s in ("..", ".") for s in segments):
        return "The sub-path may not contain “..” or “.” folders: it must stay inside " \
               "the connector's export folder."
    if value != value.strip():
        return "The sub-path may not start or end with spaces."
    return None


def normalize_subpath(value: str) -> str | None:
    """The value to send: None when empty, without a trailing slash."""
    value = value.rstrip("/")
    return value or None


# automations (contract §6) -----------------------------------------------------------------
AutomationKind = Literal["import", "export"]
DEBOUNCE_CHOICES = ("5m", "10m", "1h", "1d")
IMPORT_FIELDS = ("enabled", "paused", "connector_id", "source_prefix", "file_pattern",
                 "recursive", "debounce_interval", "prompt_preset")
EXPORT_FIELDS = ("enabled", "paused", "destination_connector_id", "destination_subpath")


def import_problems(cfg: dict[str, Any]) -> dict[str, str]:
    """Field → why it cannot be sent, for an import automation body."""
    problems: dict[str, str] = {}
    if not cfg.get("connector_id"):
        problems["connector_id"] = "Choose the connector to watch."
    prefix = str(cfg.get("source_prefix", "") or "")
    if prefix.startswith("/"):
        problems["source_prefix"] = "The folder is relative to the bucket: remove the leading “/”."
    elif why := path_text_problem(prefix, "The folder"):
        problems["source_prefix"] = why
    pattern = str(cfg.get("file_pattern", "") or "")
    if not pattern.strip():
        problems["file_pattern"] = "Enter a file pattern, for example *.mp4 or *.{mp4,mov}."
    elif why := path_text_problem(pattern, "The file pattern"):
        problems["file_pattern"] = why
    if cfg.get("debounce_interval") not in DEBOUNCE_CHOICES:
        problems["debounce_interval"] = "Choose one of 5m, 10m, 1h or 1d."
    preset = cfg.get("prompt_preset") or {}
    if not (isinstance(preset, dict) and preset.get("prompt_id")):
        problems["prompt_preset"] = "Choose the prompt to run on new media."
    return problems


def export_problems(cfg: dict[str, Any]) -> dict[str, str]:
    """Field → why it cannot be sent, for an export automation body."""
    problems: dict[str, str] = {}
    if not cfg.get("destination_connector_id"):
        problems["destination_connector_id"] = "Choose the connector that receives exports."
    if why := subpath_problem(str(cfg.get("destination_subpath") or "")):
        problems["destination_subpath"] = why
    return problems


def automation_problems(kind: AutomationKind, cfg: dict[str, Any]) -> dict[str, str]:
    return import_problems(cfg) if kind == "import" else export_problems(cfg)


# base URL of a profile ---------------------------------------------------------------------
def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return host == "localhost"
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_base_url(url: str) -> str | None:
    """Why this base URL cannot hold an API key, or None when it is fine."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "Enter a full address such as https://api.vectormethods.com/api/v2."
    if parts.username or parts.password or parts.query or parts.fragment:
        return "The address must not contain a user name, a query or a fragment."
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        return ("Plain http would send the API key unencrypted; use https "
                "(http is allowed only for this computer, e.g. the sandbox).")
    if not parts.path.rstrip("/").endswith("/api/v2"):
        return "The address should end in /api/v2 (for example https://host/api/v2)."
    return None

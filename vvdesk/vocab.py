"""The API's words and rules, once: statuses, media types, field checks (no Qt, no SDK).

ui, models, services and controllers all import this module, so a status set or a
validation rule exists in one place. Checking a field here first lets a dialog show the
reason next to the field; the server still answers 422 for anything that slips through.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import re
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
    DOWNLOAD_ALL = "download_all"  # every export of a "N exports are ready" notice
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


# words a person reads -------------------------------------------------------------------
# Statuses and option values as the API spells them → as a person reads them. A value not
# listed reads as itself with "_" as spaces and a capital (a new server status still shows).
WORDS = {
    "not_processed": "Not processed", "processing": "Processing", "processed": "Processed",
    "pending": "Waiting", "queued": "Queued", "running": "Running", "importing": "Importing",
    "uploading": "Uploading", "scanning": "Scanning", "uploaded": "Uploaded",
    "completed": "Completed", "completed_with_failures": "Completed with failures",
    "failed": "Failed", "cancelled": "Cancelled", "cancelling": "Cancelling",
    "partial": "Partly completed", "deleting": "Deleting", "expired": "Expired",
    "smart": "Smart", "fixed": "Fixed length", "content_aware": "Content-aware",
    "image": "Image", "video": "Video", "audio": "Audio",
    "index": "Index", "prompt_run": "Run", "videos": "Selected media",
    "download": "Download", "connector": "Connector",
}


# Storage providers a connector points at, by the names people know them by.
PROVIDERS = {"s3": "Amazon S3", "gcs": "Google Cloud Storage", "azure": "Azure Blob Storage"}
# A connector's import mode, short (a list cell; the form says it at length).
IMPORT_MODES = {"all": "All files", "new_only": "New files only"}


def words(value: Any) -> str:
    """A status or option value in words: "completed_with_failures" → "Completed with
    failures"; '' for None. The raw value stays the data (and the tooltip) where it matters."""
    raw = str(getattr(value, "value", value)) if value is not None else ""
    key = raw.lower()
    if key in WORDS:
        return WORDS[key]
    text = raw.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


# Request fields the server names in its 422s → the label of the field a person filled in.
FIELD_LABELS = {
    "connector_id": "Connector", "destination_connector_id": "Connector",
    "source_prefix": "Folder", "file_pattern": "Files",
    "debounce_interval": "Wait after last change", "prompt_preset": "Prompt to run",
    "prompt_preset.prompt_id": "Prompt to run", "destination_subpath": "Sub-folder",
    "prompt_run_ids": "Runs", "name": "Name", "scopes": "Use for",
    "import_mode": "Import", "credentials_file": "Service account key",
    "description": "Description", "json_schema": "Output fields", "prompt_id": "Prompt",
    "video_segment_duration": "Video segment length",
    "audio_segment_duration": "Audio segment length",
    "video_segmentation_type": "Video segments", "audio_segmentation_type": "Audio segments",
    "export_base_path": "Export folder", "title": "Title", "uri": "URI",
}
_FIELD_NAME = re.compile(r"\b[a-z]+(?:[._][a-z]+)+\b|\b(?:name|scopes|title|uri|description)\b")


def field_label(field: str | None) -> str:
    """The label a person knows for a server field name ("destination_subpath" → "Sub-folder")."""
    if not field:
        return ""
    return FIELD_LABELS.get(field) or FIELD_LABELS.get(field.split(".")[0]) \
        or words(field.split(".")[-1])


def with_field_labels(message: str) -> str:
    """A server message with the field names it quotes replaced by their labels in quotes:
    "source_prefix must be relative" → "“Folder” must be relative"."""
    def swap(m: re.Match[str]) -> str:
        name = m.group(0)
        label = FIELD_LABELS.get(name)
        return f"“{label}”" if label else name
    return _FIELD_NAME.sub(swap, message)


_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def download_name(title: str, date: str, ext: str = "json") -> str:
    """A file name that reads well, "Demo archive 2026-12-01.json": no folder separators,
    control or reserved characters, no leading dots, at most ~120 characters."""
    base = _UNSAFE_IN_NAME.sub("-", f"{title} {date}".strip()).strip(" .-")
    base = re.sub(r"\s+", " ", base)[:120].rstrip(" .") or "export"
    return f"{base}.{ext}"


# media types (contract §2.2) ---------------------------------------------------------------
VIDEO_EXTS = frozenset({"mp4", "avi", "mkv", "mov", "webm"})
AUDIO_EXTS = frozenset({"mp3", "wav", "flac", "m4a", "ogg", "aac"})
IMAGE_EXTS = frozenset({"jpg", "jpeg", "png", "webp", "gif", "bmp", "tiff", "heic", "heif"})
SUPPORTED_EXTS = VIDEO_EXTS | AUDIO_EXTS | IMAGE_EXTS


def extension(name: str | PurePath) -> str:
    """Lower-case extension without the dot ('' when there is none)."""
    return PurePath(name).suffix.lower().lstrip(".")


class MediaKind(StrEnum):
    """How a media item is previewed (the API's `media_type`; unknown types play as video)."""

    VIDEO = "video"
    AUDIO = "audio"
    IMAGE = "image"

    @classmethod
    def of(cls, media_type: str | None) -> MediaKind:
        try:
            return cls(media_type or "video")
        except ValueError:
            return cls.VIDEO


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


def relative_folder_problem(value: str, what: str, inside: str) -> str | None:
    """Why `value` is not an acceptable folder relative to `inside` (a connector's export
    folder, a bucket), or None (empty is allowed). `what` names the field in the message."""
    if value == "":
        return None
    if why := path_text_problem(value, what):
        return why
    if value.startswith("/"):
        return f"{what} must be relative to {inside}: remove the leading “/”."
    if "\\" in value:
        return "Use “/” between folders, not a backslash."
    segments = value.rstrip("/").split("/")
    if any(s == "" for s in segments):
        return f"{what} has an empty folder name (“//”)."
    if any(s in ("..", ".") for s in segments):
        return f"{what} may not contain “..” or “.” folders: it must stay inside {inside}."
    if value != value.strip():
        return f"{what} may not start or end with spaces."
    return None


def subpath_problem(value: str) -> str | None:
    """Why `value` is not an acceptable destination sub-path, or None (empty is allowed)."""
    return relative_folder_problem(value, "The sub-path", "the connector's export folder")


def import_folder_problem(value: str) -> str | None:
    """Why `value` is not an acceptable folder to watch in a bucket, or None (empty watches
    the whole bucket). The same rules as an export sub-path."""
    return relative_folder_problem(value, "The folder", "the bucket")


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
    if why := import_folder_problem(str(cfg.get("source_prefix", "") or "")):
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


MAX_HOST_CHARS = 253  # a DNS name's limit
MAX_KEY_CHARS = 512
_HOST_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
FULL_ADDRESS = "Enter a full address such as https://api.vectormethods.com/api/v2."


def _host_problem(host: str) -> str | None:
    if len(host) > MAX_HOST_CHARS:
        return f"The server name is too long (at most {MAX_HOST_CHARS} characters)."
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    labels = host.rstrip(".").split(".")
    if not all(_HOST_LABEL.fullmatch(label) for label in labels):
        return ("The server name may only hold letters, digits, dots and dashes "
                "(no spaces); check the address.")
    return None


def check_base_url(url: str) -> str | None:
    """Why this base URL cannot hold an API key, or None when it is fine."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port  # raises for a port outside 0-65535 or not a number
        host = parts.hostname
    except ValueError as exc:
        if "port" in str(exc).lower():
            return "The port must be a number from 1 to 65535."
        return "The address is not well formed (check the brackets around an IPv6 address)."
    if parts.scheme not in ("http", "https") or not host:
        return FULL_ADDRESS
    if port == 0:
        return "The port must be a number from 1 to 65535."
    if why := _host_problem(host):
        return why
    if parts.username or parts.password or parts.query or parts.fragment:
        return "The address must not contain a user name, a query or a fragment."
    if parts.scheme == "http" and not is_loopback(host):
        return ("Plain http would send the API key unencrypted; use https "
                "(http is allowed only for this computer, e.g. the sandbox).")
    if not parts.path.rstrip("/").endswith("/api/v2"):
        return "The address should end in /api/v2 (for example https://host/api/v2)."
    return None


def origin_text(url: str) -> str:
    """The origin as a person reads it: host, or host:port when the port is not the default."""
    o = origin(url)
    if o is None:
        return url
    scheme, host, port = o
    default = 443 if scheme == "https" else 80
    host = f"[{host}]" if ":" in host else host
    return host if port == default else f"{host}:{port}"


def origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of a base URL, with the default port filled in; None if unusable.

    A stored API key goes only to the origin its profile was saved with.
    """
    try:
        parts = urlsplit(url.strip())
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host:
        return None
    return scheme, host.lower().rstrip("."), port or (443 if scheme == "https" else 80)


def same_origin(a: str, b: str) -> bool:
    oa = origin(a)
    return oa is not None and oa == origin(b)


def check_api_key(key: str) -> str | None:
    """Why this API key cannot be sent in a header, or None (empty is the caller's rule)."""
    if len(key) > MAX_KEY_CHARS:
        return f"The key is too long (at most {MAX_KEY_CHARS} characters); paste only the key."
    if any(c.isspace() for c in key):
        return "The key holds a space or a line break; paste only the key, on one line."
    if not key.isascii() or not key.isprintable():
        return ("The key holds characters an API key never has (accented letters, symbols "
                "outside ASCII or control characters); copy it again from your account.")
    return None


# file patterns (connector browser filter, import patterns) ------------------------------
# matched like the server does: a glob on the file *name*, `{a,b}` alternatives
def expand_braces(pattern: str) -> list[str]:
    match = re.search(r"\{([^{}]*)\}", pattern)
    if match is None:
        return [pattern]
    head, tail = pattern[:match.start()], pattern[match.end():]
    return [p for option in match.group(1).split(",") for p in expand_braces(head + option + tail)]


def name_matches(name: str, pattern: str) -> bool:
    return any(fnmatch.fnmatchcase(name, g) for g in expand_braces(pattern.strip() or "*"))


def exact_pattern(name: str) -> str:
    """A pattern that matches exactly this file name (glob characters made literal)."""
    return re.sub(r"([*?\[{}])", r"[\1]", name)

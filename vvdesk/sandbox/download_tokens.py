"""Minted export download URLs (contract §4.4): short-lived bearer tokens.

Token: ``v1.<payload>.<signature>``, both parts unpadded base64url. The payload is
the compact JSON ``{"e": export_id, "x": expiry epoch seconds, "n": random nonce}``;
the signature is HMAC-SHA256 over ``"v1." + payload`` with a per-data-dir secret
(kept in the settings table, so tokens survive a restart). A token is good for its
one export until it expires (``ttl`` real seconds, default 900, settable through the
control API) and may be used more than once inside that time. Fetching with a token
needs no API key; the sandbox notes which credential headers such a request carried
(``GET /_sandbox/download-log``) so tests can prove none were sent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from . import clock
from .db import Store

DEFAULT_TTL_SECONDS = 900
SECRET_SETTING = "download_token_secret"
TTL_SETTING = "download_url_ttl_seconds"
CREDENTIAL_HEADERS = ("x-api-key", "authorization", "cookie", "proxy-authorization")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _secret(store: Store) -> bytes:
    value = store.setting(SECRET_SETTING)
    if value is None:
        value = secrets.token_hex(32)
        store.set_setting(SECRET_SETTING, value)
    return bytes.fromhex(value)


def ttl_seconds(store: Store) -> float:
    raw = store.setting(TTL_SETTING)
    return float(raw) if raw is not None else float(DEFAULT_TTL_SECONDS)


def mint(store: Store, export_id: str) -> str:
    """A fresh token for ``export_id``."""
    claims = {"e": export_id, "x": round(clock.now() + ttl_seconds(store), 3),
              "n": secrets.token_hex(8)}
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signature = hmac.new(_secret(store), f"v1.{payload}".encode(), hashlib.sha256).digest()
    return f"v1.{payload}.{_b64(signature)}"


def minted_url(scheme: str, host: str, port: int | None, export_id: str, token: str) -> str:
    netloc = host if port is None else f"{host}:{port}"
    return (f"{scheme}://{netloc}/api/v2/exports/{quote(export_id, safe='')}/download"
            f"?token={quote(token, safe='')}")


def check(store: Store, token: str, export_id: str) -> str | None:
    """Why ``token`` does not open ``export_id`` now (``None``: it does)."""
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != "v1":
        return "malformed"
    expected = hmac.new(_secret(store), f"v1.{parts[1]}".encode(), hashlib.sha256).digest()
    try:
        given = _unb64(parts[2])
        claims = json.loads(_unb64(parts[1]))
    except ValueError:
        return "malformed"
    if not hmac.compare_digest(given, expected) or not isinstance(claims, dict):
        return "bad_signature"
    if claims.get("e") != export_id:
        return "wrong_export"
    if not isinstance(claims.get("x"), (int, float)) or claims["x"] < clock.now():
        return "expired"
    return None


@dataclass
class DownloadLog:
    """Token downloads seen by this process: which credential headers they carried."""

    entries: list[dict[str, Any]] = field(default_factory=list)

    def note(self, export_id: str, headers: dict[str, str], outcome: str) -> None:
        present = sorted(h for h in CREDENTIAL_HEADERS if h in headers)
        self.entries.append({"export_id": export_id, "at": clock.iso(), "outcome": outcome,
                             "credential_headers": present,
                             "user_agent": headers.get("user-agent")})

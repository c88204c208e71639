"""Idempotency receipts (contract §0.5).

A receipt is keyed by API-key hash + method + path + Idempotency-Key and stores a
fingerprint of the decoded request plus the original status and body. Same key and
same fingerprint replays the original answer; same key with a different
fingerprint is a 409 ``idempotency_request_mismatch``. Only successful answers are
recorded, so a rejected request can be corrected and retried with the same key.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from . import clock
from .db import Store
from .errors import conflict


@dataclass
class Receipt:
    status: int
    body: Any


def fingerprint(payload: Any) -> str:
    """Stable hash of a decoded request (JSON canonicalised, keys sorted)."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def scope_of(key_hash: str, method: str, path: str, idem_key: str) -> str:
    return f"{key_hash}|{method.upper()}|{path}|{idem_key}"


def lookup(store: Store, scope: str, print_: str) -> Receipt | None:
    """Replay for a known key, ``None`` for a fresh key, 409 for a reused key."""
    raw = store.conn.execute(
        "SELECT fingerprint, status, body FROM receipts WHERE scope=?", (scope,)
    ).fetchone()
    if raw is None:
        return None
    if raw["fingerprint"] != print_:
        raise conflict(
            "idempotency_request_mismatch",
            "Idempotency-Key was already used with a different request",
        )
    return Receipt(int(raw["status"]), json.loads(raw["body"]))


def record(store: Store, scope: str, print_: str, status: int, body: Any) -> None:
    store.conn.execute(
        "INSERT OR REPLACE INTO receipts(scope, fingerprint, status, body, created_at) "
        "VALUES (?,?,?,?,?)",
        (scope, print_, status, json.dumps(body), clock.now()),
    )

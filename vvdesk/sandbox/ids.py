"""Resource identifier minting (prefix + random hex, like the real service)."""

from __future__ import annotations

import uuid


def new_id(prefix: str) -> str:
    """Return ``<prefix>_<16 hex chars>``."""
    return f"{prefix}_{uuid.uuid4().hex[:16]}"

"""Process-wide state shared by routes and the simulation worker."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.requests import Request

from .clock import SimClock
from .db import Store
from .download_tokens import DownloadLog
from .faults import FaultBook
from .ratelimit import DEFAULT_PER_HOUR, DEFAULT_PER_MINUTE, RateLimiter


@dataclass
class Settings:
    """Command-line configuration."""

    data_dir: Path
    api_key: str
    time_scale: float = 1.0
    seed_demo: bool = False
    https: bool = False
    rate_per_minute: int = DEFAULT_PER_MINUTE
    rate_per_hour: int = DEFAULT_PER_HOUR


@dataclass
class Hooks:
    """Callbacks other modules register so simulation steps can trigger automations."""

    import_completed: list[Callable[[Any, Any], None]] = field(default_factory=list)
    run_finished: list[Callable[[Any, Any], None]] = field(default_factory=list)
    export_finished: list[Callable[[Any, Any], None]] = field(default_factory=list)


@dataclass
class Context:
    """Everything a handler needs; one per server process."""

    settings: Settings
    store: Store
    clock: SimClock
    faults: FaultBook = field(default_factory=FaultBook)
    hooks: Hooks = field(default_factory=Hooks)
    paused: bool = False  # simulation on hold (control API): jobs keep their current state
    limiter: RateLimiter = field(init=False)
    download_log: DownloadLog = field(default_factory=DownloadLog)
    search_cache: Any = None  # search_store.VectorCache, loaded on the first search
    links: dict[str, tuple[str, float]] = field(default_factory=dict)  # name -> (url, expiry)

    def __post_init__(self) -> None:
        self.limiter = RateLimiter.create(self.store, self.settings.rate_per_minute,
                                          self.settings.rate_per_hour)

    @property
    def key_hash(self) -> str:
        return hashlib.sha256(self.settings.api_key.encode()).hexdigest()

    @property
    def user_id(self) -> str:
        """Stable tenant id derived from the API key (the key itself is never stored)."""
        return f"user_{self.key_hash[:12]}"

    @property
    def blob_dir(self) -> Path:
        return self.settings.data_dir / "blobs"

    @property
    def tmp_dir(self) -> Path:
        return self.settings.data_dir / "tmp"

    @property
    def buckets_dir(self) -> Path:
        return self.settings.data_dir / "buckets"


def ctx_of(request: Request) -> Context:
    """The Context attached to the running app."""
    ctx: Context = request.app.state.ctx
    return ctx

"""Part of the composition root: one module per feature connects its services to its widgets.

`bind_all` is called by app.py for each new session; every connection goes through
`ctx.wire` so a profile switch undoes them all. Add a feature by adding a module here with
`ORDER: int` and `bind(ctx)` (and optionally `unbind(ctx)`, which may return an awaitable
for cleanup the app must wait for); modules bind in ORDER.
"""

from __future__ import annotations

import contextlib
import importlib
import pkgutil
from collections.abc import Awaitable
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import SignalInstance

if TYPE_CHECKING:
    from vvdesk.services.jobs import JobManager
    from vvdesk.services.session import ApiSession
    from vvdesk.settings import Settings
    from vvdesk.ui.main_window import MainWindow



@dataclass
class Wiring:
    """Signal connections made for one session, undone when the profile changes."""

    pairs: list[tuple[SignalInstance, Any]] = field(default_factory=list)

    def connect(self, signal: SignalInstance, slot: Any) -> None:
        signal.connect(slot)
        self.pairs.append((signal, slot))

    def undo(self) -> None:
        for signal, slot in self.pairs:
            with contextlib.suppress(RuntimeError, TypeError):  # sender already gone
                signal.disconnect(slot)
        self.pairs.clear()


@dataclass
class SessionContext:
    """What a feature may use to wire itself: narrow pieces, not the whole app."""

    session: ApiSession
    window: MainWindow
    settings: Settings
    app_jobs: JobManager
    wiring: Wiring
    services: dict[str, Any] = field(default_factory=dict)  # feature name → its service

    def wire(self, signal: SignalInstance, slot: Any) -> None:
        self.wiring.connect(signal, slot)


def features() -> list[ModuleType]:
    """The feature modules of this package, in their ORDER."""
    mods = [importlib.import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(__path__)]
    return sorted(mods, key=lambda m: (m.ORDER, m.__name__))


def bind_all(ctx: SessionContext) -> None:
    for module in features():
        module.bind(ctx)


def unbind_all(ctx: SessionContext) -> list[Awaitable[Any]]:
    """Undo the wiring; return what features still have to await (closing threads, clients)."""
    ctx.wiring.undo()
    pending: list[Awaitable[Any]] = []
    for module in reversed(features()):
        if hasattr(module, "unbind") and (result := module.unbind(ctx)) is not None:
            pending.append(result)
    return pending

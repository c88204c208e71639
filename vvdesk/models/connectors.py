"""Connector list: provider, where it points, scopes, import mode, status, last test."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from vvdesk.format import when
from vvdesk.models.keyed import Column, KeyedTableModel

if TYPE_CHECKING:
    from videovector import Connector


def _location(c: Connector) -> str:
    if c.provider == "azure":
        return f"{c.storage_account or '?'}/{c.container or '?'}"
    return str(c.bucket or "")


def _last_test(c: Connector) -> str:
    if not c.last_tested_at:
        return "never tested"
    verdict = c.last_test_result or ""
    return f"{verdict} {when(c.last_tested_at)}" + (f" — {c.last_test_error}"
                                              if c.last_test_error else "")


class ConnectorModel(KeyedTableModel):
    columns = [
        Column("Name", lambda c: c.name),
        Column("Provider", lambda c: c.provider),
        Column("Bucket / container", _location),
        Column("Scopes", lambda c: ", ".join(c.scopes or [])),
        Column("Import mode", lambda c: c.import_mode),
        Column("Export folder", lambda c: c.export_base_path or ""),
        Column("Status", lambda c: c.status),
        Column("Last test", _last_test, tooltip=_last_test),
    ]

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(key=lambda c: c.connector_id, parent=parent)

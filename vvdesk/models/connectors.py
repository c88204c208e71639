"""Connector list: provider, where it points, what it is used for, import mode, status,
last test, in words."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from vvdesk.format import when
from vvdesk.models.keyed import Column, KeyedTableModel, in_order
from vvdesk.vocab import IMPORT_MODES, PROVIDERS, words

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


class ConnectorColumn(IntEnum):
    NAME = 0
    PROVIDER = 1
    LOCATION = 2
    SCOPES = 3
    IMPORT_MODE = 4
    EXPORT_FOLDER = 5
    STATUS = 6
    LAST_TEST = 7


class ConnectorModel(KeyedTableModel):
    columns = in_order(ConnectorColumn, {
        ConnectorColumn.NAME: Column("Name", lambda c: c.name),
        ConnectorColumn.PROVIDER: Column("Provider", lambda c: PROVIDERS.get(c.provider,
                                                                             c.provider)),
        ConnectorColumn.LOCATION: Column("Bucket / container", _location),
        ConnectorColumn.SCOPES: Column("Use for", lambda c: ", ".join(
            words(s) for s in (c.scopes or []))),
        ConnectorColumn.IMPORT_MODE: Column("Import", lambda c: IMPORT_MODES.get(
            c.import_mode, words(c.import_mode))),
        ConnectorColumn.EXPORT_FOLDER: Column("Export folder", lambda c: c.export_base_path or ""),
        ConnectorColumn.STATUS: Column("Status", lambda c: words(c.status)),
        ConnectorColumn.LAST_TEST: Column("Last test", _last_test, tooltip=_last_test),
    })

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(key=lambda c: c.connector_id, parent=parent)

"""What every handler needs: the pool, the clock, settings and the clients of the attendance service and notifier."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from iop_shared.clock import Clock

from ..adapters.attendance import AttendanceClient
from ..adapters.notifier import NotifierClient
from ..settings import Settings

CONSUMER = "dashboard"


def change_channel(schema: str) -> str:
    """The NOTIFY channel of one dashboard schema (several test schemas share a database)."""
    return f"{schema}_changed"


@dataclass
class Context:
    pool: asyncpg.Pool
    clock: Clock
    settings: Settings
    attendance: AttendanceClient
    notifier: NotifierClient

    @property
    def channel(self) -> str:
        return change_channel(self.settings.db_schema)

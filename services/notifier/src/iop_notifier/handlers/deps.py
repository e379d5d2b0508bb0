"""What the use cases need, wired once by bootstrap (real or fake adapters)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from iop_notifier.adapters.providers import Sender
from iop_notifier.domain.caps import Caps
from iop_notifier.domain.policy import Policy
from iop_notifier.domain.quiet_hours import AllowedWindow
from iop_notifier.settings import Settings
from iop_shared.clock import Clock

CONSUMER = "notifier"
SOURCE = "iop/notifier"


@dataclass
class Deps:
    settings: Settings
    pool: asyncpg.Pool
    clock: Clock
    senders: dict[str, Sender]  # by channel: sms, email
    wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    sender_key: bytes | None = None  # the HMAC key of sender ids, read once from the database
    marks: Any = None  # handlers.marks.Marks: the batched send records, made on first use

    def policy(self, window: AllowedWindow | None = None) -> Policy:
        s = self.settings
        return Policy(window=window or AllowedWindow(s.quiet_start, s.quiet_end),
                      caps=Caps(per_day=s.cap_per_day, per_week=s.cap_per_week))

    def wake(self) -> None:
        self.wakeup.set()

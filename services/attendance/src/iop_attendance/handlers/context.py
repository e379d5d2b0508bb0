"""What every handler needs, wired once by bootstrap."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import asyncpg

from iop_shared.clock import Clock
from iop_shared.contracts import Contract, Envelope

from ..domain.ruleset import RuleSet

SOURCE = "iop/attendance"


@dataclass
class Context:
    """The pool, the clock, the rule set and policy; `wake` tells the timer about a new due time."""

    pool: asyncpg.Pool
    clock: Clock
    rules: RuleSet
    grace: timedelta
    consumer: str
    late_session_settle: timedelta = timedelta(0)
    # How far a record's recorded_at may lie ahead of our clock (another system's skew) before it is refused.
    future_skew: timedelta = timedelta(minutes=5)
    wake: Callable[[datetime], None] = field(default=lambda _: None)
    # False until the consumers have applied the backlog seen at start: no miss is decided on a lagging view.
    deciding: Callable[[], bool] = field(default=lambda: True)

    def envelope(self, data: Contract) -> Envelope[Contract]:
        return Envelope(data=data, source=SOURCE, time=self.clock.now())

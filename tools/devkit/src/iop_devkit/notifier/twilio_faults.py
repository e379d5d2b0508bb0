"""A fault schedule for the Twilio fake: every k-th message create answers with the next fault of a cycle.

Faults before creation (429, 5xx) prove nothing was created; faults after acceptance (a late answer, a dropped
connection, a 500) leave a message at the fake the notifier must reconcile. One chosen number always answers
21610 (the recipient unsubscribed), as a policy outcome rather than a fault.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from .twilio_fake import ACCEPT_THEN_500, ACCEPT_THEN_DROP, ACCEPT_THEN_TIMEOUT, ACCEPTING

CYCLE = (ACCEPT_THEN_TIMEOUT, 20429, 20500, ACCEPT_THEN_500, ACCEPT_THEN_DROP, 20503)
NAMES = {ACCEPT_THEN_TIMEOUT: "accept_then_timeout", ACCEPT_THEN_500: "accept_then_500",
         ACCEPT_THEN_DROP: "accept_then_drop", 20429: "http_429", 20500: "http_500", 20503: "http_503",
         21610: "error_21610"}


@dataclass
class FaultSchedule:
    """Callable as `TwilioFake.fault`: the fault for this create, or None for a plain success."""

    every: int = 50
    cycle: tuple[int, ...] = CYCLE
    unsubscribed: set[str] = field(default_factory=set)
    active: bool = True
    injected: Counter[str] = field(default_factory=Counter)
    log: list[tuple[float, str]] = field(default_factory=list)
    _creates: int = 0
    _next: int = 0

    def __call__(self, to: str) -> int | None:
        if to in self.unsubscribed:
            return self._record(21610)
        self._creates += 1
        if not self.active or self.every <= 0 or self._creates % self.every:
            return None
        code = self.cycle[self._next % len(self.cycle)]
        self._next += 1
        return self._record(code)

    def _record(self, code: int) -> int:
        self.injected[NAMES.get(code, str(code))] += 1
        self.log.append((time.time(), NAMES.get(code, str(code))))
        return code

    @property
    def accepted_faults(self) -> int:
        """Faults that left a message at the fake with an ambiguous answer."""
        return sum(n for name, n in self.injected.items() if name.startswith("accept_"))


__all__ = ["ACCEPTING", "CYCLE", "FaultSchedule"]

"""The dispatcher's wake-up, declared on the kernel's WakeTimer: the date job follows the next due reminder.

Never one job per reminder: the plan lives in PostgreSQL, the job only says "look now".
"""

from __future__ import annotations

from datetime import timedelta

from iop_shared.clock import Clock
from iop_shared.timers import WakeTimer

from ..handlers.dispatch import Dispatcher

WAKE_JOB = "dispatch-wake"
SWEEP_JOB = "dispatch-sweep"


class DispatchTimer(WakeTimer):
    """Runs the dispatcher when the earliest pending reminder falls due, never two runs at once."""

    def __init__(self, dispatcher: Dispatcher, sweep_interval: timedelta, resolution: timedelta,
                 clock: Clock | None = None) -> None:
        self.dispatcher = dispatcher
        super().__init__("dispatch", dispatcher.dispatch_due, dispatcher.next_due, sweep=sweep_interval,
                         resolution=resolution, clock=clock)

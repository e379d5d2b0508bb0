"""In-process timers (APScheduler): escalation, claim recovery and reconciliation, queue depth.

Retention (reply texts included) runs on the kernel's batched retention timer (`adapters/retention.py`).

Durable state lives in PostgreSQL; these jobs only wake the code that reads it, so any replica may run them.
"""

from __future__ import annotations

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from iop_notifier.adapters.sql import Q
from iop_notifier.handlers.alerts import escalate_due
from iop_notifier.handlers.conversations import expire_due
from iop_notifier.handlers.deps import Deps
from iop_notifier.handlers.recovery import recover_claims
from iop_notifier.metrics import QUEUE_DEPTH
from iop_shared.logging import get_logger

log = get_logger(__name__)


async def measure_queue(deps: Deps) -> None:
    QUEUE_DEPTH.set(await deps.pool.fetchval(Q["queue_depth"], deps.clock.now()))


class Timers:
    def __init__(self, deps: Deps) -> None:
        self._scheduler = AsyncIOScheduler(job_defaults={"coalesce": True, "max_instances": 1,
                                                         "misfire_grace_time": 60})
        every = deps.settings.timer_interval_s
        self._scheduler.add_job(escalate_due, "interval", seconds=every, args=[deps], id="escalate")
        self._scheduler.add_job(measure_queue, "interval", seconds=every, args=[deps], id="queue_depth")
        self._scheduler.add_job(recover_claims, "interval", seconds=every, args=[deps], id="recover")
        self._scheduler.add_job(expire_due, "interval", seconds=every, args=[deps], id="checkin_expiry")

    def start(self) -> None:
        self._scheduler.start()

    def shutdown(self) -> None:
        self._scheduler.shutdown(wait=False)

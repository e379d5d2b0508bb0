"""What every use case needs, wired once by bootstrap."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from iop_shared.clock import Clock
from iop_shared.experiments import Experiment

from ..adapters.repository import Store
from ..domain.policy import Policy
from ..metrics import Metrics
from .planner_pool import PlannerPool

CONSUMER = "scheduler"
SOURCE = "iop/scheduler"


@dataclass(frozen=True)
class RescheduleTimes:
    """Reschedule by reply: how soon a slot may start, how long an offer and a hold last."""

    min_lead: timedelta = timedelta(hours=2)
    offer_ttl: timedelta = timedelta(hours=24)
    hold_ttl: timedelta = timedelta(hours=24)


@dataclass
class Deps:
    store: Store
    clock: Clock
    policy: Policy
    metrics: Metrics
    default_timezone: str = "America/New_York"
    fhir_program_id: str = "fhir"
    # Tells the dispatcher a reminder may now be due earlier than it planned to wake.
    nudge: Callable[[datetime], None] = field(default=lambda _: None)
    # Wakes the background drainer of queued replans; None (no drainer running): the use case drains inline.
    replans_owed: Callable[[], None] | None = None
    reschedule: RescheduleTimes = field(default_factory=RescheduleTimes)
    # Reminder experiments (SCHEDULER_EXPERIMENTS): an arm with a cadence plans its own offsets (domain/arms.py).
    experiments: tuple[Experiment, ...] = ()
    # Plans large drain batches in worker processes (SCHEDULER_PLANNER_PROCESSES); None: in-process.
    planner: PlannerPool | None = None

"""Nothing dropped silently: each reminder the scheduler planned and will not send is told once, with why."""

from __future__ import annotations

from datetime import datetime

from iop_shared import outbox
from iop_shared.contracts import Envelope
from iop_shared.contracts.outbound import DropReason, ReminderDropped

from ..adapters.repository import Repository
from ..domain.drops import reported
from ..domain.model import Dropped, Reminder
from .deps import SOURCE


def dropped_event(r: Reminder, reason: DropReason, now: datetime) -> Envelope[ReminderDropped]:
    """The wire event: ids, the planned time and the reason only."""
    return Envelope(data=ReminderDropped(reminder_id=r.reminder_id, patient_id=r.patient_id, clinic_id=r.clinic_id,
                                         purpose=r.purpose, session_ids=list(r.session_ids), planned_for=r.due_at,
                                         reason=reason),
                    source=SOURCE, id=f"{r.reminder_id}.dropped", time=now)


async def report_drops(repo: Repository, patient_id: str, dropped: tuple[Dropped, ...],
                       now: datetime) -> None:
    """Keep the plan's drops in the plan API; publish those that are new (a replan does not repeat them)."""
    drops = reported(dropped)
    new = set(await repo.record_dropped(patient_id, [(r, str(reason)) for r, reason in drops]))
    events = [dropped_event(r, reason, now) for r, reason in drops if r.reminder_id in new]
    await outbox.add(repo.conn, events)


async def report_drops_many(repo: Repository, dropped: dict[str, tuple[Dropped, ...]], now: datetime) -> None:
    """report_drops for many patients' plans at once."""
    drops = [d for plan in dropped.values() for d in reported(plan)]
    new = set(await repo.record_dropped_many(list(dropped), [(r, str(reason)) for r, reason in drops]))
    events = [dropped_event(r, reason, now) for r, reason in drops if r.reminder_id in new]
    await outbox.add(repo.conn, events)

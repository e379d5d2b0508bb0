"""A reminder the scheduler dropped is shown as suppressed, with the scheduler's reason (counts, demo feed)."""

from __future__ import annotations

from iop_shared.contracts.cloudevents import Envelope
from iop_shared.contracts.outbound import DropReason, ReasonCode, ReminderDropped

from . import events
from .deps import Deps
from .ingest import applying

REASONS = {DropReason.quiet_hours: ReasonCode.quiet_hours_expired, DropReason.cap_reached: ReasonCode.cap_reached,
           DropReason.expired: ReasonCode.expired, DropReason.session_started: ReasonCode.session_started}


async def on_reminder_dropped(deps: Deps, env: Envelope[ReminderDropped]) -> None:
    """One suppressed event per dropped reminder (the inbox claim makes a redelivery a no-op)."""
    d = env.data
    async with applying(deps, env.id) as conn:
        if conn is not None:
            await events.suppressed(conn, source_event_id=d.reminder_id, kind="patient", recipient_id=d.patient_id,
                                    reason=REASONS.get(d.reason, ReasonCode.expired), at=deps.clock.now())

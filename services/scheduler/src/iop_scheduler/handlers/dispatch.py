"""Durable dispatch: claim due plan rows in batches, publish ReminderDue through the outbox, mark them.

Claim, outbox write and mark commit together, so a reminder is published exactly when its row says
`dispatched`; `FOR UPDATE SKIP LOCKED` lets several replicas share the work without sending twice.
"""

from __future__ import annotations

from datetime import UTC, datetime

from iop_shared import outbox
from iop_shared.contracts import Envelope
from iop_shared.contracts.outbound import CheckinKind, ReminderDue
from iop_shared.contracts.topics import REMINDERS
from iop_shared.logging import get_logger

from ..adapters.repository import Repository
from ..domain.dispatch import DueRow, skip_reason
from ..domain.drops import expiry_reason
from ..domain.model import Reminder
from .deps import SOURCE, Deps
from .dropped import dropped_event
from .replans import drain_replans_set_based

log = get_logger(__name__)


def reminder_event(r: Reminder, now: datetime) -> Envelope[ReminderDue]:
    """The wire event as the shared encoder builds it (the reference publish_due.sql is tested against)."""
    return Envelope(data=ReminderDue(reminder_id=r.reminder_id, patient_id=r.patient_id, clinic_id=r.clinic_id,
                                     purpose=r.purpose, session_ids=list(r.session_ids), due_at=r.due_at,
                                     urgent=r.urgent, expires_at=r.expires_at,
                                     checkin_kind=CheckinKind(r.checkin_kind) if r.checkin_kind else None),
                    source=SOURCE, id=r.reminder_id, time=now)


def rfc3339(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


async def _report_expired(repo: Repository, rows: list[DueRow], now: datetime) -> None:
    """A reminder that fell due too late is dropped out loud (rare: a backlog or a long outage)."""
    events = []
    for row in rows:
        r = await repo.reminder(row.reminder_id)
        if r is not None:
            events.append(dropped_event(r, expiry_reason(row.purpose), now))
    await outbox.add(repo.conn, events)


class Dispatcher:
    """Sends what is due now; knows nothing of timers (APScheduler calls it, see entrypoints/timers.py)."""

    def __init__(self, deps: Deps, batch_size: int = 1000) -> None:
        self.deps = deps
        self.batch_size = batch_size

    async def dispatch_due(self) -> int:
        """Claim batches until nothing more is due; return how many reminders were published."""
        try:  # replans a failure left owed come first: they change what is due
            await drain_replans_set_based(self.deps)
        except Exception:
            log.exception("replans_failed")  # still dispatch; the next sweep tries them again
        total = 0
        while True:
            sent, claimed = await self._batch()
            total += sent
            if claimed < self.batch_size:
                return total

    async def _batch(self) -> tuple[int, int]:
        now = self.deps.clock.now()
        async with self.deps.store.transaction() as repo:
            claimed = await repo.claim_due(now, self.batch_size)
            if not claimed:
                return 0, 0
            reasons = [skip_reason(row, now) for row in claimed]
            send = [row.reminder_id for row, reason in zip(claimed, reasons, strict=True) if reason is None]
            # The CloudEvents id is the reminder id: the outbox can never hold one reminder twice.
            await repo.publish_due(send, REMINDERS.name, SOURCE, rfc3339(now))
            await repo.mark_claimed([(row.reminder_id, "skipped" if reason else "dispatched", reason)
                                     for row, reason in zip(claimed, reasons, strict=True)], now)
            await _report_expired(repo, [row for row, reason in zip(claimed, reasons, strict=True)
                                         if reason == "expired"], now)
        committed = self.deps.clock.now()
        m = self.deps.metrics
        for row, reason in zip(claimed, reasons, strict=True):
            if reason:
                m.skipped.labels(reason).inc()
            else:
                m.dispatched.labels(row.purpose).inc()
                m.lag.observe(max(0.0, (committed - row.due_at).total_seconds()))
        log.info("dispatched", claimed=len(claimed), published=len(send))
        return len(send), len(claimed)

    async def next_due(self) -> datetime | None:
        async with self.deps.store.transaction() as repo:
            return await repo.next_due()

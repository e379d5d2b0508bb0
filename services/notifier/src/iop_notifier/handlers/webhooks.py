"""Twilio status callbacks: deduped by idempotency token, applied in order, turned into events."""

from __future__ import annotations

from iop_notifier.adapters import repository as repo
from iop_notifier.adapters.sql import Q
from iop_notifier.domain.status import TERMINAL_FAILURES, should_apply
from iop_shared.contracts.outbound import NotificationChannel, ReasonCode
from iop_shared.logging import get_logger

from . import events
from .deps import Deps

log = get_logger(__name__)


async def apply_status(deps: Deps, *, message_sid: str, status: str, error_code: str | None,
                       idempotency_token: str | None) -> str:
    """Apply one status callback; returns what happened (for logs and tests)."""
    now = deps.clock.now()
    async with deps.pool.acquire() as conn, conn.transaction():
        if idempotency_token and not await conn.fetchval(Q["receipt"], idempotency_token, now):
            return "duplicate"
        row = await conn.fetchrow(Q["ledger_by_sid"], message_sid)
        if row is None:
            log.warning("status_for_unknown_message", message_sid=message_sid, status=status)
            return "unknown"
        if not should_apply(row["state"], status):
            return "stale"
        await conn.execute(Q["set_status"], row["id"], status, error_code, now)
        common = {"notification_id": row["notification_id"], "source_event_id": row["source_event_id"],
                  "kind": row["recipient_kind"], "recipient_id": row["recipient_id"],
                  "channel": NotificationChannel(row["channel"]), "at": now}
        if status == "delivered":
            await events.delivered(conn, provider_message_id=message_sid, **common)
        elif status in TERMINAL_FAILURES:
            opted_out = error_code == "21610"
            await events.failed(conn, provider_message_id=message_sid, error_code=error_code,
                                reason=ReasonCode.opted_out if opted_out else ReasonCode.provider_error, **common)
            if opted_out and row["recipient_kind"] == "patient":
                patient = await repo.patient(conn, row["recipient_id"])
                if patient and patient.phone:
                    await repo.set_phone_state(conn, patient.phone, now, opted_out=True)
    return "applied"

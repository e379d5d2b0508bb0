"""Twilio status callbacks: deduped by idempotency token, applied in order, turned into events.

A callback may arrive before its send is recorded (it races mark_sent, or the send is still being
reconciled): it is kept in pending_callbacks and applied, in status order, when the send is recorded.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from iop_notifier.adapters import repository as repo
from iop_notifier.adapters.sql import Q
from iop_notifier.domain.status import RANK, TERMINAL_FAILURES, should_apply
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
            await conn.execute(Q["keep_early_callback"], message_sid, status, error_code)
            log.info("status_kept_until_send_recorded", message_sid=message_sid, status=status)
            return "pending"
        return await _apply(conn, row, message_sid, status, error_code, now)


async def apply_early(conn: repo.Conn, message_sid: str, now: datetime) -> int:
    """Apply the callbacks kept for a send just recorded, in status order (a late `sent` never wins)."""
    kept = await conn.fetch(Q["take_early_callbacks"], message_sid)
    for k in sorted(kept, key=lambda r: RANK.get(r["status"], -1)):
        row = await conn.fetchrow(Q["ledger_by_sid"], message_sid)
        await _apply(conn, row, message_sid, k["status"], k["error_code"], now)
    return len(kept)


async def _apply(conn: repo.Conn, row: Any, message_sid: str, status: str, error_code: str | None,
                 now: datetime) -> str:
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

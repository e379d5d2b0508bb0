"""The default channel when no provider is configured: records the message in our database, sends nothing."""

from __future__ import annotations

from typing import Any

import asyncpg

from iop_shared.clock import Clock
from iop_shared.contracts.outbound import NotificationChannel
from iop_shared.logging import get_logger

from .providers import Accepted, Lookup, Outgoing
from .sql import Q

log = get_logger(__name__)
NOT_SENT = "not sent to a phone or mailbox: recorded by the embedded channel"


class EmbeddedChannel:
    def __init__(self, pool: asyncpg.Pool, clock: Clock) -> None:
        self._pool = pool
        self._clock = clock

    async def send(self, out: Outgoing) -> Accepted:
        body = out.message.sms if out.channel == "sms" else out.message.text
        subject = out.message.subject if out.channel == "email" else None
        await self._pool.execute(Q["embedded_record"], out.notification_id, out.recipient_kind, out.recipient_id,
                                 out.channel, subject, body, self._clock.now())
        log.info("embedded_message_recorded", notification_id=out.notification_id, channel=out.channel,
                 recipient_kind=out.recipient_kind)
        return Accepted("embedded", out.notification_id, "recorded", NotificationChannel.embedded)

    async def lookup(self, query: Lookup) -> Accepted | None:
        """Our own table says for sure whether the message was recorded."""
        found = await self._pool.fetchval(Q["embedded_exists"], query.notification_id)
        return Accepted("embedded", query.notification_id, "recorded", NotificationChannel.embedded) if found else None

    async def pace(self, out: Outgoing) -> None:
        return None

    async def close(self) -> None:
        return None


async def list_messages(pool: asyncpg.Pool, recipient_id: str, limit: int = 50) -> list[dict[str, Any]]:
    rows = await pool.fetch(Q["embedded_list"], recipient_id, limit)
    return [{"notification_id": r["notification_id"], "recipient_kind": r["recipient_kind"],
             "recipient_id": r["recipient_id"], "channel": r["channel"], "subject": r["subject"],
             "body": r["body"], "created_at": r["created_at"].isoformat(), "delivery": NOT_SENT} for r in rows]

"""Notification events written to the outbox with the state change they describe."""

from __future__ import annotations

import uuid
from datetime import datetime

from iop_notifier.adapters.repository import Conn
from iop_notifier.adapters.sql import Q
from iop_notifier.metrics import DELIVERED, FAILED, SENT, SUPPRESSED
from iop_shared import outbox
from iop_shared.contracts.cloudevents import Envelope
from iop_shared.contracts.outbound import (
    NotificationChannel,
    NotificationDelivered,
    NotificationFailed,
    NotificationSent,
    NotificationSuppressed,
    ReasonCode,
    RecipientKind,
)

from .deps import SOURCE


def _base(notification_id: str | None, source_event_id: str, kind: str, recipient_id: str,
          at: datetime) -> dict[str, object]:
    return {"notification_id": notification_id or f"ntf-{uuid.uuid4().hex}", "source_event_id": source_event_id,
            "recipient_kind": RecipientKind(kind), "recipient_id": recipient_id, "occurred_at": at}


async def suppressed(conn: Conn, *, source_event_id: str, kind: str, recipient_id: str, reason: ReasonCode,
                     at: datetime, channel: NotificationChannel | None = None) -> None:
    SUPPRESSED.labels(reason.value).inc()
    await conn.execute(Q["record_suppression"], source_event_id, kind, recipient_id, reason.value,
                       channel.value if channel else None, at)  # read back as FHIR Communication (not-done)
    data = NotificationSuppressed(**_base(None, source_event_id, kind, recipient_id, at),
                                  reason_code=reason, channel=channel)
    await outbox.add(conn, [Envelope(data=data, source=SOURCE)])


async def sent(conn: Conn, *, notification_id: str, source_event_id: str, kind: str, recipient_id: str,
               channel: NotificationChannel, provider_message_id: str, at: datetime,
               reason: ReasonCode | None = None) -> None:
    SENT.labels(channel.value).inc()
    data = NotificationSent(**_base(notification_id, source_event_id, kind, recipient_id, at),
                            channel=channel, provider_message_id=provider_message_id, reason_code=reason)
    await outbox.add(conn, [Envelope(data=data, source=SOURCE)])


async def delivered(conn: Conn, *, notification_id: str, source_event_id: str, kind: str, recipient_id: str,
                    channel: NotificationChannel, provider_message_id: str, at: datetime) -> None:
    DELIVERED.inc()
    data = NotificationDelivered(**_base(notification_id, source_event_id, kind, recipient_id, at),
                                 channel=channel, provider_message_id=provider_message_id)
    await outbox.add(conn, [Envelope(data=data, source=SOURCE)])


async def failed(conn: Conn, *, notification_id: str, source_event_id: str, kind: str, recipient_id: str,
                 channel: NotificationChannel, reason: ReasonCode, error_code: str | None, at: datetime,
                 provider_message_id: str | None = None) -> None:
    FAILED.labels(reason.value).inc()
    data = NotificationFailed(**_base(notification_id, source_event_id, kind, recipient_id, at),
                              channel=channel, reason_code=reason, error_code=error_code,
                              provider_message_id=provider_message_id)
    await outbox.add(conn, [Envelope(data=data, source=SOURCE)])

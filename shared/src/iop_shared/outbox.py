"""Transactional outbox: `add` writes events in the caller's transaction; `OutboxRelay` publishes them."""

from __future__ import annotations

import json
from collections.abc import Iterable

from .contracts import Contract, Envelope, encode
from .db import Conn

_INSERT = """
INSERT INTO outbox (event_id, topic, key, value, headers)
SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[], $4::bytea[], $5::jsonb[])
ON CONFLICT (event_id) DO NOTHING
"""


async def add(conn: Conn, envelopes: Iterable[Envelope[Contract]]) -> None:
    """Queue events for Kafka; call inside the transaction that makes the state change they describe."""
    records = [(e.id, encode(e)) for e in envelopes]
    if not records:
        return
    await conn.execute(
        _INSERT,
        [event_id for event_id, _ in records],
        [r.topic for _, r in records],
        [r.key for _, r in records],
        [r.value for _, r in records],
        [json.dumps({k: v.decode() for k, v in r.headers}) for _, r in records],
    )

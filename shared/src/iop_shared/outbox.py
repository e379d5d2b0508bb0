"""Transactional outbox: `add` writes events in the caller's transaction; `OutboxRelay` publishes them."""

from __future__ import annotations

import json
from collections.abc import Iterable

from .contracts import Contract, Envelope, KafkaRecord, encode
from .db import Conn
from .tracing import current_carrier

_INSERT = """
INSERT INTO outbox (event_id, topic, key, value, headers, traceparent, tracestate)
SELECT *, $6::text, $7::text FROM unnest($1::text[], $2::text[], $3::bytea[], $4::bytea[], $5::jsonb[])
ON CONFLICT (event_id) DO NOTHING
"""


async def add(conn: Conn, envelopes: Iterable[Envelope[Contract]]) -> None:
    """Queue events for Kafka; call inside the transaction that makes the state change they describe.

    The current trace context is stored with them, so the relay publishes them in the writer's trace.
    """
    await add_records(conn, [(e.id, encode(e)) for e in envelopes])


async def add_records(conn: Conn, records: list[tuple[str, KafkaRecord]]) -> None:
    """`add` for (event id, record) pairs already encoded (a hot path that builds its own, as the contract says)."""
    if not records:
        return
    carrier = current_carrier()
    await conn.execute(
        _INSERT,
        [event_id for event_id, _ in records],
        [r.topic for _, r in records],
        [r.key for _, r in records],
        [r.value for _, r in records],
        [json.dumps({k: v.decode() for k, v in r.headers}) for _, r in records],
        carrier.get("traceparent"),
        carrier.get("tracestate"),
    )

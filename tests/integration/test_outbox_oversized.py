"""One outbox row too large for the broker is set aside; the rows after it are still published."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from prometheus_client import REGISTRY

from iop_devkit.testing.kafka import TopicTail, eventually, unique
from iop_shared.contracts import Envelope
from iop_shared.contracts.examples import EXAMPLES
from iop_shared.contracts.inbound import SessionUpserted
from iop_shared.contracts.outbound import CheckinIntent, CheckinReceived
from iop_shared.contracts.topics import CHECKINS
from iop_shared.db import create_pool, migrate
from iop_shared.outbox import add
from iop_shared.relay import OutboxRelay

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]


async def test_an_oversized_row_is_set_aside_and_the_rows_after_it_go_out(
        database_url: str, pg_schema: str, kafka_bootstrap: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOP_MAX_ATTENDEES", "100000")  # the roster bound is ingest's; the relay must survive any row
    await asyncio.to_thread(migrate, database_url, pg_schema)
    pool = await create_pool(database_url, pg_schema)
    run = unique("big")
    huge = Envelope(data=SessionUpserted.model_validate(
        {**EXAMPLES["iop.session.upserted.v1"], "session_id": run,
         "attendees": [f"patient-{i:06d}" for i in range(90_000)]}), source=f"iop/{run}")
    after = [Envelope(data=CheckinReceived(checkin_id=f"{run}-{i}", patient_id=f"{run}-p", intent=CheckinIntent.mood,
                                           value=5, received_at=datetime.now(UTC)), source=f"iop/{run}")
             for i in range(5)]
    stop = asyncio.Event()
    relay = OutboxRelay(database_url, pg_schema, kafka_bootstrap, poll_interval=0.2)
    before = REGISTRY.get_sample_value("outbox_rows_set_aside_total", {"schema": pg_schema}) or 0.0
    try:
        async with pool.acquire() as conn, conn.transaction():
            await add(conn, [huge])
            await add(conn, after)
        async with TopicTail(kafka_bootstrap, CHECKINS.name) as tail:
            task = asyncio.create_task(relay.run(stop))
            await tail.wait_for(lambda e: e.source == f"iop/{run}", count=5, timeout=30)
            await eventually(lambda: pool.fetchval("SELECT count(*) = 0 FROM outbox WHERE sent_at IS NULL"
                                                   " AND failed_at IS NULL"), timeout=30)
            stop.set()
            await task
        row = await pool.fetchrow("SELECT sent_at, failed_at, failure FROM outbox WHERE event_id = $1", huge.id)
    finally:
        stop.set()
        await pool.close()
    assert row is not None and row["sent_at"] is None and row["failed_at"] is not None
    assert row["failure"] == "MessageSizeTooLargeError"
    assert relay.set_aside == 1 and relay.published == 5
    assert REGISTRY.get_sample_value("outbox_rows_set_aside_total", {"schema": pg_schema}) == before + 1

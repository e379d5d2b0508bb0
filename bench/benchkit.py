"""What every bench does around its measured run: say whether PostgreSQL is durable, and clean up afterwards."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg
from aiokafka.admin import AIOKafkaAdminClient

from iop_shared.contracts.topics import TOPICS
from iop_shared.db import pg_durable


async def report_durable(dsn: str) -> bool:
    """pg_durable(dsn), printed first so every figure that follows is read with it."""
    durable = await pg_durable(dsn)
    print(f"PostgreSQL durable (fsync, synchronous_commit, full_page_writes): {durable}", flush=True)
    return durable


async def drop_topics(bootstrap: str, extra: Sequence[str] = ()) -> None:
    """Delete the v1 topics (under the current IOP_TOPIC_PREFIX) and any extra ones this bench made."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.delete_topics([t.name for t in TOPICS] + list(extra))
    finally:
        await admin.close()


async def drop_run(dsn: str, schema: str, bootstrap: str, extra_topics: Sequence[str] = ()) -> None:
    """Drop the bench's throwaway schema and its topics."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await conn.close()
    await drop_topics(bootstrap, extra_topics)

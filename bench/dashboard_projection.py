"""Dashboard throughput: events projected per second from real Kafka, and the cost of one page render.

    uv run python bench/dashboard_projection.py [events]

Uses private topics (IOP_TOPIC_PREFIX) and a throwaway schema; both are removed at the end.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
from aiokafka.admin import AIOKafkaAdminClient

os.environ["IOP_TOPIC_PREFIX"] = f"bench-dash-{uuid.uuid4().hex[:8]}."

from iop_dashboard.bootstrap import bootstrap
from iop_dashboard.entrypoints.views import render_live
from iop_dashboard.handlers.queries import overview
from iop_dashboard.settings import Settings
from iop_devkit.dashboard import attendance, session, suppressed
from iop_devkit.testing.kafka import eventually, publish
from iop_shared.contracts.inbound import AttendanceStatus
from iop_shared.contracts.outbound import ReasonCode
from iop_shared.contracts.topics import TOPICS
from iop_shared.kafka import provision_topics


def workload(n: int) -> list[object]:
    now = datetime.now(UTC)
    events: list[object] = []
    sessions = [session(now - timedelta(hours=i % 48), [f"p-{j}" for j in range(i, i + 8)]) for i in range(n // 10)]
    events += sessions
    for i in range(n // 5):
        s = sessions[i % len(sessions)].data
        events.append(attendance(s.session_id, s.attendees[i % 8], AttendanceStatus.present, now))
    reasons = list(ReasonCode)
    while len(events) < n:
        events.append(suppressed(f"p-{len(events)}", now, reasons[len(events) % len(reasons)]))
    return events


async def main(n: int) -> None:
    settings = Settings(IOP_ENVIRONMENT="development", db_schema=f"bench_{uuid.uuid4().hex[:8]}",
                        group_id=f"bench-{uuid.uuid4().hex[:8]}")
    await provision_topics(settings.kafka_bootstrap_servers)
    await publish(settings.kafka_bootstrap_servers, *workload(n))  # type: ignore[arg-type]
    service = bootstrap(settings, timers=False)
    started = time.perf_counter()
    await service.start()
    assert service.pool is not None and service.ctx is not None
    try:
        pool = service.pool

        async def all_applied() -> bool:
            return bool(await pool.fetchval("SELECT count(*) FROM inbox") >= n)

        await eventually(all_applied, timeout=600, interval=0.2)
        elapsed = time.perf_counter() - started
        t0 = time.perf_counter()
        for _ in range(20):
            render_live(await overview(service.ctx, ("clinic-1",)))  # the clinic of testing.session()
        render_ms = (time.perf_counter() - t0) / 20 * 1000
        print(f"dashboard projection: {n} events in {elapsed:.1f}s (incl. consumer start) = {n / elapsed:.0f} events/s;"
              f" overview query+render {render_ms:.1f} ms")
    finally:
        await service.stop()
        conn = await asyncpg.connect(settings.database_url)
        await conn.execute(f'DROP SCHEMA "{settings.db_schema}" CASCADE')
        await conn.close()
        admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
        await admin.start()
        await admin.delete_topics([t.name for t in TOPICS])
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000))

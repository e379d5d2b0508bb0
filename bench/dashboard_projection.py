"""Dashboard throughput: events projected per second from real Kafka, and the overview at network size.

    uv run python bench/dashboard_projection.py [--events 50000] [--patients 100000] [--weeks 8]

1. The raw aiokafka round trip of this run (bench/rawkafka.py), the ceiling the projection is compared to.
2. Projection: the workload (patients, sessions, attendance, misses, notifications) is published first, then the
   dashboard starts and drains it; the rate is events over the time from the first event applied to the last
   (consumer start-up is printed apart).
3. Overview: the read model seeded to `--patients` patients in clinics of 1,000 (bench/dashboard_readmodel.py);
   each overview query under EXPLAIN ANALYZE for one clinic, alone and as the one statement the overview runs, then
   the overview call itself (one round trip) and its render, averaged over 20.
Private topics (IOP_TOPIC_PREFIX) and a throwaway schema, both removed at the end. Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

os.environ["IOP_TOPIC_PREFIX"] = f"bench-dash-{uuid.uuid4().hex[:8]}."

from benchkit import drop_run, report_durable
from dashboard_readmodel import explain, seed
from rawkafka import raw_round_trip

from iop_dashboard.bootstrap import bootstrap
from iop_dashboard.entrypoints.views import render_live
from iop_dashboard.handlers.queries import overview
from iop_dashboard.settings import Settings
from iop_devkit.dashboard import attendance, missed, patient, session, suppressed
from iop_devkit.testing.kafka import publish_bulk
from iop_shared.contracts import Contract, Envelope
from iop_shared.contracts.inbound import AttendanceStatus
from iop_shared.contracts.outbound import ReasonCode
from iop_shared.kafka import provision_topics

STATUSES = list(AttendanceStatus)


def workload(n: int) -> list[Envelope[Contract]]:
    """A tenth patients, a tenth sessions of 8, four tenths attendance, misses, the rest notifications."""
    now = datetime.now(UTC)
    patients = [f"p-{j}" for j in range(max(8, n // 10))]
    events: list[Envelope[Any]] = [patient(p) for p in patients]
    sessions = [session(now - timedelta(hours=i % 48), [patients[(i * 8 + m) % len(patients)] for m in range(8)])
                for i in range(n // 10)]
    events += sessions
    for i in range(n * 4 // 10):
        s = sessions[i % len(sessions)].data
        events.append(attendance(s.session_id, s.attendees[i // len(sessions) % 8], STATUSES[i % len(STATUSES)],
                                 now + timedelta(seconds=i)))
    for i in range(n // 20):
        s = sessions[i % len(sessions)].data
        events.append(missed(s.session_id, s.attendees[i % 8], now))
    reasons = list(ReasonCode)
    while len(events) < n:
        events.append(suppressed(patients[len(events) % len(patients)], now, reasons[len(events) % len(reasons)]))
    return events


async def publish_all(bootstrap_servers: str, events: list[Envelope[Contract]]) -> None:
    await publish_bulk(bootstrap_servers, events, linger_ms=20, max_batch_size=512 * 1024)


async def project(settings: Settings, n: int) -> tuple[float, float, Any]:
    """(events/s from the first applied to the last, seconds until the first was applied, the running service)."""
    await publish_all(settings.kafka_bootstrap_servers, workload(n))
    service = bootstrap(settings, timers=False)
    started = time.perf_counter()
    await service.start()
    assert service.pool is not None
    first = None
    while (count := await service.pool.fetchval("SELECT count(*) FROM inbox")) < n:
        if first is None and count:
            first = time.perf_counter()
        if time.perf_counter() - started > 600:
            raise TimeoutError(f"projected {count} of {n}")
        await asyncio.sleep(0.05)
    first = first or started
    return n / (time.perf_counter() - first), first - started, service


async def main(args: argparse.Namespace) -> dict[str, Any]:
    settings = Settings(IOP_ENVIRONMENT="development", db_schema=f"bench_{uuid.uuid4().hex[:8]}",
                        group_id=f"bench-{uuid.uuid4().hex[:8]}")
    durable = await report_durable(settings.database_url)
    raw = await raw_round_trip(settings.kafka_bootstrap_servers)
    print(f"raw aiokafka round trip: {raw:,.0f} records/s", flush=True)
    await provision_topics(settings.kafka_bootstrap_servers)
    service = None
    try:
        rate, startup, service = await project(settings, args.events)
        print(f"dashboard projection: {args.events} events at {rate:,.0f} events/s ({rate / raw:.1%} of raw); "
              f"consumer start-up {startup:.1f}s", flush=True)
        ctx, pool = service.ctx, service.pool
        t0 = time.perf_counter()
        async with pool.acquire() as conn:
            await seed(conn, args.patients, 1000, args.weeks, ctx.clock.now())
        print(f"read model seeded: {args.patients} patients in clinics of 1,000, {args.weeks} weeks, "
              f"{time.perf_counter() - t0:.0f}s", flush=True)
        clinics = ("rc0",)
        async with pool.acquire() as conn:
            plans = await explain(conn, settings, ctx.clock.now(), list(clinics))
        print("EXPLAIN ANALYZE (ms): " + ", ".join(f"{k} {v}" for k, v in plans.items()), flush=True)
        await overview(ctx, clinics)  # warm the statement cache
        t0 = time.perf_counter()
        for _ in range(20):
            result = await overview(ctx, clinics)
        query_ms = (time.perf_counter() - t0) / 20 * 1000
        t0 = time.perf_counter()
        for _ in range(20):
            render_live(result)
        render_ms = (time.perf_counter() - t0) / 20 * 1000
        alone = sum(v for k, v in plans.items() if k != "overview_statement")
        print(f"overview of one clinic among {args.patients} patients: query {query_ms:.1f} ms (one statement "
              f"{plans['overview_statement']:.1f} ms, its queries alone {alone:.1f} ms), render {render_ms:.1f} ms",
              flush=True)
        return {"bench": "dashboard_projection", "events": args.events, "rate_per_s": round(rate, 1),
                "raw_kafka_round_trip_per_s": round(raw), "ratio_to_raw": round(rate / raw, 4),
                "startup_s": round(startup, 1), "patients": args.patients, "overview_ms": round(query_ms, 2),
                "overview_explain_ms": plans["overview_statement"], "render_ms": round(render_ms, 2),
                "pg_durable": durable}
    finally:
        if service is not None:
            await service.stop()
        await cleanup(settings)


async def cleanup(settings: Settings) -> None:
    await drop_run(settings.database_url, settings.db_schema, settings.kafka_bootstrap_servers)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--weeks", type=int, default=8, help="weeks of sessions in the seeded read model")
    print(json.dumps(asyncio.run(main(parser.parse_args()))))

"""Benchmark: scheduler session ingest from real Kafka, against the raw Kafka round trip of the same run.

    uv run python bench/scheduler_ingest.py [--sessions 20000] [--group 8] [--raw 100000]

A clinic bulk-loads 12 weeks of group schedules: groups of `--group` patients, 3 sessions a week each, one
iop.session.upserted.v1 per session, published to private topics (IOP_TOPIC_PREFIX, deleted afterwards)
before the scheduler starts. The scheduler then runs in its own process (consumers, dispatcher, relay, as
`iop-scheduler run`) on a throwaway schema; the rate is the sessions applied (inbox rows) per second from
the first applied to the moment every patient of every session is replanned (no replan owed). Patients
are written straight into the schema first (patient ingest is not what is measured).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

PREFIX = f"bench-ingest-{uuid.uuid4().hex[:6]}."
os.environ.setdefault("IOP_TOPIC_PREFIX", PREFIX)
os.environ.setdefault("IOP_ENVIRONMENT", "development")  # services have no default environment
KAFKA = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
DB = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:15432/iop")
CLINIC = "clinic-bench"
WEEKS = 12
sys.path.insert(0, str(Path(__file__).parent))


def schedule(n: int, group: int, start: datetime) -> list[Any]:
    """n group sessions over 12 weeks (Mon/Wed/Fri 10:00 New York), `group` patients each."""
    from iop_shared.contracts import Envelope, clinic_source
    from iop_shared.contracts.inbound import Location, SessionUpserted

    per_group = WEEKS * 3
    out = []
    for i in range(n):
        g, k = divmod(i, per_group)
        at = start + timedelta(weeks=k // 3, days=2 * (k % 3))
        out.append(Envelope(data=SessionUpserted(
            session_id=f"s-{g}-{k}", clinic_id=CLINIC, program_id="prog-bench", kind="group", starts_at=at,
            ends_at=at + timedelta(hours=3), timezone="America/New_York",
            location=Location(public_label="Room 2"), attendees=[f"p-{g}-{m}" for m in range(group)],
            revision=1), source=clinic_source(CLINIC, "bench")))
    return out


async def publish(envelopes: list[Any]) -> float:
    """Publish as a clinic system would (CloudEvents binary mode, keyed by session); return records/s."""
    from iop_devkit.testing.kafka import publish_bulk

    started = time.perf_counter()
    await publish_bulk(KAFKA, envelopes)
    return len(envelopes) / (time.perf_counter() - started)


async def load_patients(schema: str, n_groups: int, group: int) -> None:
    from iop_shared.db import create_pool

    pool = await create_pool(DB, schema)
    rows = [(f"p-{g}-{m}", CLINIC, "America/New_York", 1) for g in range(n_groups) for m in range(group)]
    async with pool.acquire() as conn:
        await conn.copy_records_to_table("patients", records=rows,
                                         columns=["patient_id", "clinic_id", "timezone", "revision"])
        await conn.execute("ANALYZE patients")
    await pool.close()


def run_scheduler(schema: str, stop: Any, profile: str | None = None) -> None:
    if not profile:
        asyncio.run(_run_scheduler(schema, stop))
        return
    import cProfile  # --profile: the scheduler process's CPU, by function (the one asyncio thread)

    prof = cProfile.Profile()
    prof.runcall(asyncio.run, _run_scheduler(schema, stop))
    prof.dump_stats(profile)


async def _run_scheduler(schema: str, stop: Any) -> None:
    from iop_scheduler.bootstrap import bootstrap
    from iop_scheduler.settings import Settings
    from iop_shared.logging import configure_logging

    configure_logging("scheduler-bench", "WARNING")  # as scheduler_dispatch: one JSON line per event otherwise
    service = bootstrap(Settings(DATABASE_URL=DB, KAFKA_BOOTSTRAP_SERVERS=KAFKA, db_schema=schema,
                                 group_id=f"bench-{schema}", migrate_on_start=False))
    await service.start()
    await asyncio.to_thread(stop.wait)
    await service.stop()


async def watch(schema: str, n: int, timeout: float) -> tuple[float, float, int, float]:
    """Poll until n events are applied and no replan is owed; (first applied, all planned, all applied) wall
    times and the count."""
    import asyncpg

    conn = await asyncpg.connect(DB, server_settings={"search_path": schema})
    first = last = applied = 0.0
    count = 0
    deadline = time.time() + timeout
    try:
        owed = 1
        while (count < n or owed) and time.time() < deadline:
            count = await conn.fetchval("SELECT count(*) FROM inbox WHERE consumer = 'scheduler'")
            owed = await conn.fetchval("SELECT count(*) FROM replan_queue")
            now = time.time()
            if count and not first:
                first = now
            if count >= n and not applied:
                applied = now
            last = now
            await asyncio.sleep(0.1)
    finally:
        await conn.close()
    return first, last, count, applied


async def outcome(schema: str) -> dict[str, int]:
    import asyncpg

    conn = await asyncpg.connect(DB, server_settings={"search_path": schema})
    try:
        return {"sessions_stored": await conn.fetchval("SELECT count(*) FROM sessions"),
                "pending_reminders": await conn.fetchval("SELECT count(*) FROM reminders WHERE status = 'pending'"),
                "patients_planned": await conn.fetchval("SELECT count(*) FROM patients WHERE plan_version > 0"),
                "replans": await conn.fetchval("SELECT coalesce(sum(plan_version), 0) FROM patients")}
    finally:
        await conn.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=20_000)
    parser.add_argument("--group", type=int, default=8, help="patients per group session")
    parser.add_argument("--raw", type=int, default=100_000, help="records for the raw Kafka round trip")
    parser.add_argument("--profile", help="write the scheduler process's cProfile stats to this file")
    args = parser.parse_args()
    n, group = args.sessions, args.group

    from benchkit import drop_run, report_durable
    from rawkafka import raw_round_trip

    from iop_scheduler.bootstrap import MIGRATIONS
    from iop_shared.db import migrate
    from iop_shared.kafka import provision_topics

    durable = await report_durable(DB)
    schema = f"bench_ingest_{uuid.uuid4().hex[:8]}"
    await provision_topics(KAFKA)
    migrate(DB, schema, MIGRATIONS)
    n_groups = -(-n // (WEEKS * 3))
    ctx = mp.get_context("spawn")
    stop = ctx.Event()
    try:
        await load_patients(schema, n_groups, group)
        start = (datetime.now(UTC) + timedelta(days=1)).replace(hour=14, minute=0, second=0, microsecond=0)
        produce_rate = await publish(schedule(n, group, start))
        proc = ctx.Process(target=run_scheduler, args=(schema, stop, args.profile))
        proc.start()
        first, last, applied, all_applied = await watch(schema, n, timeout=150)
        stop.set()
        await asyncio.to_thread(proc.join, 30)
        result = await outcome(schema)
        raw = await raw_round_trip(KAFKA, args.raw)
    finally:
        stop.set()
        await drop_run(DB, schema, KAFKA)

    rate = applied / max(1e-9, last - first)
    print(f"sessions published: {n:,} ({group} patients each, {n_groups:,} groups x 12 weeks), "
          f"produced at {produce_rate:,.0f}/s")
    print(f"sessions applied: {applied:,}; stored {result['sessions_stored']:,}; "
          f"patients planned {result['patients_planned']:,} ({result['replans']:,} replans); "
          f"pending reminders {result['pending_reminders']:,}")
    print(f"ingest rate: {rate:,.0f} session upserts/s (first applied to every replan done, {last - first:.1f} s; "
          f"every session applied after {max(0.0, all_applied - first):.1f} s)")
    print(f"raw Kafka round trip (same run): {raw:,.0f} records/s; ratio {rate / raw:.3f}")
    print(json.dumps({"bench": "scheduler_ingest", "sessions": applied, "rate_per_s": round(rate, 1),
                      "raw_kafka_round_trip_per_s": round(raw), "ratio": round(rate / raw, 4),
                      "pg_durable": durable}))


if __name__ == "__main__":
    asyncio.run(main())

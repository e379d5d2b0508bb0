"""Benchmark: attendance events streamed through real Kafka into the attendance service, rules evaluated per event.

Patients in groups attend three 3-hour sessions a week for `--weeks` weeks. Sessions are published first; then,
week by week, the clock moves to the end of the week and every visit's attendance record (present, late,
left early, absent or excused) is published to the private attendance topic. The in-process service applies
each record in its own transaction: record, visit status, miss or retraction, the patient's rules, flags, outbox.
Measured: attendance events applied per second (wall time from the first publish to the last event applied),
p99 of the per-patient rule evaluation (history load + evaluation + flag writes), peak RSS, flags raised.

Uses private topics (IOP_TOPIC_PREFIX) and a private schema, both removed at the end. Last line: one JSON object.

    uv run python bench/attendance_rules.py --patients 100000 --weeks 12   # the issue's full size
    uv run python bench/attendance_rules.py --patients 5000 --weeks 12     # a few minutes here
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

PREFIX = f"bench-att-{uuid.uuid4().hex[:8]}."
os.environ["IOP_TOPIC_PREFIX"] = PREFIX  # before any topic name is read

from iop_attendance import metrics  # noqa: E402
from iop_attendance.bootstrap import bootstrap  # noqa: E402
from iop_attendance.handlers import events as event_handlers  # noqa: E402
from iop_attendance.handlers import timers as timer_handlers  # noqa: E402
from iop_attendance.settings import Settings  # noqa: E402
from iop_attendance.testing import attendance_recorded, envelope, patient_upserted, session_upserted  # noqa: E402
from iop_shared.clock import FrozenClock  # noqa: E402
from iop_shared.contracts import Contract, Envelope, encode  # noqa: E402
from iop_shared.contracts.inbound import AttendanceStatus  # noqa: E402
from iop_shared.contracts.topics import TOPICS  # noqa: E402
from iop_shared.kafka import provision_topics  # noqa: E402

START = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)  # a Monday
DAYS = (0, 2, 4)
EVAL_MS: list[float] = []


def timed(fn: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await fn(*args, **kwargs)
        finally:
            EVAL_MS.append((time.perf_counter() - started) * 1000)
    return wrapper


def status_for(rng: random.Random, reliability: float) -> AttendanceStatus:
    if rng.random() < reliability:
        return rng.choices([AttendanceStatus.present, AttendanceStatus.late, AttendanceStatus.left_early],
                           [85, 10, 5])[0]
    return AttendanceStatus.excused if rng.random() < 0.1 else AttendanceStatus.absent


async def send_all(producer: AIOKafkaProducer, envelopes: list[Envelope[Contract]]) -> None:
    futures = []
    for env in envelopes:
        rec = encode(env)
        futures.append(await producer.send(rec.topic, rec.value, key=rec.key, headers=rec.headers))
    await asyncio.gather(*futures)


async def wait_applied(counter: Any, target: float, timeout: float = 3600) -> None:
    deadline = time.monotonic() + timeout
    while counter._value.get() < target:
        if time.monotonic() > deadline:
            raise TimeoutError(f"applied {counter._value.get()} of {target}")
        await asyncio.sleep(0.05)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    bootstrap_servers = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
    database_url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:15432/iop")
    schema = f"bench_att_{uuid.uuid4().hex[:8]}"
    rng = random.Random(args.seed)
    await provision_topics(bootstrap_servers)
    settings = Settings(KAFKA_BOOTSTRAP_SERVERS=bootstrap_servers, DATABASE_URL=database_url,
                        db_schema=schema, group_id=f"bench-{schema}", late_session_settle=timedelta(0),
                        pool_max_size=args.pool)
    clock = FrozenClock(START - timedelta(days=1))
    for module in (event_handlers, timer_handlers):  # time each patient's evaluation where it is called
        setattr(module, "evaluate_patient", timed(getattr(module, "evaluate_patient")))  # noqa: B009, B010
    # Replicas of the service in one process (same schema and consumer groups), as a deployment scales out:
    # Kafka spreads the partitions over them.
    services = [bootstrap(settings if i == 0 else settings.model_copy(update={"run_migrations": False}), clock,
                          timers=False) for i in range(args.replicas)]
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, linger_ms=20, max_batch_size=512 * 1024,
                                acks="all", enable_idempotence=True)
    for service in services:
        await service.start()
    await producer.start()
    try:
        patients = [f"bp{i}" for i in range(args.patients)]
        reliability = {p: rng.choice([0.95] * 6 + [0.8] * 3 + [0.45]) for p in patients}
        groups = [patients[i:i + args.group_size] for i in range(0, len(patients), args.group_size)]
        setup: list[Envelope[Contract]] = [envelope(patient_upserted(p)) for p in patients]
        sessions: list[tuple[str, list[str], datetime]] = []
        for g, members in enumerate(groups):
            for week in range(args.weeks):
                for day in DAYS:
                    sid = f"bs{g}-{week}-{day}"
                    at = START + timedelta(weeks=week, days=day)
                    sessions.append((sid, members, at))
                    setup.append(envelope(session_upserted(sid, members, at, program_id=f"prog{g % 20}")))
        t_setup = time.monotonic()
        sessions_applied = metrics.EVENTS_APPLIED.labels("iop.session.upserted.v1")
        base = sessions_applied._value.get()
        await send_all(producer, setup)
        await wait_applied(sessions_applied, base + len(sessions))
        setup_s = time.monotonic() - t_setup

        applied = metrics.EVENTS_APPLIED.labels("iop.attendance.recorded.v1")
        base = applied._value.get()
        EVAL_MS.clear()
        total = 0
        started = time.monotonic()
        for week in range(args.weeks):
            clock.set(START + timedelta(weeks=week + 1, hours=-14))  # after the week's last session
            batch = [envelope(attendance_recorded(sid, p, status_for(rng, reliability[p]), at + timedelta(minutes=5)))
                     for sid, members, at in sessions if START + timedelta(weeks=week) <= at
                     < START + timedelta(weeks=week + 1) for p in members]
            await send_all(producer, batch)
            total += len(batch)
            await wait_applied(applied, base + total)
            print(f"week {week + 1}: {total} events, {total / (time.monotonic() - started):.0f}/s", flush=True)
        elapsed = time.monotonic() - started
        conn = await asyncpg.connect(database_url, server_settings={"search_path": schema})
        try:
            flags = await conn.fetchval("SELECT count(*) FROM flags")
            by_rule = await conn.fetch("SELECT rule, count(*) AS n FROM flags GROUP BY rule ORDER BY rule")
            misses = await conn.fetchval("SELECT count(*) FROM visits WHERE missed_visit_id IS NOT NULL")
        finally:
            await conn.close()
        print(f"setup {len(setup)} events in {setup_s:.1f}s; misses {misses}; flags by rule "
              + ", ".join(f"{r['rule']}={r['n']}" for r in by_rule), flush=True)
        return {"bench": "attendance_rules", "events": total, "rate_per_s": round(total / elapsed, 1),
                "p99_eval_ms": round(statistics.quantiles(EVAL_MS, n=100)[98], 2),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "flags": int(flags), "patients": args.patients, "weeks": args.weeks, "replicas": args.replicas}
    finally:
        await producer.stop()
        for service in services:
            await service.stop()
        await cleanup(bootstrap_servers, database_url, schema)


async def cleanup(bootstrap_servers: str, database_url: str, schema: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await conn.close()
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        await admin.delete_topics([t.name for t in TOPICS])
    finally:
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=5000)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--group-size", type=int, default=10)
    parser.add_argument("--pool", type=int, default=10)
    parser.add_argument("--replicas", type=int, default=1, help="service instances sharing the partitions")
    parser.add_argument("--seed", type=int, default=7)
    result = asyncio.run(run(parser.parse_args()))
    print(json.dumps(result))


if __name__ == "__main__":
    main()

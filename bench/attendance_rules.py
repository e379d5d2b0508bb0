"""Benchmark: attendance events streamed through real Kafka into the attendance service, rules evaluated per event.

Patients in groups attend three 3-hour sessions a week for `--weeks` weeks. Sessions are published first; then,
week by week, the clock moves to the end of the week and every visit's attendance record (present, late,
left early, absent or excused) is published to the private attendance topic by a load generator in its own
process (the clinic's systems are not part of the service). The service runs in this process, as in production:
consumers take each partition's run of records in one transaction (records, visit statuses, misses and
retractions, then each touched patient's rules once, flags, outbox) and the outbox relay publishes the results.
Measured: attendance events applied per second (wall time from the first publish to the last event applied),
p99 of one rule-evaluation call (the histories of a run's patients loaded, evaluated, flags written), peak RSS
of the service process, flags raised.

Uses private topics (IOP_TOPIC_PREFIX) and a private schema, both removed at the end. Last line: one JSON object.

    uv run python bench/attendance_rules.py --patients 100000 --weeks 12   # the issue's full size
    uv run python bench/attendance_rules.py --patients 5000 --weeks 12     # a few minutes here
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import resource
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from multiprocessing.sharedctypes import Synchronized, SynchronizedArray
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

# Before any topic name is read; the generator process inherits the same private prefix.
PREFIX = os.environ.setdefault("IOP_BENCH_ATTENDANCE_PREFIX", f"bench-att-{uuid.uuid4().hex[:8]}.")
os.environ["IOP_TOPIC_PREFIX"] = PREFIX

from iop_attendance import metrics  # noqa: E402
from iop_attendance.bootstrap import bootstrap  # noqa: E402
from iop_attendance.handlers import events as event_handlers  # noqa: E402
from iop_attendance.handlers import timers as timer_handlers  # noqa: E402
from iop_attendance.settings import Settings  # noqa: E402
from iop_attendance.testing import attendance_recorded, envelope, patient_upserted, session_upserted  # noqa: E402
from iop_shared.contracts import Contract, Envelope, encode  # noqa: E402
from iop_shared.contracts.inbound import AttendanceStatus  # noqa: E402
from iop_shared.contracts.topics import TOPICS  # noqa: E402
from iop_shared.kafka import provision_topics  # noqa: E402

START = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)  # a Monday
DAYS = (0, 2, 4)
COUNTED = ("iop.session.upserted.v1", "iop.attendance.recorded.v1")
EVAL_MS: list[float] = []
PUBLISH_S: list[float] = []  # how long the generator took to publish each step


def timed(fn: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await fn(*args, **kwargs)
        finally:
            EVAL_MS.append((time.perf_counter() - started) * 1000)
    return wrapper


class Clinic:
    """The deterministic load: patients in groups of `group_size`, three group sessions a week."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.rng = random.Random(args.seed)
        patients = [f"bp{i}" for i in range(args.patients)]
        self.reliability = {p: self.rng.choice([0.95] * 6 + [0.8] * 3 + [0.45]) for p in patients}
        self.groups = [patients[i:i + args.group_size] for i in range(0, len(patients), args.group_size)]
        self.weeks = args.weeks

    def sessions(self, week: int) -> Iterator[tuple[int, str, datetime]]:
        for g in range(len(self.groups)):
            for day in DAYS:
                yield g, f"bs{g}-{week}-{day}", START + timedelta(weeks=week, days=day)

    def setup(self) -> Iterator[Envelope[Contract]]:
        for members in self.groups:
            for p in members:
                yield envelope(patient_upserted(p))
        for week in range(self.weeks):
            for g, sid, at in self.sessions(week):
                yield envelope(session_upserted(sid, self.groups[g], at, program_id=f"prog{g % 20}"))

    def records(self, week: int) -> Iterator[Envelope[Contract]]:
        """Every visit's record of the week, five minutes after its start (call the weeks in order)."""
        for g, sid, at in self.sessions(week):
            for p in self.groups[g]:
                yield envelope(attendance_recorded(sid, p, self.status(p), at + timedelta(minutes=5)))

    def status(self, patient_id: str) -> AttendanceStatus:
        if self.rng.random() < self.reliability[patient_id]:
            return self.rng.choices([AttendanceStatus.present, AttendanceStatus.late, AttendanceStatus.left_early],
                                    [85, 10, 5])[0]
        return AttendanceStatus.excused if self.rng.random() < 0.1 else AttendanceStatus.absent


def generator(conn: Connection, args: argparse.Namespace, bootstrap_servers: str) -> None:
    """The load generator process: publishes the setup, then a week of records per request; replies with counts."""
    asyncio.run(_generate(conn, args, bootstrap_servers))


async def _generate(conn: Connection, args: argparse.Namespace, bootstrap_servers: str) -> None:
    clinic = Clinic(args)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, linger_ms=20, max_batch_size=512 * 1024,
                                acks="all", enable_idempotence=True)
    await producer.start()
    loop = asyncio.get_running_loop()
    try:
        while (week := await loop.run_in_executor(None, conn.recv)) is not None:
            started = time.monotonic()
            count = await send_all(producer, clinic.setup() if week == "setup" else clinic.records(week))
            conn.send((count, time.monotonic() - started))
    finally:
        await producer.stop()


async def send_all(producer: AIOKafkaProducer, envelopes: Iterable[Envelope[Contract]]) -> int:
    futures = []
    for env in envelopes:
        rec = encode(env)
        futures.append(await producer.send(rec.topic, rec.value, key=rec.key, headers=rec.headers))
    await asyncio.gather(*futures)
    return len(futures)


class SharedClock:
    """The bench's clock, moved by the main process and read by every replica process."""

    def __init__(self, epoch: Synchronized[float]) -> None:
        self.epoch = epoch

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.epoch.value, UTC)

    def set(self, at: datetime) -> None:
        self.epoch.value = at.timestamp()


def replica(conn: Connection, settings: Settings, epoch: Synchronized[float], applied: SynchronizedArray[int]) -> None:
    """One attendance service process: mirrors its applied counters into `applied` until told to stop."""
    asyncio.run(_replica(conn, settings, SharedClock(epoch), applied))


async def _replica(conn: Connection, settings: Settings, clock: SharedClock, applied: SynchronizedArray[int]) -> None:
    for module in (event_handlers, timer_handlers):  # time each evaluation where it is called
        setattr(module, "evaluate_patients", timed(getattr(module, "evaluate_patients")))  # noqa: B009, B010
    service = bootstrap(settings, clock, timers=False)
    counters = [metrics.EVENTS_APPLIED.labels(t) for t in COUNTED]
    await service.start()
    conn.send("ready")
    try:
        while True:
            if conn.poll():
                if conn.recv() == "stop":
                    break
                EVAL_MS.clear()  # "reset": the measured part begins
            for i, counter in enumerate(counters):
                applied[i] = int(counter._value.get())
            await asyncio.sleep(0.02)
    finally:
        await service.stop()
        conn.send((EVAL_MS, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


class Replicas:
    """The service as `count` processes on the same schema and consumer groups: Kafka spreads the partitions."""

    def __init__(self, count: int, settings: Settings, clock: SharedClock) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.applied = [ctx.Array("q", len(COUNTED)) for _ in range(count)]
        self.pipes = [ctx.Pipe() for _ in range(count)]
        self.procs = [ctx.Process(target=replica, args=(
            child, settings if i == 0 else settings.model_copy(update={"run_migrations": False}), clock.epoch,
            self.applied[i])) for i, (_, child) in enumerate(self.pipes)]

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        for proc, (mine, _) in zip(self.procs, self.pipes, strict=True):  # the first one migrates the schema
            proc.start()
            await loop.run_in_executor(None, mine.recv)

    def count(self, ce_type: str) -> int:
        return sum(a[COUNTED.index(ce_type)] for a in self.applied)

    async def wait(self, ce_type: str, target: int, timeout: float = 7200) -> None:
        deadline = time.monotonic() + timeout
        while self.count(ce_type) < target:
            if time.monotonic() > deadline or not all(p.is_alive() for p in self.procs):
                raise TimeoutError(f"applied {self.count(ce_type)} of {target}")
            await asyncio.sleep(0.05)

    def reset_timings(self) -> None:
        for mine, _ in self.pipes:
            mine.send("reset")

    async def stop(self) -> tuple[list[float], float]:
        """Stop every replica; their evaluation timings and the largest peak RSS."""
        loop = asyncio.get_running_loop()
        timings: list[float] = []
        peak = 0.0
        for proc, (mine, _) in zip(self.procs, self.pipes, strict=True):
            if proc.is_alive():
                mine.send("stop")
                evals, rss = await loop.run_in_executor(None, mine.recv)
                timings += evals
                peak = max(peak, rss)
            proc.join(timeout=30)
        return timings, peak


async def run(args: argparse.Namespace) -> dict[str, Any]:
    bootstrap_servers = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
    database_url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:15432/iop")
    schema = f"bench_att_{uuid.uuid4().hex[:8]}"
    await provision_topics(bootstrap_servers)
    settings = Settings(KAFKA_BOOTSTRAP_SERVERS=bootstrap_servers, DATABASE_URL=database_url,
                        db_schema=schema, group_id=f"bench-{schema}", late_session_settle=timedelta(0),
                        pool_max_size=args.pool)
    ctx = multiprocessing.get_context("spawn")
    clock = SharedClock(ctx.Value("d", (START - timedelta(days=1)).timestamp()))
    replicas = Replicas(args.replicas, settings, clock)
    requests, replies = ctx.Pipe()
    load = ctx.Process(target=generator, args=(replies, args, bootstrap_servers))
    loop = asyncio.get_running_loop()

    async def publish(what: str | int) -> int:
        requests.send(what)
        count, seconds = await loop.run_in_executor(None, requests.recv)
        PUBLISH_S.append(seconds)
        return int(count)

    await replicas.start()
    load.start()
    try:
        t_setup = time.monotonic()
        setup = await publish("setup")
        await replicas.wait("iop.session.upserted.v1", setup - args.patients)
        setup_s = time.monotonic() - t_setup
        replicas.reset_timings()
        total = 0
        started = time.monotonic()
        for week in range(args.weeks):
            clock.set(START + timedelta(weeks=week + 1, hours=-14))  # after the week's last session
            total += await publish(week)
            await replicas.wait("iop.attendance.recorded.v1", total)
            print(f"week {week + 1}: {total} events, {total / (time.monotonic() - started):.0f}/s "
                  f"(published in {PUBLISH_S[-1]:.1f}s)", flush=True)
        elapsed = time.monotonic() - started
        conn = await asyncpg.connect(database_url, server_settings={"search_path": schema})
        try:
            flags = await conn.fetchval("SELECT count(*) FROM flags")
            by_rule = await conn.fetch("SELECT rule, count(*) AS n FROM flags GROUP BY rule ORDER BY rule")
            misses = await conn.fetchval("SELECT count(*) FROM visits WHERE missed_visit_id IS NOT NULL")
        finally:
            await conn.close()
        evals, peak_rss = await replicas.stop()
        print(f"setup {setup} events in {setup_s:.1f}s; misses {misses}; {len(evals)} evaluation calls; flags by "
              "rule " + ", ".join(f"{r['rule']}={r['n']}" for r in by_rule), flush=True)
        return {"bench": "attendance_rules", "events": total, "rate_per_s": round(total / elapsed, 1),
                "p99_eval_ms": round(statistics.quantiles(evals, n=100)[98], 2), "peak_rss_mb": round(peak_rss, 1),
                "flags": int(flags), "patients": args.patients, "weeks": args.weeks, "replicas": args.replicas}
    finally:
        requests.send(None)
        load.join(timeout=30)
        await replicas.stop()
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

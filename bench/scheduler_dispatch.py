"""Benchmark: the scheduler's durable dispatch against the naive APScheduler-job-per-reminder baseline.

    uv run python bench/scheduler_dispatch.py [--reminders 100000] [--window 60]

Runs on a private set of topics (IOP_TOPIC_PREFIX, deleted afterwards) and a throwaway schema.

1. catch-up: N reminders already due (a scheduler back from downtime) -> dispatch rate (reminders/s),
   from the first to the last catch-up record's publish timestamp on Kafka.
2. on time: N reminders due within the same minute (uniformly) -> lag from due time to the Kafka record
   timestamp (p50, p99, max), duplicates counted by reminder_id over both phases.
3. baseline on the phase-2 data: APScheduler 3.11 AsyncIOScheduler, memory job store, default settings,
   one DateTrigger job per reminder, each publishing to Kafka; how many ran and how many were missed;
   then the same jobs all due at the same instant.

The scheduler side runs in its own process (dispatcher + APScheduler wake job + outbox relay, as in
`iop-scheduler run`); this process only measures, with a plain aiokafka consumer.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import multiprocessing as mp
import os
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

PREFIX = f"bench-sched-{uuid.uuid4().hex[:6]}."
os.environ.setdefault("IOP_TOPIC_PREFIX", PREFIX)
os.environ.setdefault("IOP_ENVIRONMENT", "development")  # services have no default environment
KAFKA = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
DB = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:15432/iop")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # rawkafka beside this file


# ---------------------------------------------------------------- data
async def load_plan(schema: str, phase: str, n: int, first_due: datetime, window: float) -> None:
    """Write n pending reminders straight into the plan (planning is not what is measured here)."""
    from iop_shared.db import create_pool

    pool = await create_pool(DB, schema)
    patients = [f"{phase}-p{i % 20000}" for i in range(n)]
    step = window / n
    rows = [(f"{phase}-r{i}", patients[i], "clinic-bench", "upcoming_session", "cadence", [f"{phase}-s{i}"],
             first_due + timedelta(seconds=i * step), first_due + timedelta(hours=2), False, 0) for i in range(n)]
    async with pool.acquire() as conn:
        await conn.copy_records_to_table("patients", records=[(p,) for p in sorted(set(patients))],
                                         columns=["patient_id"])
        await conn.copy_records_to_table(
            "reminders", records=rows, columns=["reminder_id", "patient_id", "clinic_id", "purpose", "kind",
                                                "session_ids", "due_at", "expires_at", "urgent", "plan_version"])
        await conn.execute("ANALYZE reminders; ANALYZE patients")
    await pool.close()


# ---------------------------------------------------------------- the scheduler side (child process)
def run_scheduler(schema: str, seconds: float, started: Any) -> None:
    asyncio.run(_run_scheduler(schema, seconds, started))


async def _run_scheduler(schema: str, seconds: float, started: Any) -> None:
    from iop_scheduler.adapters.repository import Store
    from iop_scheduler.bootstrap import bootstrap
    from iop_scheduler.settings import Settings
    from iop_shared.logging import configure_logging
    from iop_shared.relay import OutboxRelay

    configure_logging("scheduler-bench", "WARNING")
    settings = Settings(DATABASE_URL=DB, KAFKA_BOOTSTRAP_SERVERS=KAFKA, db_schema=schema,
                        migrate_on_start=False)
    service = bootstrap(settings, relay=False)
    from iop_shared.db import create_pool

    store: Store = service.store
    store.attach(await create_pool(DB, schema, max_size=4))
    relay = OutboxRelay(DB, schema, KAFKA, batch_size=settings.dispatch_batch)
    stop = asyncio.Event()
    relay_task = asyncio.create_task(relay.run(stop))
    started.set()
    service.timer.start()
    await asyncio.sleep(seconds)
    await service.timer.aclose()
    stop.set()
    await relay_task
    await store.pool.close()


# ---------------------------------------------------------------- the baseline (child process)
def run_baseline(n: int, first_due: float, window: float, out: Any) -> None:
    asyncio.run(_run_baseline(n, first_due, window, out))


async def _run_baseline(n: int, first_due: float, window: float, out: Any) -> None:
    from aiokafka import AIOKafkaProducer
    from apscheduler.events import EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
    from apscheduler.schedulers.asyncio import AsyncIOScheduler
    from apscheduler.triggers.date import DateTrigger

    logging.getLogger("apscheduler").setLevel(logging.ERROR)  # one warning per missed job otherwise
    producer = AIOKafkaProducer(bootstrap_servers=KAFKA, acks="all", enable_idempotence=True, linger_ms=5)
    await producer.start()
    topic = os.environ["IOP_TOPIC_PREFIX"] + "bench.baseline"
    counts = {"ran": 0, "missed": 0}

    async def send(i: int) -> None:
        await producer.send(topic, json.dumps({"reminder_id": f"b{i}"}).encode())

    all_done = asyncio.Event()

    def listen(event: Any) -> None:
        counts["ran" if event.code == EVENT_JOB_EXECUTED else "missed"] += 1
        if counts["ran"] + counts["missed"] >= n:
            all_done.set()

    scheduler = AsyncIOScheduler(timezone=UTC)  # default settings: memory job store, grace time 1 s
    scheduler.add_listener(listen, EVENT_JOB_EXECUTED | EVENT_JOB_MISSED)
    scheduler.start()
    add_start = time.time()
    step = window / n
    for i in range(n):
        run_at = datetime.fromtimestamp(first_due + i * step, UTC)
        scheduler.add_job(send, DateTrigger(run_date=run_at), args=[i])
    add_s = time.time() - add_start
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(all_done.wait(), timeout=max(1.0, first_due + window + 30 - time.time()))
    finished = time.time()
    scheduler.shutdown(wait=False)
    await producer.flush()
    await producer.stop()
    out.put({"ran": counts["ran"], "missed": counts["missed"], "add_s": add_s,
             "rate": counts["ran"] / max(1e-9, finished - first_due)})


# ---------------------------------------------------------------- measuring
async def collect(topic: str, expected: int, deadline: float) -> dict[str, list[Any]]:
    """Read every record of the topic until `expected` distinct ids arrived or the deadline passed."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(bootstrap_servers=KAFKA, group_id=None, enable_auto_commit=False,
                                auto_offset_reset="earliest", fetch_max_bytes=64 * 1024 * 1024)
    await consumer.start()
    parts = consumer.partitions_for_topic(topic) or set()
    while not parts:
        await consumer._client.force_metadata_update()
        parts = consumer.partitions_for_topic(topic) or set()
    consumer.assign([TopicPartition(topic, p) for p in parts])
    ids: list[str] = []
    lags: list[float] = []
    stamps: list[float] = []
    seen: set[str] = set()
    try:
        while len(seen) < expected and time.time() < deadline:
            batch = await consumer.getmany(timeout_ms=500, max_records=20000)
            for records in batch.values():
                for r in records:
                    data = json.loads(r.value)
                    due = datetime.fromisoformat(data["due_at"].replace("Z", "+00:00")).timestamp()
                    ids.append(data["reminder_id"])
                    seen.add(data["reminder_id"])
                    stamps.append(r.timestamp / 1000)
                    lags.append(r.timestamp / 1000 - due)
        # keep reading briefly so late duplicates would show up
        end = time.time() + 2
        while time.time() < end:
            batch = await consumer.getmany(timeout_ms=300)
            for records in batch.values():
                ids.extend(json.loads(r.value)["reminder_id"] for r in records)
    finally:
        await consumer.stop()
    return {"ids": ids, "lags": lags, "stamps": stamps}


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _baseline(ctx: Any, n: int, first: float, window: float) -> dict[str, Any]:
    out = ctx.Queue()
    proc = ctx.Process(target=run_baseline, args=(n, first, window, out))
    proc.start()
    result: dict[str, Any] = await asyncio.to_thread(out.get)
    proc.join()
    return result


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reminders", type=int, default=100_000)
    parser.add_argument("--window", type=float, default=60.0, help="seconds over which phase 2 falls due")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--raw", type=int, default=100_000, help="records for the raw Kafka round trip")
    args = parser.parse_args()
    n, window = args.reminders, args.window
    from benchkit import drop_run, report_durable
    from rawkafka import raw_round_trip


    durable = await report_durable(DB)

    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    from iop_scheduler.bootstrap import MIGRATIONS
    from iop_shared.contracts.topics import REMINDERS
    from iop_shared.db import migrate
    from iop_shared.kafka import provision_topics

    schema = f"bench_sched_{uuid.uuid4().hex[:8]}"
    await provision_topics(KAFKA)
    admin = AIOKafkaAdminClient(bootstrap_servers=KAFKA)
    await admin.start()
    baseline_topic = os.environ["IOP_TOPIC_PREFIX"] + "bench.baseline"
    await admin.create_topics([NewTopic(baseline_topic, 6, 1)])
    migrate(DB, schema, MIGRATIONS)
    ctx = mp.get_context("spawn")
    try:
        # Phase 1: catch-up capacity. Phase 2 rows are loaded now too, due after phase 1 has drained.
        now = datetime.now(UTC)
        await load_plan(schema, "catchup", n, now - timedelta(minutes=5), 1.0)
        lead = float(os.environ.get("BENCH_LEAD_S", "45"))
        second_due = datetime.now(UTC) + timedelta(seconds=lead)
        await load_plan(schema, "ontime", n, second_due, window)
        started = ctx.Event()
        proc = ctx.Process(target=run_scheduler, args=(schema, lead + window + 20, started))
        proc.start()
        await asyncio.to_thread(started.wait)
        t0 = time.time()
        got = await collect(REMINDERS.name, 2 * n, second_due.timestamp() + window + 60)
        proc.join()
        catchup = [s for i, s in zip(got["ids"], got["stamps"], strict=False) if i.startswith("catchup")]
        ontime = [(i, lag) for i, lag in zip(got["ids"], got["lags"], strict=False) if i.startswith("ontime")]
        # Rate: from the first to the last catch-up record on Kafka (process start-up is not dispatch).
        rate = len(catchup) / max(1e-9, max(catchup) - min(catchup)) if catchup else 0.0
        startup = min(catchup) - t0 if catchup else 0.0
        lags = [lag for _, lag in ontime]
        published = len({i for i, _ in ontime})
        duplicates = len(got["ids"]) - len(set(got["ids"]))

        baseline: dict[str, Any] = {"ran": 0, "missed": 0, "rate": 0.0, "add_s": 0.0}
        burst: dict[str, Any] = dict(baseline)
        if not args.skip_baseline:
            # The same spread as phase 2, after time to add the jobs; then all due in the same instant.
            baseline = await _baseline(ctx, n, time.time() + 30, window)
            burst = await _baseline(ctx, n, time.time() + 30, 0.0)
    finally:
        await admin.close()
        await drop_run(DB, schema, KAFKA, [baseline_topic])

    raw = await raw_round_trip(KAFKA, args.raw)
    print(f"{'':28}{'scheduler (durable)':>22}{'baseline (job/reminder)':>26}")
    print(f"{'reminders due in 1 minute':28}{n:>22,}{n:>26,}")
    print(f"{'published / ran':28}{published:>22,}{baseline['ran']:>26,}")
    print(f"{'missed':28}{n - published:>22,}{baseline['missed']:>26,}")
    print(f"{'duplicates':28}{duplicates:>22,}{'-':>26}")
    lag_text = f"{pct(lags, .5):.3f} / {pct(lags, .99):.3f} / {max(lags, default=0):.3f}"
    print(f"{'lag p50 / p99 / max (s)':28}{lag_text:>22}")
    print(f"{'rate (reminders/s)':28}{rate:>22,.0f}{baseline['rate']:>26,.0f}")
    adding = f"(adding jobs: {baseline['add_s']:.1f} s)"
    print(f"{'  (scheduler: catch-up of':28}{f'{len(catchup):,} overdue)':>22}{adding:>26}")
    print(f"{'  (first publish after':28}{f'{startup:.2f} s)':>22}")
    at_once = f"ran {burst['ran']:,} / missed {burst['missed']:,}"
    print(f"{'baseline, all due at once':28}{'':>22}{at_once:>26}")
    print(f"raw Kafka round trip (same run): {raw:,.0f} records/s; dispatch ratio {rate / raw:.3f}")
    print(json.dumps({"bench": "scheduler_dispatch", "reminders": n, "published": published,
                      "duplicates": duplicates, "p50_lag_s": round(pct(lags, .5), 3),
                      "p99_lag_s": round(pct(lags, .99), 3), "rate_per_s": round(rate, 1),
                      "baseline_ran": baseline["ran"], "baseline_missed": baseline["missed"],
                      "baseline_rate_per_s": round(baseline["rate"], 1),
                      "baseline_burst_ran": burst["ran"], "baseline_burst_missed": burst["missed"],
                      "raw_kafka_round_trip_per_s": round(raw), "ratio": round(rate / raw, 4),
                      "pg_durable": durable}))


if __name__ == "__main__":
    asyncio.run(main())

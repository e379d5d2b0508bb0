"""Benchmark: attendance events streamed through real Kafka into the attendance service, rules evaluated per event.

Patients in groups attend three 3-hour sessions a week for `--weeks` weeks. Sessions are published first; then,
week by week, the clock moves to the end of the week and every visit's attendance record (present, late,
left early, absent or excused) is published to the private attendance topic by a load generator in its own
process (the clinic's systems are not part of the service). The service runs as `--replicas` processes of
its own, as deployed: consumers take each partition's run of records in one transaction (records, visit
statuses, misses and retractions, then each touched patient's rules once, flags, outbox) and the outbox relay
publishes the results.
Measured: attendance events applied per second (wall time from the first publish to the last event applied),
p99 of one rule-evaluation call (the histories of a run's patients loaded, evaluated, flags written), the
largest peak RSS of a service process, flags raised. With `--baseline-patients N` the same workload on N
patients is measured twice more in the same run, batched and with batch size 1 (one transaction and one
evaluation per event, the service before batching), and the ratio is reported.

Each run uses private topics (IOP_TOPIC_PREFIX) and a private schema, removed at the end. Last line: one JSON
object.

    uv run python bench/attendance_rules.py --patients 100000 --weeks 12 --replicas 2   # the issue's size
    uv run python bench/attendance_rules.py --patients 5000 --weeks 12 --baseline-patients 500
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import time
import uuid
from datetime import timedelta
from typing import Any

import asyncpg
from attendance_processes import START, Replicas, SharedClock, generator
from benchkit import drop_run, report_durable
from rawkafka import raw_round_trip

from iop_attendance.settings import Settings
from iop_shared.kafka import provision_topics

PUBLISH_S: list[float] = []  # how long the generator took to publish each step


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """One measured run on its own topics and schema, removed at the end."""
    prefix = f"bench-att-{uuid.uuid4().hex[:8]}."  # inherited by the processes this run spawns
    os.environ["IOP_BENCH_ATTENDANCE_PREFIX"] = os.environ["IOP_TOPIC_PREFIX"] = prefix
    os.environ.setdefault("IOP_ENVIRONMENT", "development")  # services have no default environment
    bootstrap_servers = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
    database_url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:15432/iop")
    schema = f"bench_att_{uuid.uuid4().hex[:8]}"
    await provision_topics(bootstrap_servers)
    settings = Settings(KAFKA_BOOTSTRAP_SERVERS=bootstrap_servers, DATABASE_URL=database_url,
                        db_schema=schema, group_id=f"bench-{schema}", late_session_settle=timedelta(0),
                        pool_max_size=args.pool, consumer_batch_size=args.batch_size)
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
        week_rates: list[float] = []
        for week in range(args.weeks):
            clock.set(START + timedelta(weeks=week + 1, hours=-14))  # after the week's last session
            week_started = time.monotonic()
            count = await publish(week)
            total += count
            await replicas.wait("iop.attendance.recorded.v1", total)
            week_rates.append(count / (time.monotonic() - week_started))
            print(f"week {week + 1}: {total} events, {total / (time.monotonic() - started):.0f}/s overall, "
                  f"this week {week_rates[-1]:.0f}/s (published in {PUBLISH_S[-1]:.1f}s)", flush=True)
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
                "flags": int(flags), "patients": args.patients, "weeks": args.weeks, "replicas": args.replicas,
                "batch_size": args.batch_size, "week1_rate_per_s": round(week_rates[0], 1),
                "last_week_rate_per_s": round(week_rates[-1], 1),
                "last_to_first_week": round(week_rates[-1] / week_rates[0], 3)}
    finally:
        requests.send(None)
        load.join(timeout=30)
        await replicas.stop()
        await cleanup(bootstrap_servers, database_url, schema)


async def cleanup(bootstrap_servers: str, database_url: str, schema: str) -> None:
    await drop_run(database_url, schema, bootstrap_servers)


async def run_all(args: argparse.Namespace) -> dict[str, Any]:
    """The measured run, then (with --baseline-patients) the baseline: one event per transaction, as before batching.

    The PostgreSQL durability mode and the raw Kafka round trip of this run come first: every rate is given as a
    ratio to that round trip too.
    """
    bootstrap_servers = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
    durable = await report_durable(os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:15432/iop"))
    raw = await raw_round_trip(bootstrap_servers)
    print(f"raw aiokafka round trip: {raw:,.0f} records/s", flush=True)
    result = await run(args)
    result |= {"raw_kafka_round_trip_per_s": round(raw), "ratio_to_raw": round(result["rate_per_s"] / raw, 4),
               "pg_durable": durable}
    print(f"attendance: {result['rate_per_s']:,.0f} events/s = {result['ratio_to_raw']:.1%} of the raw round trip; "
          f"last week at {result['last_to_first_week']:.0%} of the first", flush=True)
    if args.baseline_patients:
        small = argparse.Namespace(**{**vars(args), "patients": args.baseline_patients})
        batched = await run(small)
        per_event = await run(argparse.Namespace(**{**vars(small), "batch_size": 1}))
        print(f"baseline at {args.baseline_patients} patients: batched {batched['rate_per_s']}/s, "
              f"one event per transaction {per_event['rate_per_s']}/s", flush=True)
        result |= {"baseline_patients": args.baseline_patients, "batched_rate_per_s": batched["rate_per_s"],
                   "baseline_rate_per_s": per_event["rate_per_s"],
                   "speedup": round(batched["rate_per_s"] / per_event["rate_per_s"], 1)}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=5000)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--group-size", type=int, default=10)
    parser.add_argument("--pool", type=int, default=10)
    parser.add_argument("--replicas", type=int, default=1, help="service processes sharing the partitions")
    parser.add_argument("--batch-size", type=int, default=Settings.model_fields["consumer_batch_size"].default,
                        help="ATTENDANCE_CONSUMER_BATCH_SIZE of the measured run")
    parser.add_argument("--baseline-patients", type=int, default=0,
                        help="also measure this many patients batched and with batch size 1 (the baseline)")
    parser.add_argument("--seed", type=int, default=7)
    result = asyncio.run(run_all(parser.parse_args()))
    print(json.dumps(result))


if __name__ == "__main__":
    main()

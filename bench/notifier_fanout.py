"""Benchmark: N reminder.due events through real Kafka into the notifier, out to the Twilio fake and an SMTP server.

Runs on private topics (IOP_TOPIC_PREFIX) and a private schema, with the notifier in this process, the
providers in another (bench/providers_proc.py) and no SMS rate limit. Each reminder is due the moment it is
published; measures messages per second, p50/p99 from `due_at` to the provider accepting it, duplicates, and
the raw Kafka round trip and the bare provider path (bench/bare_providers.py: the SDK and the SMTP client alone,
the same mix and concurrency) of the same run, with the ratio to each. The last line is one JSON object.

    uv run python bench/notifier_fanout.py [--events 20000] [--email-share 0.25]     # a burst, all due at once
    uv run python bench/notifier_fanout.py --offered-rate 1000 --duration 60          # the latency target
    uv run python bench/notifier_fanout.py --events 6000 --replicas 2                 # two notifier processes
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import asyncpg
from aiokafka import AIOKafkaProducer

PREFIX = f"bench{uuid.uuid4().hex[:8]}."
os.environ["IOP_TOPIC_PREFIX"] = PREFIX  # before any topic name is read

from bare_providers import bare_ceiling  # noqa: E402
from benchkit import drop_topics, report_durable  # noqa: E402
from notifier_replicas import run_replicas  # noqa: E402
from providers_proc import Endpoints, Providers  # noqa: E402
from rawkafka import raw_round_trip  # noqa: E402

from iop_devkit.notifier import builders as b  # noqa: E402
from iop_devkit.notifier.runner import run_notifier  # noqa: E402
from iop_devkit.notifier.twilio_fake import free_port  # noqa: E402
from iop_notifier.adapters.sql import Q  # noqa: E402
from iop_notifier.bootstrap import MIGRATIONS  # noqa: E402
from iop_notifier.settings import Settings  # noqa: E402
from iop_shared.contracts.cloudevents import Envelope, encode  # noqa: E402
from iop_shared.contracts.common import Contract  # noqa: E402
from iop_shared.contracts.inbound import ClinicUpserted, PatientUpserted, SessionUpserted  # noqa: E402
from iop_shared.db import migrate  # noqa: E402
from iop_shared.kafka import provision_topics  # noqa: E402


async def produce(bootstrap: str, patients: Sequence[tuple[str, str, str]], clinic: str, sessions: list[str],
                  offered_rate: float) -> dict[str, float]:
    """Publish one reminder per patient, due the moment it is published (all at once, or `offered_rate` a second);
    returns each address's due time."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=5)
    await producer.start()
    due_of: dict[str, float] = {}
    started = time.monotonic()
    try:
        futures = []
        for i, (pid, phone, mail) in enumerate(patients):
            if offered_rate and i % 10 == 0:  # paced in steps of ten: the schedule, not the producer, sets the rate
                await asyncio.sleep(max(0.0, started + i / offered_rate - time.monotonic()))
            env = b.reminder(pid, clinic, [sessions[i % len(sessions)]])
            due_of[phone] = due_of[mail] = env.data.due_at.timestamp()
            rec = encode(env)
            futures.append(await producer.send(rec.topic, rec.value, key=rec.key, headers=rec.headers))
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return due_of


async def load_read_models(conn: asyncpg.Connection, schema: str, upserts: list[Envelope[Contract]]) -> None:
    """Clinic, patients and sessions written with the notifier's own upsert queries."""
    await conn.execute(f'SET search_path TO "{schema}"')
    rows: dict[str, list[tuple[object, ...]]] = {"upsert_clinic": [], "upsert_patient": [], "upsert_session": []}
    for env in upserts:
        d = env.data
        if isinstance(d, ClinicUpserted):
            qh = d.quiet_hours
            rows["upsert_clinic"].append((d.clinic_id, d.public_name, d.callback_phone, d.timezone,
                                          d.default_locale.value, qh.start if qh else None, qh.end if qh else None,
                                          d.revision))
        elif isinstance(d, PatientUpserted):
            rows["upsert_patient"].append((d.patient_id, d.clinic_id, d.phone, d.email, d.timezone, d.locale.value,
                                           [c.value for c in d.channels], d.consent.sms, d.consent.email,
                                           d.care_team_id, None, d.revision))
        elif isinstance(d, SessionUpserted):
            rows["upsert_session"].append((d.session_id, d.clinic_id, d.starts_at,
                                           d.location.public_label if d.location else None, False, d.revision,
                                           None, d.kind.value))
    for name, batch in rows.items():
        await conn.executemany(Q[name], batch)


async def wait_for(check, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await check():
            return True
        await asyncio.sleep(0.5)
    return False


def _settings(bootstrap: str, database_url: str, schema: str, p: Endpoints, concurrency: int) -> dict[str, object]:
    port = free_port()
    return {
        "IOP_ENVIRONMENT": "development", "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "DATABASE_URL": database_url,
        "db_schema": schema, "group_id": f"bench-{uuid.uuid4().hex[:8]}", "http_port": port,
        "public_base_url": f"http://127.0.0.1:{port}", "twilio_account_sid": p.account_sid,
        "twilio_auth_token": p.auth_token, "twilio_messaging_service_sid": "MG" + "1" * 32,
        "twilio_api_base_url": p.twilio_base_url, "sms_rate_per_second": 0, "smtp_host": "127.0.0.1",
        "smtp_port": p.smtp_port, "embedded_token": "bench-token-123456", "admin_token": "bench-admin-123456",
        "triage_token": "bench-triage-123456", "log_level": "WARNING", "run_migrations": False,
        "dispatch_batch": 500, "dispatch_concurrency": concurrency, "dispatch_poll_s": 0.2}


@asynccontextmanager
async def notifier(settings: dict[str, object], replicas: int) -> AsyncIterator[Callable[[], float]]:
    """The notifier in this process (replicas 0) or as that many processes; yields its CPU seconds so far
    (in this process: with the producer's)."""
    if not replicas:
        async with run_notifier(Settings.model_validate(settings)):
            yield time.process_time
        return
    async with run_replicas(settings, replicas) as children_cpu:
        yield lambda: time.process_time() + children_cpu()


def _quantile(values: list[float], q: float) -> float | None:
    return round(values[min(len(values) - 1, int(len(values) * q))], 3) if values else None


async def main(events: int, email_share: float, timeout: float, offered_rate: float,
               replicas: int, concurrency: int) -> dict[str, object]:
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
    database_url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:15432/iop")
    await provision_topics(bootstrap)
    schema = f"bench_ntf_{uuid.uuid4().hex[:8]}"
    clinic = b.uid("cl")
    n_email = int(events * email_share)
    patients = [(f"bp-{i:06d}", f"+1555{2000000 + i:07d}", f"bp{i}@example.org") for i in range(events)]
    sessions = [b.session(f"bs-{i:05d}", clinic, [], starts_in=timedelta(days=2)) for i in range(max(1, events // 20))]
    upserts: list[Envelope[Contract]] = [b.clinic(clinic, quiet=b.all_day())]
    for i, (pid, phone, mail) in enumerate(patients):
        email_only = i < n_email
        upserts.append(b.patient(pid, clinic, phone_number=None if email_only else phone, email=mail,
                                 channels=("email",) if email_only else ("sms", "email")))
    upserts += sessions
    session_ids = [s.data.session_id for s in sessions]
    with Providers() as providers:
        conn = await asyncpg.connect(database_url)
        try:
            # The read models are set up directly (not measured); only reminder.due events go through Kafka.
            await asyncio.to_thread(migrate, database_url, schema, MIGRATIONS)
            await load_read_models(conn, schema, upserts)
            settings = _settings(bootstrap, database_url, schema, providers.endpoints, concurrency)
            async with notifier(settings, replicas) as notifier_cpu:
                started, cpu, child_cpu = time.time(), notifier_cpu(), await providers.cpu_s()
                due_of = await produce(bootstrap, patients, clinic, session_ids, offered_rate)

                async def done() -> bool:
                    return await providers.count() >= events
                await wait_for(done, timeout)
                cpu, child_cpu = notifier_cpu() - cpu, await providers.cpu_s() - child_cpu
                await asyncio.sleep(1.0)  # anything more (a duplicate) would arrive now
                sms, mails = await providers.dump()
        finally:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            await conn.close()
    await drop_topics(bootstrap)
    arrivals = sms + mails
    latencies = sorted(at - due_of[to] for to, at in arrivals)
    recipients = [to for to, _ in arrivals]
    finished = max((at for _, at in arrivals), default=started)
    return {"bench": "notifier_fanout", "events": events, "replicas": replicas,
            "offered_rate_per_s": offered_rate or None,
            "sms_accepted": len(sms), "emails_accepted": len(mails),
            "rate_per_s": round(len(arrivals) / max(finished - started, 1e-9), 1),
            "p50_due_to_provider_s": _quantile(latencies, 0.5), "p99_due_to_provider_s": _quantile(latencies, 0.99),
            "duplicates": len(recipients) - len(set(recipients)),
            # CPU per message, which a busy machine changes less than the rate: notifier (+ producer), providers
            "cpu_ms_per_msg": {"notifier_and_producer": round(1000 * cpu / max(1, len(arrivals)), 3),
                               "providers": round(1000 * child_cpu / max(1, len(arrivals)), 3)},
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds")}


async def run(args: argparse.Namespace) -> dict[str, object]:
    """The notifier's run, then the raw Kafka round trip on the same machine, and their ratio."""
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
    durable = await report_durable(os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:15432/iop"))
    events = int(args.offered_rate * args.duration) if args.offered_rate else args.events
    result = await main(events, args.email_share, args.timeout, args.offered_rate, args.replicas,
                        args.concurrency)
    raw = await raw_round_trip(bootstrap, args.raw_records)
    # The bare provider path (SDK + SMTP client, no Kafka or PostgreSQL) with the same mix: the notifier's ceiling.
    bare = await bare_ceiling(args.bare_messages, args.email_share, args.concurrency)
    print(json.dumps(bare), flush=True)
    rate = float(result["rate_per_s"])  # type: ignore[arg-type]
    result |= {"raw_kafka_round_trip_per_s": round(raw), "ratio": round(rate / raw, 4),
               "bare_provider_path_per_s": bare["bare_mix_per_s"],
               "ratio_to_bare": round(rate / bare["bare_mix_per_s"], 3), "pg_durable": durable}
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000, help="a burst of this many, all due at once")
    parser.add_argument("--offered-rate", type=float, default=0.0, help="events/s offered, for --duration seconds")
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--email-share", type=float, default=0.25)
    parser.add_argument("--concurrency", type=int, default=64, help="provider calls in flight per replica")
    parser.add_argument("--replicas", type=int, default=0,
                        help="notifier processes (0: the notifier in the bench's own process)")
    parser.add_argument("--timeout", type=float, default=150)
    parser.add_argument("--raw-records", type=int, default=200_000)
    parser.add_argument("--bare-messages", type=int, default=3000, help="the bare provider path's run (its mix)")
    out = asyncio.run(run(parser.parse_args()))
    print(f"durability: pg_durable={out['pg_durable']}; rate {out['rate_per_s']}/s; due-to-provider p50 "
          f"{out['p50_due_to_provider_s']} s, p99 {out['p99_due_to_provider_s']} s; duplicates {out['duplicates']}; "
          f"raw Kafka round trip {out['raw_kafka_round_trip_per_s']}/s, ratio {out['ratio']}; bare provider path "
          f"{out['bare_provider_path_per_s']}/s, ratio {out['ratio_to_bare']}")
    detail = {k: out.pop(k) for k in ("p50_due_to_provider_s", "measured_at", "offered_rate_per_s",
                                      "sms_accepted", "emails_accepted", "cpu_ms_per_msg")}
    print(json.dumps(detail))
    print(json.dumps(out))

"""Benchmark: N reminder.due events through real Kafka into the notifier, out to the Twilio fake and an SMTP server.

Runs on private topics (IOP_TOPIC_PREFIX) and a private schema, with the notifier in this process and no SMS
rate limit. Measures messages per second and the p99 from publishing an event to the provider accepting it.
The last line is one JSON object.

    uv run python bench/notifier_fanout.py [--events 20000] [--email-share 0.25]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

PREFIX = f"bench{uuid.uuid4().hex[:8]}."
os.environ["IOP_TOPIC_PREFIX"] = PREFIX  # before any topic name is read

from iop_devkit.notifier import builders as b  # noqa: E402
from iop_devkit.notifier.runner import run_notifier  # noqa: E402
from iop_devkit.notifier.smtp import SmtpCapture  # noqa: E402
from iop_devkit.notifier.twilio_fake import TwilioFake, free_port  # noqa: E402
from iop_notifier.adapters.sql import Q  # noqa: E402
from iop_notifier.bootstrap import MIGRATIONS  # noqa: E402
from iop_notifier.settings import Settings  # noqa: E402
from iop_shared.contracts.cloudevents import Envelope, encode  # noqa: E402
from iop_shared.contracts.common import Contract  # noqa: E402
from iop_shared.contracts.inbound import ClinicUpserted, PatientUpserted, SessionUpserted  # noqa: E402
from iop_shared.contracts.topics import TOPICS  # noqa: E402
from iop_shared.db import migrate  # noqa: E402
from iop_shared.kafka import provision_topics  # noqa: E402


async def produce(bootstrap: str, envelopes: Sequence[Envelope[Contract]]) -> dict[str, float]:
    """Publish everything without waiting per message; returns each event's publish time by id."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=5)
    await producer.start()
    sent_at: dict[str, float] = {}
    try:
        futures = []
        for env in envelopes:
            rec = encode(env)
            sent_at[env.id] = time.time()
            futures.append(await producer.send(rec.topic, rec.value, key=rec.key, headers=rec.headers))
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return sent_at


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
                                           d.location.public_label if d.location else None, False, d.revision))
    for name, batch in rows.items():
        await conn.executemany(Q[name], batch)


async def wait_for(check, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await check():
            return True
        await asyncio.sleep(0.5)
    return False


async def main(events: int, email_share: float, timeout: float) -> dict[str, object]:
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
    reminders = [b.reminder(pid, clinic, [sessions[i % len(sessions)].data.session_id])
                 for i, (pid, _, _) in enumerate(patients)]

    port = free_port()
    async with TwilioFake() as twilio:
        with SmtpCapture() as smtp:
            settings = Settings.model_validate({
                "IOP_ENVIRONMENT": "development", "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "DATABASE_URL": database_url,
                "db_schema": schema, "group_id": f"bench-{uuid.uuid4().hex[:8]}", "http_port": port,
                "public_base_url": f"http://127.0.0.1:{port}", "twilio_account_sid": twilio.account_sid,
                "twilio_auth_token": twilio.auth_token, "twilio_messaging_service_sid": "MG" + "1" * 32,
                "twilio_api_base_url": twilio.base_url, "sms_rate_per_second": 0, "smtp_host": "127.0.0.1",
                "smtp_port": smtp.port, "embedded_token": "bench-token-123456", "admin_token": "bench-admin-123456",
                "triage_token": "bench-triage-123456",
                "log_level": "WARNING",
                "dispatch_batch": 500, "dispatch_concurrency": 64, "dispatch_poll_s": 0.2,
                "run_migrations": False})
            pool = await asyncpg.connect(database_url)
            try:
                # The read models are set up directly (not measured); only reminder.due events go through Kafka.
                await asyncio.to_thread(migrate, database_url, schema, MIGRATIONS)
                await load_read_models(pool, schema, upserts)
                async with run_notifier(settings):
                    started = time.time()
                    sent_at = await produce(bootstrap, reminders)

                    async def done() -> bool:
                        return len(twilio.messages) + len(smtp.mails) >= events
                    await wait_for(done, timeout)
                    await asyncio.sleep(1.0)  # anything more (a duplicate) would arrive now
                    stages_sql = ("SELECT min(r.received_at) AS first_in, max(r.received_at) AS last_in, "
                                  "max(l.claimed_at) AS last_claim FROM requests r "
                                  "LEFT JOIN ledger l ON l.request_id = r.id")
                    stages = await pool.fetchrow(stages_sql)
                    assert stages is not None
            finally:
                await pool.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
                await pool.close()
            by_phone = {phone: rem.id for (pid, phone, _), rem in zip(patients, reminders, strict=True)}
            by_mail = {mail: rem.id for (pid, _, mail), rem in zip(patients, reminders, strict=True)}
            latencies = [m.accepted_at - sent_at[by_phone[m.to]] for m in twilio.messages]
            latencies += [m.received_at - sent_at[by_mail[m.rcpt[0]]] for m in smtp.mails]
            recipients = [m.to for m in twilio.messages] + [m.rcpt[0] for m in smtp.mails]
            finished = max([m.accepted_at for m in twilio.messages] + [m.received_at for m in smtp.mails])
            sms, emails = len(twilio.messages), len(smtp.mails)
    await _drop_topics(bootstrap)
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else float("nan")
    return {"bench": "notifier_fanout", "events": events, "sms_accepted": sms, "emails_accepted": emails,
            "duplicates": len(recipients) - len(set(recipients)),
            "rate_per_s": round((sms + emails) / (finished - started), 1), "p99_s": round(p99, 3),
            "p50_s": round(latencies[len(latencies) // 2], 3) if latencies else None,
            "consumed_in_s": round((stages["last_in"] - stages["first_in"]).total_seconds(), 1),
            "last_claim_after_last_consumed_s": round((stages["last_claim"] - stages["last_in"]).total_seconds(), 1),
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds")}


async def _drop_topics(bootstrap: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.delete_topics([t.name for t in TOPICS])
    finally:
        await admin.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--email-share", type=float, default=0.25)
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    result = asyncio.run(main(args.events, args.email_share, args.timeout))
    detail = {k: result.pop(k) for k in ("p50_s", "measured_at", "consumed_in_s", "last_claim_after_last_consumed_s")}
    print(json.dumps(detail))
    print(json.dumps(result))

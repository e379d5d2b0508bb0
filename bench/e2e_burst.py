"""Benchmark: a clinic's burst end to end, from session events on Kafka to the SMS provider, every service a process.

    uv run python bench/e2e_burst.py [--patients 10000] [--lead 90] [--raw 100000]

A clinic publishes its clinic record, N patients (SMS consent, a phone each) and one session per patient
over Kafka; each patient's one reminder (first offset 15 min) falls due within the same minute, `lead` s
after publishing, spread evenly. The scheduler, notifier and attendance run as processes
(`iop_devkit.testing.service_processes`, as the e2e tests run them) on private topics and throwaway schemas;
the notifier sends through the Twilio fake the e2e tests use, which records each message it accepts.

Reported: reminders expected, delivered (distinct patients), duplicates (messages beyond one per patient),
p50/p99/max from `due_at` to the provider's acceptance, the delivery rate (delivered over the span from the
first due time to the last acceptance: at most the offered N/60 s), and the raw Kafka round trip measured in
this run with the ratio of the two.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("IOP_ENVIRONMENT", "test")
KAFKA = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
DB = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:15432/iop")
CLINIC = "clinic-a"  # the clinic service_processes gives a token
OFFSET_S = 900  # the reminder expires when the session starts: far enough that a slow notifier still delivers
sys.path.insert(0, str(Path(__file__).parent))


def scheduler_env() -> dict[str, str]:
    """One reminder per session (first offset 15 min), no caps, no quiet hours, no check-in prompts."""
    return {"SCHEDULER_FIRST_OFFSETS": f"{OFFSET_S}s", "SCHEDULER_QUIET_START": "00:00",
            "SCHEDULER_QUIET_END": "23:59:59.999999", "SCHEDULER_CAP_PER_DAY": "0", "SCHEDULER_CAP_PER_WEEK": "0",
            "SCHEDULER_CHECKIN_ENABLED": "false", "SCHEDULER_SWEEP_INTERVAL": "1s", "LOG_LEVEL": "WARNING"}


def notifier_env(twilio: Any) -> dict[str, str]:
    from iop_devkit.notifier.twilio_fake import free_port

    return {"NOTIFIER_TWILIO_ACCOUNT_SID": twilio.account_sid, "NOTIFIER_TWILIO_AUTH_TOKEN": twilio.auth_token,
            "NOTIFIER_TWILIO_MESSAGING_SERVICE_SID": "MG" + "1" * 32, "NOTIFIER_TWILIO_API_BASE_URL": twilio.base_url,
            "NOTIFIER_SMS_RATE_PER_SECOND": "0", "NOTIFIER_SMTP_HOST": "127.0.0.1",
            "NOTIFIER_SMTP_PORT": str(free_port()), "NOTIFIER_DISPATCH_POLL_S": "0.2",
            "NOTIFIER_TIMER_INTERVAL_S": "0.5"}


def events(n: int, first_due: datetime) -> tuple[list[Any], dict[str, float]]:
    """The clinic, n patients and n sessions; phone -> the due time of that patient's one reminder."""
    from iop_devkit.notifier import builders as b
    from iop_devkit.scheduler import session

    out: list[Any] = [b.clinic(CLINIC, quiet=b.all_day())]
    sessions, due_of = [], {}
    for i in range(n):
        pid, phone = f"bp-{i}", f"+1555{2000000 + i:07d}"
        due = first_due + timedelta(seconds=60 * i / n)
        out.append(b.patient(pid, CLINIC, phone_number=phone, channels=("sms",)))
        sessions.append(session(f"bs-{i}", due + timedelta(seconds=OFFSET_S), [pid], clinic=CLINIC))
        due_of[phone] = due.timestamp()
    return out + sessions, due_of


async def publish(envelopes: list[Any]) -> None:
    from iop_devkit.testing.kafka import publish_bulk

    await publish_bulk(KAFKA, envelopes)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def wait_delivered(twilio: Any, n: int, deadline: float) -> None:
    """Until every patient has a message or the deadline; then a few seconds more, for late duplicates."""
    while len({m.to for m in twilio.messages}) < n and time.time() < deadline:  # noqa: ASYNC110 (the fake's list)
        await asyncio.sleep(0.5)
    await asyncio.sleep(5)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--lead", type=float, default=90.0, help="seconds from publishing to the first due time")
    parser.add_argument("--raw", type=int, default=100_000, help="records for the raw Kafka round trip")
    parser.add_argument("--wait", type=float, default=120.0, help="seconds after the last due time to wait")
    args = parser.parse_args()
    n = args.patients

    from benchkit import report_durable
    from rawkafka import raw_round_trip

    from iop_devkit.notifier.twilio_fake import TwilioFake
    from iop_devkit.testing.service_processes import run_services

    durable = await report_durable(DB)
    logs = Path(tempfile.mkdtemp(prefix="e2e-burst-"))
    async with TwilioFake() as twilio:
        extra = {**scheduler_env(), **notifier_env(twilio)}
        async with run_services(KAFKA, DB, ["scheduler", "notifier", "attendance"], logs, extra) as (topics, _):
            os.environ["IOP_TOPIC_PREFIX"] = topics  # what encode() names the topics by
            started = time.time()
            first_due = datetime.now(UTC) + timedelta(seconds=args.lead)
            envelopes, due_of = events(n, first_due)
            await publish(envelopes)
            published_s = time.time() - started
            await wait_delivered(twilio, n, first_due.timestamp() + 60 + args.wait)
            messages = list(twilio.messages)
    raw = await raw_round_trip(KAFKA, args.raw)

    per_phone = Counter(m.to for m in messages)
    first_accept: dict[str, float] = {}
    for m in messages:
        first_accept[m.to] = min(first_accept.get(m.to, m.accepted_at), m.accepted_at)
    lags = [first_accept[p] - due_of[p] for p in first_accept if p in due_of]
    delivered = len([p for p in per_phone if p in due_of])
    duplicates = sum(c - 1 for c in per_phone.values())
    p99 = pct(lags, 0.99)
    rate = delivered / max(1e-9, max(first_accept.values()) - first_due.timestamp()) if first_accept else 0.0
    print(f"patients {n:,}; events published in {published_s:.1f} s; reminders due from "
          f"{first_due:%H:%M:%S} within 60 s")
    print(f"delivered {delivered:,} of {n:,}; duplicates {duplicates}; early (before due) "
          f"{len([x for x in lags if x < 0])}")
    print(f"due -> provider acceptance: p50 {pct(lags, .5):.2f} s, p99 {p99:.2f} s, max {max(lags, default=0):.2f} s")
    print(f"delivery rate from the first due time: {rate:,.0f}/s; raw Kafka round trip (same run): {raw:,.0f}/s; "
          f"ratio {rate / raw:.4f}")
    print(f"service logs: {logs}")
    print(json.dumps({"bench": "e2e_burst", "patients": n, "reminders": n, "delivered": delivered,
                      "duplicates": duplicates, "p50_due_to_provider_s": round(pct(lags, .5), 3),
                      "p99_due_to_provider_s": round(p99, 3), "max_due_to_provider_s": round(max(lags, default=0), 3),
                      "rate_per_s": round(rate, 1), "raw_kafka_round_trip_per_s": round(raw),
                      "ratio": round(rate / raw, 4), "pg_durable": durable}))


if __name__ == "__main__":
    asyncio.run(main())

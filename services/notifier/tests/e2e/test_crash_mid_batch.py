"""SIGKILL the notifier mid-batch and restart it: every patient gets exactly one SMS and one `sent` event."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from pathlib import Path

import pytest

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.twilio_fake import TwilioFake, free_port
from iop_devkit.testing.kafka import TopicTail, eventually, publish
from iop_shared.contracts.topics import NOTIFICATIONS

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]
PATIENTS = 150


def _env(topics: str, kafka: str, database_url: str, schema: str, group: str, twilio: TwilioFake,
         port: int) -> dict[str, str]:
    return {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": kafka, "DATABASE_URL": database_url,
            "IOP_ENVIRONMENT": "development",
            "IOP_TOPIC_PREFIX": topics, "NOTIFIER_DB_SCHEMA": schema, "NOTIFIER_GROUP_ID": group,
            "NOTIFIER_HTTP_PORT": str(port), "NOTIFIER_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
            "NOTIFIER_TWILIO_ACCOUNT_SID": twilio.account_sid, "NOTIFIER_TWILIO_AUTH_TOKEN": twilio.auth_token,
            "NOTIFIER_TWILIO_MESSAGING_SERVICE_SID": "MG" + "1" * 32, "NOTIFIER_TWILIO_API_BASE_URL": twilio.base_url,
            "NOTIFIER_SMS_RATE_PER_SECOND": "25", "NOTIFIER_DISPATCH_CONCURRENCY": "32",
            "NOTIFIER_DISPATCH_POLL_S": "0.2", "NOTIFIER_TIMER_INTERVAL_S": "0.5", "NOTIFIER_LEASE_S": "3",
            "NOTIFIER_REAPER_AFTER": "4", "NOTIFIER_RECONCILE_AFTER": "0.5",
            "NOTIFIER_EMBEDDED_TOKEN": "e2e-token-abcdef", "NOTIFIER_ADMIN_TOKEN": "e2e-admin-token-abcdef",
            "NOTIFIER_TRIAGE_TOKEN": "e2e-triage-token-abcdef"}


async def _start(env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    with log.open("wb") as out:
        return await asyncio.create_subprocess_exec(sys.executable, "-m", "iop_notifier.entrypoints.main", "run",
                                                    env=env, stdout=out, stderr=out)


async def test_a_sigkill_mid_batch_costs_no_patient_a_reminder_and_sends_none_twice(
        topics: str, kafka_bootstrap: str, database_url: str, pg_schema: str, group_id: str,
        tmp_path: Path) -> None:
    async with TwilioFake() as twilio, TopicTail(kafka_bootstrap, NOTIFICATIONS.name) as tail:
        # Calls in flight when the process dies (sent at the provider, no answer yet), and claims waiting for the
        # rate limiter (never reached the provider).
        twilio.delay_s = 0.3
        env = _env(topics, kafka_bootstrap, database_url, pg_schema, group_id, twilio, free_port())
        clinic, sid = b.uid("cl"), b.uid("ses")
        pids = [b.uid("pt") for _ in range(PATIENTS)]
        phones = [f"+1555{2000000 + i:07d}" for i in range(PATIENTS)]
        reminders = [b.reminder(pid, clinic, [sid]) for pid in pids]
        await publish(kafka_bootstrap, b.clinic(clinic, quiet=b.all_day()),
                      *(b.patient(p, clinic, phone_number=ph) for p, ph in zip(pids, phones, strict=True)),
                      b.session(sid, clinic, pids), *reminders)
        first = await _start(env, tmp_path / "first.log")
        try:
            await eventually(lambda: len(twilio.messages) >= 60, timeout=60, interval=0.02)
        finally:
            first.send_signal(signal.SIGKILL)
            await first.wait()
        second = await _start(env, tmp_path / "second.log")
        try:
            await eventually(lambda: len({m.to for m in twilio.messages}) == PATIENTS, timeout=90, interval=0.2)
            ids = {r.data.reminder_id for r in reminders}
            await tail.wait_for(lambda e: e.type == "iop.notification.sent.v1" and e.data.source_event_id in ids,
                                count=PATIENTS, timeout=60)
            await tail.settle(2.0)
        finally:
            second.send_signal(signal.SIGTERM)
            await asyncio.wait_for(second.wait(), timeout=30)
        assert twilio.lists > 0, "no call in flight was reconciled"
        recovered = (tmp_path / "second.log").read_text()
        assert "unstarted_claims_released" in recovered, "no claim waiting for the rate limiter was re-sent"
        assert "+1555" not in recovered  # no phone numbers in the logs
        per_phone = Counter(m.to for m in twilio.messages)
        assert sorted(per_phone) == sorted(phones)
        assert max(per_phone.values()) == 1, "a patient got the reminder twice"
        sent = Counter(e.data.source_event_id for e in tail.events(lambda e: e.type == "iop.notification.sent.v1"))
        assert set(sent) == ids and max(sent.values()) == 1
        assert tail.events(lambda e: e.type == "iop.notification.failed.v1") == []

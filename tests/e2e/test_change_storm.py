"""A reschedule storm, scheduler and notifier together over real Kafka and PostgreSQL: the latest truth, once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.runner import run_notifier
from iop_devkit.notifier.twilio_fake import TwilioFake, free_port
from iop_devkit.scheduler import make_settings, session
from iop_devkit.testing.kafka import eventually, private_prefix, publish
from iop_devkit.testing.plugin import fresh_schema
from iop_notifier.domain.messages import format_when
from iop_notifier.settings import Settings as NotifierSettings
from iop_scheduler.bootstrap import bootstrap

NY = ZoneInfo("America/New_York")


@pytest.fixture
async def topics(kafka_bootstrap: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[str]:
    async with private_prefix(kafka_bootstrap, "storm", monkeypatch) as prefix:
        yield prefix


def notifier_settings(kafka: str, db: str, schema: str, twilio: TwilioFake) -> NotifierSettings:
    port = free_port()
    return NotifierSettings.model_validate({
        "IOP_ENVIRONMENT": "development", "KAFKA_BOOTSTRAP_SERVERS": kafka, "DATABASE_URL": db, "db_schema": schema,
        "group_id": f"storm-n-{uuid.uuid4().hex[:8]}", "http_port": port, "public_base_url": f"http://127.0.0.1:{port}",
        "twilio_account_sid": twilio.account_sid, "twilio_auth_token": twilio.auth_token,
        "twilio_messaging_service_sid": "MG" + "1" * 32, "twilio_api_base_url": twilio.base_url,
        "sms_rate_per_second": 0, "smtp_host": "127.0.0.1", "smtp_port": free_port(),
        "embedded_token": "test-embedded-token-123", "admin_token": "test-admin-token-123",
        "triage_token": "test-triage-token-123", "dispatch_poll_s": 0.2, "timer_interval_s": 0.5})


@pytest.mark.e2e
async def test_twenty_revisions_in_a_burst_give_one_session_changed_sms_naming_the_final_time(
        topics: str, kafka_bootstrap: str, database_url: str) -> None:
    clinic, pid, sid, ph = b.uid("cl"), b.uid("pt"), b.uid("ses"), b.phone()
    base = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=6)
    starts = [base + timedelta(minutes=40 - 2 * i) for i in range(21)]  # the last starts in about 5 minutes
    async with TwilioFake() as twilio, fresh_schema(database_url) as s_schema, \
            fresh_schema(database_url) as n_schema:
        scheduler = bootstrap(make_settings(database_url, kafka_bootstrap, s_schema, f"storm-s-{uuid.uuid4().hex[:8]}",
                                            change_settle="3s"))
        await scheduler.start()
        try:
            async with run_notifier(notifier_settings(kafka_bootstrap, database_url, n_schema, twilio)):
                await publish(kafka_bootstrap, b.clinic(clinic, quiet=b.all_day()),
                              b.patient(pid, clinic, phone_number=ph), session(sid, starts[0], [pid], clinic=clinic))
                await eventually(lambda: twilio.to(ph), timeout=30)  # the catch-up reminder of the booking
                await publish(kafka_bootstrap, *(session(sid, at, [pid], revision=rev, clinic=clinic)
                                                 for rev, at in enumerate(starts[1:], start=2)))
                await eventually(lambda: [m for m in twilio.to(ph) if "moved to" in m.body], timeout=30)
                await asyncio.sleep(6)  # anything else the storm would have sent has had its time
                changed = [m.body for m in twilio.to(ph) if "moved to" in m.body]
        finally:
            await scheduler.stop()
    assert len(changed) == 1, changed
    assert format_when(starts[-1], NY, "en") in changed[0]

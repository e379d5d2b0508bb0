"""Fixtures of the notifier's tests: private Kafka topics, the Twilio fake, an SMTP server, a running notifier."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from iop_devkit.notifier.smtp import SmtpCapture
from iop_devkit.notifier.twilio_fake import TwilioFake, free_port
from iop_devkit.testing.kafka import private_prefix
from iop_notifier.settings import Settings


@pytest.fixture
async def topics(kafka_bootstrap: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[str]:
    """Private copies of every topic for one test, so a fresh consumer group replays only this test's events."""
    async with private_prefix(kafka_bootstrap, "nt", monkeypatch) as prefix:
        yield prefix


@pytest.fixture
async def twilio() -> AsyncIterator[TwilioFake]:
    async with TwilioFake() as fake:
        yield fake


@pytest.fixture
def smtp() -> Iterator[SmtpCapture]:
    with SmtpCapture() as server:
        yield server


@pytest.fixture
def make_settings(kafka_bootstrap: str, database_url: str, pg_schema: str, group_id: str, twilio: TwilioFake,
                  smtp: SmtpCapture) -> Callable[..., Settings]:
    """Settings of a notifier wired to the fake Twilio and the local SMTP server; keywords override."""
    port = free_port()

    def build(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "IOP_ENVIRONMENT": "development", "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "DATABASE_URL": database_url,
            "db_schema": pg_schema, "group_id": group_id, "http_port": port,
            "public_base_url": f"http://127.0.0.1:{port}", "twilio_account_sid": twilio.account_sid,
            "twilio_auth_token": twilio.auth_token, "twilio_messaging_service_sid": "MG" + "1" * 32,
            "twilio_api_base_url": twilio.base_url, "sms_rate_per_second": 0, "provider_retry_max_wait_s": 0.3,
            "smtp_host": "127.0.0.1", "smtp_port": smtp.port, "embedded_token": "test-embedded-token-123",
            "admin_token": "test-admin-token-123", "triage_token": "test-triage-token-123",
            "dispatch_poll_s": 0.2, "timer_interval_s": 0.5, "unknown_recipient_grace_s": 20,
            "reconcile_after_s": 0.5,
        }
        values.update(overrides)
        return Settings.model_validate(values)

    return build

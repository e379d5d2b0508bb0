"""Settings refuse placeholder secrets outside development; logs redact personal data; the clock is injectable."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr
from datetime import UTC, datetime, timedelta

import pytest
import structlog
from pydantic import Field, SecretStr, ValidationError

from iop_shared.clock import FrozenClock
from iop_shared.logging import configure_logging, get_logger, redact_text
from iop_shared.settings import BaseServiceSettings

pytestmark = pytest.mark.unit


class _Settings(BaseServiceSettings):
    api_token: SecretStr = SecretStr("changeme")


class _TokensPerClinic(BaseServiceSettings):
    clinic_tokens: dict[str, SecretStr] = Field(
        default_factory=lambda: {"clinic-1": SecretStr("a-real-token-1234"), "clinic-2": SecretStr("xxx")})


def test_placeholder_secret_is_fine_in_development(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOP_ENVIRONMENT", "development")
    assert _Settings().api_token.get_secret_value() == "changeme"


def test_placeholder_secret_refused_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOP_ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match="API_TOKEN is missing or a placeholder"):
        _Settings()
    monkeypatch.setenv("API_TOKEN", "s3cr3t-value-from-vault")
    assert _Settings().api_token.get_secret_value() == "s3cr3t-value-from-vault"


def test_placeholder_inside_a_mapping_is_refused_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOP_ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match=r"CLINIC_TOKENS \(clinic 'clinic-2'\) is missing or a placeholder"):
        _TokensPerClinic()


def test_environment_variables_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db/x")
    s = BaseServiceSettings()
    assert (s.kafka_bootstrap_servers, s.database_url) == ("kafka:9092", "postgresql://u@db/x")


def test_redaction_masks_phones_and_emails() -> None:
    text = "sent to +15555550123 and sam.o'neil@example.org, also (555) 555-0199"
    out = redact_text(text)
    assert "5555550123" not in out and "example.org" not in out and "555-0199" not in out


def test_logs_are_json_without_personal_fields() -> None:
    buf = io.StringIO()
    with redirect_stderr(buf):
        structlog.reset_defaults()
        configure_logging("test", "INFO")
        get_logger("t").info("sms_sent", patient_id="pat-1", phone="+15555550123", body="see you tomorrow",
                             note="call +1 555 555 0100")
    structlog.reset_defaults()
    line = json.loads(buf.getvalue().strip().splitlines()[-1])
    assert line["event"] == "sms_sent" and line["patient_id"] == "pat-1" and line["service"] == "test"
    assert line["phone"] == "[redacted]" and line["body"] == "[redacted]" and "555" not in line["note"]


def test_frozen_clock_moves_only_when_told() -> None:
    clock = FrozenClock(datetime(2026, 3, 8, 6, 59, tzinfo=UTC))
    assert clock.now() == clock.now()
    clock.advance(timedelta(minutes=2))
    assert clock.now() == datetime(2026, 3, 8, 7, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="aware"):
        FrozenClock(datetime(2026, 1, 1))


@pytest.mark.parametrize("text", ["2026-11-27T22:51:51Z", "processed 12345678 rows", "offset 1234567890",
                                  "ses-2026-11-27-0930"])
def test_redaction_leaves_dates_and_counts_alone(text: str) -> None:
    assert redact_text(text) == text


@pytest.mark.parametrize("text", ["+15555550123", "+44 20 7946 0958", "555-555-0199", "(555) 555-0199",
                                  "555.555.0199", "a@b.org"])
def test_redaction_masks_each_phone_and_email_form(text: str) -> None:
    assert redact_text(f"x {text} y") == "x [redacted] y"

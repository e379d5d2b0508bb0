"""The notifier refuses, in production, every configuration that would deliver to nobody or in clear."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from iop_notifier.entrypoints.http import create_app
from iop_notifier.settings import Settings

pytestmark = pytest.mark.unit
SAFE: dict[str, Any] = {
    "IOP_ENVIRONMENT": "production", "twilio_account_sid": "AC" + "1" * 32, "twilio_auth_token": "0123456789abcdef" * 2,
    "twilio_messaging_service_sid": "MG" + "2" * 32, "public_base_url": "https://hooks.clinic.example",
    "smtp_host": "smtp.clinic.example", "smtp_start_tls": True, "smtp_password": "Smtp-Pa55-w0rd-Long",
    "admin_token": "Adm1n-T0ken-Strong-99", "triage_token": "Tr1age-T0ken-Strong-77"}


def _refusal(**changes: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        Settings(**{**SAFE, **changes})
    return str(caught.value)


def test_a_complete_production_configuration_starts() -> None:
    settings = Settings(**SAFE)
    assert settings.environment == "production"


@pytest.mark.parametrize("missing", ["twilio_account_sid", "twilio_auth_token"])
def test_production_refuses_the_embedded_sms_channel(missing: str) -> None:
    assert "NOTIFIER_TWILIO_ACCOUNT_SID and NOTIFIER_TWILIO_AUTH_TOKEN are required" in _refusal(**{missing: None})


def test_production_requires_a_twilio_sender() -> None:
    text = _refusal(twilio_messaging_service_sid=None, twilio_from_number=None)
    assert "NOTIFIER_TWILIO_MESSAGING_SERVICE_SID or NOTIFIER_TWILIO_FROM_NUMBER" in text


def test_production_refuses_the_embedded_email_channel() -> None:
    assert "NOTIFIER_SMTP_HOST is required" in _refusal(smtp_host=None)


def test_production_refuses_plaintext_smtp_unless_explicitly_allowed() -> None:
    assert "NOTIFIER_SMTP_USE_TLS or NOTIFIER_SMTP_START_TLS" in _refusal(smtp_start_tls=False)
    assert Settings(**{**SAFE, "smtp_start_tls": False, "smtp_allow_plaintext": True})
    assert Settings(**{**SAFE, "smtp_start_tls": False, "smtp_use_tls": True})


@pytest.mark.parametrize("url", ["http://hooks.clinic.example", "https://127.0.0.1:8002", "http://127.0.0.1:8002"])
def test_production_refuses_a_public_url_twilio_cannot_sign_for(url: str) -> None:
    text = _refusal(public_base_url=url)
    assert "NOTIFIER_PUBLIC_BASE_URL" in text and url not in text


@pytest.mark.parametrize("field", ["twilio_auth_token", "admin_token", "triage_token", "smtp_password"])
def test_production_refuses_placeholder_secrets_without_echoing_them(field: str) -> None:
    text = _refusal(**{field: "dev-token"})
    assert f"NOTIFIER_{field.upper()} is missing or a placeholder" in text and "dev-token" not in text


def test_the_embedded_token_is_not_needed_in_production_where_its_routes_do_not_exist() -> None:
    assert Settings(**SAFE).embedded_token.get_secret_value() == "dev-token"
    assert Settings(**{**SAFE, "IOP_ENVIRONMENT": "development"}).embedded_token.get_secret_value() == "dev-token"


def test_embedded_routes_are_served_in_development_only() -> None:
    def paths(settings: Settings) -> set[str]:
        return set(create_app(settings).openapi()["paths"])  # included routers are not in app.routes

    production = paths(Settings(**SAFE))
    development = paths(Settings(IOP_ENVIRONMENT="development"))
    assert {"/embedded/inbound", "/embedded/messages"} <= development
    assert not any(p.startswith("/embedded/") for p in production)
    assert {"/twilio/inbound", "/twilio/status", "/readyz"} <= production

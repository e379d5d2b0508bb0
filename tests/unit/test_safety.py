"""Start-up refusals every service shares: no implicit environment, real secrets, refusals without values."""

from __future__ import annotations

import json

import pytest
from pydantic import SecretStr, ValidationError

from iop_attendance.settings import Settings as AttendanceSettings
from iop_dashboard.settings import Settings as DashboardSettings
from iop_scheduler.settings import Settings as SchedulerSettings
from iop_shared.safety import check_public_url, load_settings
from iop_shared.settings import BaseServiceSettings

pytestmark = pytest.mark.unit
STRONG = "Q7f2-kP9x-Lm4w-Zr8t"


class _WithSecret(BaseServiceSettings):
    api_token: SecretStr = SecretStr("")


def test_an_unset_environment_refuses_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IOP_ENVIRONMENT", raising=False)
    monkeypatch.delenv("ENVIRONMENT", raising=False)
    with pytest.raises(ValidationError, match="IOP_ENVIRONMENT is not set"):
        BaseServiceSettings()
    monkeypatch.setenv("IOP_ENVIRONMENT", "production")
    assert BaseServiceSettings().environment == "production"


def test_an_unknown_environment_is_refused() -> None:
    with pytest.raises(ValidationError, match="IOP_ENVIRONMENT"):
        BaseServiceSettings(IOP_ENVIRONMENT="prod")


@pytest.mark.parametrize("weak", ["changeme", "dev-token", "short-token", "aaaaaaaaaaaaaaaaaaaa",
                                  "please-changeme-now-1234", "token-from-example-config"])
def test_production_refuses_weak_secrets_naming_the_variable_not_the_value(weak: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _WithSecret(IOP_ENVIRONMENT="production", api_token=weak)
    assert "API_TOKEN" in str(caught.value) and weak not in str(caught.value)
    assert _WithSecret(IOP_ENVIRONMENT="production", api_token=STRONG)


@pytest.mark.parametrize("lenient", ["test", "staging", "ci"])
def test_there_is_no_third_environment_that_runs_outside_development_unsafely(lenient: str) -> None:
    # A staging or test deployment runs with production's rules; only a developer machine is lenient.
    with pytest.raises(ValidationError, match="IOP_ENVIRONMENT"):
        _WithSecret(IOP_ENVIRONMENT=lenient, api_token="changeme")
    assert _WithSecret(IOP_ENVIRONMENT="development", api_token="changeme")


def test_one_placeholder_among_the_scheduler_clinic_tokens_is_refused() -> None:
    tokens = json.dumps({"clinic-a": STRONG, "clinic-b": "changeme"})
    with pytest.raises(ValidationError) as caught:
        SchedulerSettings(IOP_ENVIRONMENT="production", clinic_tokens=tokens)
    assert "SCHEDULER_CLINIC_TOKENS (clinic 'clinic-b')" in str(caught.value) and "changeme" not in str(caught.value)
    short = json.dumps({"clinic-a": STRONG, "clinic-b": "abc123"})
    with pytest.raises(ValidationError, match="too short"):
        SchedulerSettings(IOP_ENVIRONMENT="production", clinic_tokens=short)
    good = json.dumps({"clinic-a": STRONG, "clinic-b": STRONG[::-1]})
    assert SchedulerSettings(IOP_ENVIRONMENT="production", clinic_tokens=good).tokens()


def test_scheduler_tokens_that_are_not_a_json_object_are_refused_outside_development() -> None:
    with pytest.raises(ValidationError, match="SCHEDULER_CLINIC_TOKENS must be a JSON object"):
        SchedulerSettings(IOP_ENVIRONMENT="production", clinic_tokens='["x"]')


def test_a_short_attendance_token_is_refused_in_production() -> None:
    with pytest.raises(ValidationError, match=r"ATTENDANCE_API_TOKENS \(clinic 'c1'\) is too short"):
        AttendanceSettings(IOP_ENVIRONMENT="production", api_tokens={"c1": "abcd1234x"})


def test_the_dashboard_needs_a_real_attendance_token_in_production() -> None:
    with pytest.raises(ValidationError, match="DASHBOARD_ATTENDANCE_TOKEN is missing"):
        DashboardSettings(IOP_ENVIRONMENT="production")


@pytest.mark.parametrize("url", ["http://hooks.clinic.example", "https://127.0.0.1:8002", "https://localhost",
                                 "https://[::1]:8443", "https://0.0.0.0", "not a url"])
def test_a_public_url_must_be_https_and_not_loopback(url: str) -> None:
    with pytest.raises(ValueError, match="PUBLIC_URL"):
        check_public_url("PUBLIC_URL", url)
    check_public_url("PUBLIC_URL", "https://hooks.clinic.example")


def test_load_settings_exits_2_with_the_setting_named_and_no_value(capsys: pytest.CaptureFixture[str]) -> None:
    secret_url = "postgresql://u:hunter2-db-password@db/iop"
    with pytest.raises(SystemExit) as caught:
        load_settings(_WithSecret, IOP_ENVIRONMENT="production", api_token="changeme", DATABASE_URL=secret_url)
    err = capsys.readouterr().err
    assert caught.value.code == 2
    assert "refusing to start: API_TOKEN is missing or a placeholder" in err
    assert "changeme" not in err and "hunter2" not in err and "Traceback" not in err


def test_a_weak_database_password_is_refused_in_production_without_showing_the_url() -> None:
    with pytest.raises(ValidationError) as caught:
        BaseServiceSettings(IOP_ENVIRONMENT="production", DATABASE_URL="postgresql://postgres:postgres@db/iop")
    assert "DATABASE_URL (its password) is too short" in str(caught.value) and "postgres@db" not in str(caught.value)
    assert BaseServiceSettings(IOP_ENVIRONMENT="production", DATABASE_URL="postgresql://iop@db/iop")  # no password
    assert BaseServiceSettings(IOP_ENVIRONMENT="production", DATABASE_URL=f"postgresql://iop:{STRONG}@db/iop")

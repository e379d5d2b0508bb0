from datetime import timedelta

import pytest

from iop_attendance.settings import Settings

pytestmark = pytest.mark.unit


def test_settings_refuse_placeholder_tokens_outside_development() -> None:
    with pytest.raises(ValueError, match="placeholder"):
        Settings(IOP_ENVIRONMENT="production", api_tokens={"c1": "changeme"})  # type: ignore[call-arg,arg-type]
    assert Settings(IOP_ENVIRONMENT="development", api_tokens={"c1": "changeme"})  # type: ignore[call-arg,arg-type]


def test_defaults_come_from_the_domain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATTENDANCE_MISSED_GRACE", "PT20M")
    assert Settings().missed_grace == timedelta(minutes=20)
    monkeypatch.delenv("ATTENDANCE_MISSED_GRACE")
    settings = Settings()
    assert settings.missed_grace == timedelta(minutes=15) and settings.http_port == 8003

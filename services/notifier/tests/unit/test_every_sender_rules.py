"""Pure rules behind every-sender answers and triage: opening hours, clear language, the receiving clinic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from iop_notifier.domain.language import clear_language
from iop_notifier.domain.open_hours import is_open, next_step, parse_open_hours
from iop_notifier.handlers.senders import receiving_clinic
from iop_notifier.settings import Settings

pytestmark = pytest.mark.unit
NY = ZoneInfo("America/New_York")


def test_default_opening_hours_are_weekdays_eight_to_six_clinic_local() -> None:
    hours = parse_open_hours(Settings().clinic_open_hours)
    monday_9_ny = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)  # 09:00 in New York
    assert is_open(monday_9_ny, NY, hours)
    assert not is_open(monday_9_ny.replace(hour=12), NY, hours)  # 07:00 local
    assert not is_open(monday_9_ny + timedelta(hours=9), NY, hours)  # 18:00 local: closed (end exclusive)
    assert not is_open(monday_9_ny + timedelta(days=5), NY, hours)  # Saturday
    assert is_open(monday_9_ny, ZoneInfo("America/Los_Angeles"), hours) is False  # 06:00 there


@pytest.mark.parametrize(("spec", "days"), [("sat-mon 10:00-12:00", {5, 6, 0}), ("tue,thu 9:00-17:30", {1, 3}),
                                            ("sun 00:00-23:59", {6})])
def test_opening_days_accept_ranges_lists_and_wrap_around(spec: str, days: set[int]) -> None:
    assert parse_open_hours(spec).days == days


@pytest.mark.parametrize("spec", ["weekdays", "mon-fri 18:00-08:00", "xyz 08:00-18:00", "mon-fri 8-18"])
def test_bad_opening_hours_are_refused_naming_what_is_wrong(spec: str) -> None:
    with pytest.raises(ValueError, match="opening"):
        parse_open_hours(spec)


def test_triage_escalates_in_opening_hours_and_goes_to_on_call_by_high_outside() -> None:
    hours, after = parse_open_hours("mon-fri 08:00-18:00"), timedelta(minutes=30)
    open_now = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # Tuesday 10:00 New York
    assert next_step(open_now, NY, hours, after) == ("medium", open_now + after)
    assert next_step(open_now + timedelta(hours=10), NY, hours, after) == ("high", None)


@pytest.mark.parametrize(("text", "language"), [
    ("I want to kill myself", "en"), ("i cant do this anymore", "en"), ("Quiero morir", "es"),
    ("ya no puedo más, adiós", "es"), ("¿me ayudas?", None), ("overdose", None), ("💀", None), ("kys", None)])
def test_only_a_clearly_one_language_text_gets_a_one_language_answer(text: str, language: str | None) -> None:
    assert clear_language(text) == language


def test_the_receiving_number_or_messaging_service_names_the_clinic() -> None:
    s = Settings.model_validate({"inbound_numbers": {"+15550001111": "cl-a", "MG" + "2" * 32: "cl-b"}})
    assert receiving_clinic(s, "+15550001111", None) == "cl-a"
    assert receiving_clinic(s, "+15559999999", "MG" + "2" * 32) == "cl-b"
    assert receiving_clinic(s, "+15559999999", None) is None and receiving_clinic(s, None, None) is None


def test_settings_read_the_json_maps_and_refuse_a_placeholder_triage_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTIFIER_INBOUND_NUMBERS", '{"+15550001111": "cl-a"}')
    monkeypatch.setenv("NOTIFIER_FALLBACK_CARE_TEAMS", '{"*": "team-roster"}')
    monkeypatch.setenv("NOTIFIER_CONCERN_ESCALATE_AFTER", "600")
    s = Settings()
    assert s.inbound_numbers == {"+15550001111": "cl-a"} and s.fallback_care_teams == {"*": "team-roster"}
    assert s.concern_escalate_after_s == 600
    with pytest.raises(ValueError, match="NOTIFIER_TRIAGE_TOKEN"):
        Settings.model_validate({"IOP_ENVIRONMENT": "production", "admin_token": "Adm1n-T0ken-Strong-99"})

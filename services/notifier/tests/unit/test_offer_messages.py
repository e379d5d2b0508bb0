"""Slot offers and their outcomes in the patient's words: three times in one segment, choices read back."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from iop_notifier.domain.gsm import fits_one_segment
from iop_notifier.domain.messages import context, render
from iop_notifier.domain.offers import choices_text, parse_choice, variables
from iop_shared.contracts.lockscreen import clinical_terms

pytestmark = pytest.mark.unit
NY = ZoneInfo("America/New_York")
OPTIONS = [{"choice": c, "slot_id": f"slot-{c}", "starts_at": f"2026-12-0{i + 2}T15:30:00+00:00"}
           for i, c in enumerate("ABC")]


def _vars(locale: str, extra: dict[str, object]) -> dict[str, object]:
    base = context(clinic="Riverside Community Wellness Center", callback="+15551234567", zone=NY, locale=locale)
    return {**base, **variables(extra, NY, locale)}


@pytest.mark.parametrize("locale", ["en", "es"])
def test_three_offered_times_fit_one_segment_and_name_the_choices(locale: str) -> None:
    sms = render("reschedule_offer", locale, _vars(locale, {"options": OPTIONS})).sms
    assert fits_one_segment(sms), (len(sms), sms)
    assert "A " in sms and "; B " in sms and "; C " in sms and ("A, B or C" in sms or "A, B o C" in sms)
    assert not clinical_terms(sms) and "slot-" not in sms


@pytest.mark.parametrize("locale", ["en", "es"])
@pytest.mark.parametrize("purpose", ["reschedule_held", "reschedule_released", "reschedule_taken"])
def test_each_outcome_names_the_time_in_the_patient_zone(locale: str, purpose: str) -> None:
    sms = render(purpose, locale, _vars(locale, {"slot_at": OPTIONS[1]["starts_at"]})).sms
    assert fits_one_segment(sms) and "10:30" in sms, sms


@pytest.mark.parametrize(("text", "choice"), [("B", "B"), ("b.", "B"), (" c ", "C"), ("option a", "A"),
                                               ("opción b", "B"), ("2", None), ("bye", None), ("D", None)])
def test_what_reads_as_a_choice(text: str, choice: str | None) -> None:
    assert parse_choice(text) == choice


def test_choices_read_naturally() -> None:
    assert choices_text(["A", "B", "C"], "en") == "A, B or C"
    assert choices_text(["A", "B"], "es") == "A o B" and choices_text(["A"], "en") == "A"

"""A waitlist offer in the patient's words: one segment, no clinical word, and what reads as its YES."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from iop_notifier.domain.gsm import fits_one_segment
from iop_notifier.domain.messages import context, render
from iop_notifier.domain.offers import parse_choice, parse_yes, variables
from iop_shared.contracts.lockscreen import clinical_terms

pytestmark = pytest.mark.unit
NY = ZoneInfo("America/New_York")
LONG_ALIAS = "Riverside Community Wellness Center"


@pytest.mark.parametrize("locale", ["en", "es"])
@pytest.mark.parametrize("purpose", ["waitlist_offer", "waitlist_held"])
def test_a_waitlist_text_fits_one_segment_names_the_time_and_nothing_clinical(locale: str, purpose: str) -> None:
    base = context(clinic=LONG_ALIAS, callback="+15551234567", zone=NY, locale=locale)
    sms = render(purpose, locale, {**base, **variables({"slot_at": "2026-12-03T15:30:00+00:00"}, NY, locale)}).sms
    assert fits_one_segment(sms), (len(sms), sms)
    assert sms.startswith(f"{LONG_ALIAS}:") and "10:30" in sms and not clinical_terms(sms)


@pytest.mark.parametrize("locale", ["en", "es"])
def test_the_offer_asks_for_the_word_that_takes_it(locale: str) -> None:
    base = context(clinic="Oak", callback="+15551234567", zone=NY, locale=locale)
    sms = render("waitlist_offer", locale, {**base, **variables({"slot_at": "2026-12-03T15:30:00Z"}, NY, locale)}).sms
    word = "YES" if locale == "en" else "SI"
    assert f"Reply {word} " in sms or f"Responda {word} " in sms
    assert parse_yes(word) == "YES"


@pytest.mark.parametrize(("text", "yes"), [("YES", True), ("yes!", True), (" Yes. ", True), ("sí", True),
                                           ("si", True), ("yes please come", False), ("no", False), ("A", False),
                                           ("yesterday", False)])
def test_what_reads_as_yes(text: str, yes: bool) -> None:
    assert (parse_yes(text) == "YES") is yes
    assert parse_choice(text) is None or text == "A"

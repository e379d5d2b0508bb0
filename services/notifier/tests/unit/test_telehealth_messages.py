"""Telehealth join links: refused at ingest when clinical, carried by reminders (one segment where it fits, the
email as a button)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from iop_notifier.domain.gsm import SEGMENT, septets
from iop_notifier.domain.messages import SessionFacts, context, render
from iop_shared.contracts.inbound import Telehealth
from iop_shared.contracts.lockscreen import link_terms

pytestmark = pytest.mark.unit
NY = ZoneInfo("America/New_York")


@pytest.mark.parametrize("url", ["https://rehab.zoom.us/j/1", "https://mindrehabcenter.example/x",
                                 "https://x.example/addictioncare", "https://x.example/Therapy-room",
                                 "https://zoom.us/j/1?topic=addiction", "https://harbor.example/iop/x",
                                 "https://salud-mental.example/sala"])
def test_a_link_with_a_clinical_word_in_host_path_or_query_is_refused_without_repeating_it(url: str) -> None:
    assert link_terms(url)
    with pytest.raises(ValidationError) as err:
        Telehealth.model_validate({"join_url": url})
    assert "clinical word" in err.value.errors()[0]["msg"] and url not in err.value.errors()[0]["msg"]


@pytest.mark.parametrize("url", ["https://meet.example.com/abc-defg", "https://zoom.us/j/93812?pwd=x1",
                                 "https://drugstore.example/a"])
def test_a_neutral_link_passes(url: str) -> None:
    assert link_terms(url) == []
    assert str(Telehealth.model_validate({"join_url": url}).join_url).startswith(url)


def _variables(locale: str, url: str) -> dict[str, object]:
    facts = SessionFacts(datetime(2026, 12, 3, 18, tzinfo=UTC), None, True, url)
    return context(clinic="Riverside Wellness", callback="+15551234567", zone=NY, locale=locale, sessions=[facts])


@pytest.mark.parametrize("locale", ["en", "es"])
@pytest.mark.parametrize("purpose", ["upcoming_session", "session_changed"])
def test_a_reminder_carries_the_link_in_one_segment_and_the_email_as_a_button(locale: str, purpose: str) -> None:
    url = "https://meet.example.com/abc-defg-hij"
    rendered = render(purpose, locale, _variables(locale, url))
    assert url in rendered.sms and septets(rendered.sms) <= SEGMENT
    assert f'<a href="{url}"' in rendered.html and url in rendered.text
    assert "video" not in rendered.sms  # the link says how; no "at video"


def test_a_link_too_long_for_one_segment_is_never_cut_and_keeps_the_callback() -> None:
    url = "https://video.example.org/rooms/4f9c2a71-a-very-long-room-identifier-here"
    sms = render("upcoming_session", "en", _variables("en", url)).sms
    assert url in sms and "(555) 123-4567" in sms


def test_a_session_without_a_link_is_unchanged() -> None:
    facts = SessionFacts(datetime(2026, 12, 3, 18, tzinfo=UTC), "Suite 200", False)
    rendered = render("upcoming_session", "en", context(clinic="Riverside Wellness", callback="+15551234567",
                                                         zone=NY, locale="en", sessions=[facts]))
    assert "Join" not in rendered.sms and "<a " not in rendered.html

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest

from iop_dashboard.domain.model import Concern, Flag, FlagStatus
from iop_dashboard.domain.users import User
from iop_dashboard.entrypoints.views import age, render_live, render_page
from iop_devkit.dashboard import sample_overview
from iop_shared.contracts.outbound import Severity


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


@pytest.mark.unit
def test_page_has_landmarks_headings_live_region_and_labelled_controls() -> None:
    html = render_page(sample_overview(), User("nurse-1", "Nurse One", ("clinic-1",)), "tok-123")
    found = tags(html)
    names = [t for t, _ in found]
    assert {"header", "main", "footer", "h1", "h2", "table", "caption", "svg"} <= set(names)
    assert any(a.get("aria-live") == "polite" for _, a in found)
    assert all(a.get("scope") in ("col", "row") for t, a in found if t == "th")
    buttons = [a for t, a in found if t == "button" and a.get("aria-label")]  # the rest say what they do
    assert {b.get("aria-label") for b in buttons} == {"Acknowledge critical flag for patient p-7",
                                                      "Resolve critical flag for patient p-7"}
    assert any(t == "meta" and a.get("name") == "csrf-token" and a.get("content") == "tok-123" for t, a in found)
    assert all(any(t == "input" and a.get("name") == "csrf_token" and a.get("value") == "tok-123" for t, a in
                   tags(form)) for form in html.split("<form")[1:]), "every form carries the token"
    assert "Signed in as Nurse One" in html
    assert all(a.get("aria-labelledby") for t, a in found if t == "svg")
    assert '<html lang="en">' in html
    assert not re.search(r"https?://(?!127\.)", html.replace('href="/docs"', "")), "no external resources"


@pytest.mark.unit
def test_live_part_shows_times_in_the_clinic_zone_and_the_counts() -> None:
    html = render_live(sample_overview())
    assert "10:00&ndash;13:00" in html  # 14:00-17:00 UTC is 10:00-13:00 in New York (EDT since March 8)
    assert "in progress" in html
    assert "opted out" in html and "crisis checkin" in html
    assert "Mar 02: 75%; Mar 09: no sessions" in html


@pytest.mark.unit
def test_an_acknowledged_flag_offers_resolve_only_and_names_who() -> None:
    base = sample_overview()
    ack = Flag("f-2", "p-9", None, Severity.high, "early_no_show", ("Missed a session.",), base.generated_at,
               FlagStatus.acknowledged, base.generated_at, "nurse-3")
    html = render_live(sample_overview(flags=(ack,)))
    assert "acknowledged by nurse-3" in html
    assert "ack-f-2" not in html and "resolve-f-2" in html


@pytest.mark.unit
def test_event_text_is_escaped() -> None:
    evil = Flag("f-3", "p-1", None, Severity.low, "r", ("<script>alert(1)</script>",),
                sample_overview().generated_at, FlagStatus.open)
    html = render_live(sample_overview(flags=(evil,)))
    assert "<script>alert" not in html and "&lt;script&gt;" in html


@pytest.mark.unit
def test_empty_day_says_so() -> None:
    html = render_live(sample_overview(sessions=(), missed=(), flags=(), notifications=()))
    for text in ("No open risk flags.", "No sessions today.", "No missed visits.", "No notifications today."):
        assert text in html


@pytest.mark.unit
def test_the_live_part_streamed_to_many_carries_no_token_and_shows_the_triage_queue() -> None:
    base = sample_overview()
    waiting = Concern("c-1", "p-3", "clinic-1", "Alma", base.generated_at - timedelta(minutes=95))
    unpaged = Flag("f-9", "p-4", None, Severity.critical, "crisis_checkin", (), base.generated_at, FlagStatus.open,
                   nobody_paged=True, preferred_name="Bea")
    html = render_live(sample_overview(concerns=(waiting,), flags=(unpaged,)))
    assert "csrf_token" not in html
    assert '<td class="age">1 h 35 min</td>' in html and "Alma" in html and 'id="open-c-1"' in html
    assert 'data-testid="nobody-paged"' in html and "Bea" in html and "Nobody was paged for 1 flag:" in html
    assert "Nobody was paged" not in render_live(base)
    assert "No replies waiting for triage." in render_live(sample_overview())


@pytest.mark.unit
@pytest.mark.parametrize(("minutes", "said"), [(0, "0 min"), (59, "59 min"), (60, "1 h 00 min"), (1505, "1 d 1 h")])
def test_ages_read_as_people_say_them(minutes: int, said: str) -> None:
    assert age(timedelta(minutes=minutes)) == said

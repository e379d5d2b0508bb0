"""The care-team ACK grammar and its codes."""

from __future__ import annotations

import pytest

from iop_notifier.domain.acks import AckReply, ack_code, parse_ack

pytestmark = pytest.mark.unit


def test_a_code_is_stable_starts_with_a_digit_and_avoids_look_alikes() -> None:
    code = ack_code("flag-1")
    assert code == ack_code("flag-1") and len(code) == 4 and code[0].isdigit()
    assert not set(code) & set("01OIL")
    assert len({ack_code(f"flag-{i}") for i in range(200)}) > 190


@pytest.mark.parametrize(("text", "expected"), [
    ("ACK", AckReply(None)), ("ack.", AckReply(None)), ("Acknowledged", AckReply(None)),
    ("ACK 7KQ2", AckReply("7KQ2")), ("ack 7kq2!", AckReply("7KQ2")), ("7kq2", AckReply("7KQ2")),
    ("okay", None), ("sure", None), ("ACK 0O1I", None), ("ack please call me", None), ("yes", None), ("2", None),
])
def test_what_reads_as_an_acknowledgement(text: str, expected: AckReply | None) -> None:
    assert parse_ack(text) == expected


def test_an_ack_speaks_for_the_paged_teams_clinic_and_a_fallback_roster_for_the_alerts() -> None:
    from iop_notifier.handlers.acks import speaks_for

    page = {"care_team_id": "team-b", "team_clinic_id": "clinic-b", "alert_clinic_id": "clinic-a"}
    assert speaks_for(page, {}) == "/clinics/clinic-b/notifier"  # attendance refuses it for clinic-a's flag
    assert speaks_for(page, {"clinic-a": "team-b"}) == "/clinics/clinic-a/notifier"
    assert speaks_for(page, {"*": "team-b"}) == "/clinics/clinic-a/notifier"
    assert speaks_for(page, {"clinic-c": "team-b"}) == "/clinics/clinic-b/notifier"
    assert speaks_for({**page, "team_clinic_id": None}, {}) == "iop/notifier"

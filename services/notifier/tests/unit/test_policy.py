from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from iop_notifier.domain.alerts import Member, channels_for, escalates, members_at_level
from iop_notifier.domain.policy import Defer, Policy, Recipient, Request, Send, Suppress, decide
from iop_notifier.domain.status import should_apply
from iop_shared.contracts.outbound import ReasonCode

NY = ZoneInfo("America/New_York")
NOON = datetime(2026, 4, 15, 12, tzinfo=NY).astimezone(UTC)
NIGHT = datetime(2026, 4, 15, 23, tzinfo=NY).astimezone(UTC)
PATIENT = Recipient(zone=NY, channels=("sms", "email"), phone="+15551230000", email="p@example.org")
POLICY = Policy()


def upcoming(**kw: object) -> Request:
    fields: dict[str, object] = {"purpose": "upcoming_session",
                                 "session_starts": (NOON + timedelta(days=2),)}
    fields.update(kw)
    return Request(**fields)  # type: ignore[arg-type]


@pytest.mark.unit
def test_sends_on_the_first_consented_channel() -> None:
    assert decide(upcoming(), PATIENT, NOON, [], POLICY) == Send("sms", counts_against_cap=True)
    no_sms = Recipient(zone=NY, channels=("sms", "email"), phone="+15551230000", email="p@example.org",
                       consent_sms=False)
    assert decide(upcoming(), no_sms, NOON, [], POLICY) == Send("email", counts_against_cap=True)


@pytest.mark.unit
def test_opt_out_and_no_consent_are_suppressed_with_reasons() -> None:
    out = Recipient(zone=NY, channels=("sms",), phone="+15551230000", sms_opted_out=True)
    assert decide(upcoming(), out, NOON, [], POLICY) == Suppress(ReasonCode.opted_out)
    none = Recipient(zone=NY, channels=("sms", "email"), phone="+15551230000", email="p@example.org",
                     consent_sms=False, consent_email=False)
    assert decide(upcoming(), none, NOON, [], POLICY) == Suppress(ReasonCode.no_consent)
    invalid = Recipient(zone=NY, channels=("sms",), phone="+15551230000", phone_invalid=True)
    assert decide(upcoming(), invalid, NOON, [], POLICY) == Suppress(ReasonCode.invalid_address)


@pytest.mark.unit
def test_quiet_hours_defer_when_still_useful_otherwise_suppress() -> None:
    decision = decide(upcoming(), PATIENT, NIGHT, [], POLICY)
    assert decision == Defer(datetime(2026, 4, 16, 8, tzinfo=NY).astimezone(UTC))
    soon = upcoming(session_starts=(NIGHT + timedelta(hours=2),))
    assert decide(soon, PATIENT, NIGHT, [], POLICY) == Suppress(ReasonCode.quiet_hours_expired)
    expiring = upcoming(expires_at=NIGHT + timedelta(hours=3))
    assert decide(expiring, PATIENT, NIGHT, [], POLICY) == Suppress(ReasonCode.quiet_hours_expired)


@pytest.mark.unit
def test_expired_cancelled_and_discharged_are_never_sent() -> None:
    assert decide(upcoming(expires_at=NOON), PATIENT, NOON, [], POLICY) == Suppress(ReasonCode.expired)
    assert decide(upcoming(sessions_cancelled=True), PATIENT, NOON, [], POLICY) == Suppress(ReasonCode.expired)
    gone = Recipient(zone=NY, channels=("sms",), phone="+15551230000", discharged=True)
    assert decide(upcoming(), gone, NOON, [], POLICY) == Suppress(ReasonCode.discharged)


@pytest.mark.unit
def test_caps_apply_to_routine_messages_but_not_urgent_or_replies() -> None:
    earlier = [NOON - timedelta(hours=2)]
    assert decide(upcoming(), PATIENT, NOON, earlier, POLICY) == Suppress(ReasonCode.cap_reached)
    assert decide(upcoming(urgent=True), PATIENT, NOON, earlier, POLICY) == Send("sms", counts_against_cap=False)
    crisis = Request(purpose="crisis_reply", bypass_quiet_hours=True)
    assert decide(crisis, PATIENT, NIGHT, earlier, POLICY) == Send("sms", counts_against_cap=False)


@pytest.mark.unit
def test_failed_channel_falls_back_to_the_next() -> None:
    assert decide(upcoming(exclude_channels=frozenset({"sms"})), PATIENT, NOON, [], POLICY) == Send(
        "email", counts_against_cap=True)


@pytest.mark.unit
def test_delivery_statuses_only_move_forward() -> None:
    assert should_apply("claimed", "sent")
    assert should_apply("sent", "delivered")
    assert not should_apply("delivered", "sent")
    assert not should_apply("delivered", "failed")
    assert not should_apply("failed", "sent")
    assert not should_apply("sent", "bogus")


@pytest.mark.unit
def test_alerts_by_severity_and_escalation_order() -> None:
    by = {"critical": ["sms", "email"], "high": ["sms", "email"], "medium": ["email"], "low": []}
    assert channels_for("medium", by) == ["email"]
    assert channels_for("low", by) == []
    assert escalates("critical") and not escalates("medium")
    team = [Member("a", False), Member("b", True), Member("c", False)]
    assert [members_at_level(team, n) for n in range(4)] == [["b"], ["a"], ["c"], []]
    assert members_at_level([Member("x", False), Member("y", False)], 0) == ["x"]


@pytest.mark.unit
def test_messages_due_together_merge_into_the_most_important() -> None:
    from iop_notifier.domain.policy import merge_winner

    assert merge_winner([(7, "weekly_schedule"), (9, "session_changed"), (3, "checkin_prompt")]) == 9
    assert merge_winner([(5, "upcoming_session"), (4, "upcoming_session")]) == 4
    assert merge_winner([(1, "something_new"), (2, "checkin_prompt")]) == 2

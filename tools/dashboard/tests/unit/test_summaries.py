from datetime import UTC, date, datetime, timedelta

import pytest

from iop_dashboard.domain.model import Flag, FlagStatus, KindNoShows, NotificationCount, Outcome, WeekAttendance
from iop_dashboard.domain.summaries import by_channel, by_reason, fill_kinds, fill_weeks, flags_in_order
from iop_shared.contracts.outbound import Severity

T0 = datetime(2026, 3, 10, 12, tzinfo=UTC)


def flag(flag_id: str, severity: Severity, minutes: int, status: FlagStatus = FlagStatus.open) -> Flag:
    return Flag(flag_id, "p", None, severity, "r", (), T0 + timedelta(minutes=minutes), status)


@pytest.mark.unit
def test_flags_most_severe_first_then_oldest_and_resolved_dropped() -> None:
    flags = [flag("low", Severity.low, 0), flag("crit-new", Severity.critical, 5),
             flag("crit-old", Severity.critical, 1), flag("high-ack", Severity.high, 0, FlagStatus.acknowledged),
             flag("high-open", Severity.high, 9), flag("gone", Severity.critical, 0, FlagStatus.resolved)]
    assert [f.flag_id for f in flags_in_order(flags)] == ["crit-old", "crit-new", "high-open", "high-ack", "low"]


@pytest.mark.unit
def test_counts_by_channel_and_by_reason() -> None:
    counts = [NotificationCount(Outcome.sent, "sms", "", 5), NotificationCount(Outcome.delivered, "sms", "", 4),
              NotificationCount(Outcome.sent, "email", "fallback_used", 1),
              NotificationCount(Outcome.suppressed, "", "opted_out", 2),
              NotificationCount(Outcome.suppressed, "sms", "cap_reached", 2),
              NotificationCount(Outcome.failed, "sms", "invalid_address", 3)]
    rows = {r.channel: r for r in by_channel(counts)}
    assert (rows["sms"].sent, rows["sms"].delivered, rows["sms"].failed, rows["sms"].suppressed) == (5, 4, 3, 2)
    assert rows["none"].suppressed == 2 and rows["email"].sent == 1
    assert by_reason(counts) == [("invalid_address", 3), ("cap_reached", 2), ("opted_out", 2), ("fallback_used", 1)]


@pytest.mark.unit
def test_weeks_and_kinds_are_filled_with_zeros() -> None:
    starts = [date(2026, 3, 2), date(2026, 3, 9)]
    filled = fill_weeks(starts, [WeekAttendance(date(2026, 3, 9), 4, 3, 0)])
    assert [(w.week_start, w.expected, w.rate) for w in filled] == [(starts[0], 0, None), (starts[1], 4, 0.75)]
    kinds = fill_kinds([KindNoShows("family", 2), KindNoShows("unknown", 1)])
    assert [(k.kind, k.count) for k in kinds] == [("group", 0), ("individual", 0), ("family", 2), ("medication", 0),
                                                  ("assessment", 0), ("unknown", 1)]


@pytest.mark.unit
def test_rate_never_exceeds_one_and_all_excused_means_no_rate() -> None:
    assert WeekAttendance(date(2026, 3, 2), 2, 2, 1).rate == 1.0
    assert WeekAttendance(date(2026, 3, 2), 2, 0, 2).rate is None

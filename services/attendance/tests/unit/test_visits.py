from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iop_attendance.domain.visits import VisitAction, decide, due_at
from iop_shared.contracts.inbound import AttendanceStatus

pytestmark = pytest.mark.unit
START = datetime(2026, 3, 2, 15, tzinfo=UTC)
DUE = due_at(START, timedelta(minutes=15))


def test_no_record_by_grace_is_a_miss() -> None:
    assert decide(expected=True, status=None, due=DUE, now=DUE, missed=False) is VisitAction.miss
    assert decide(expected=True, status=None, due=DUE, now=DUE - timedelta(seconds=1), missed=False) \
        is VisitAction.none


@pytest.mark.parametrize("status", [AttendanceStatus.present, AttendanceStatus.late, AttendanceStatus.excused,
                                    AttendanceStatus.left_early])
def test_positive_or_excused_record_is_never_a_miss(status: AttendanceStatus) -> None:
    assert decide(expected=True, status=status, due=DUE, now=DUE + timedelta(days=1), missed=False) \
        is VisitAction.none


def test_absent_record_is_a_miss_at_grace() -> None:
    assert decide(expected=True, status=AttendanceStatus.absent, due=DUE, now=DUE, missed=False) is VisitAction.miss


def test_late_record_after_miss_retracts() -> None:
    assert decide(expected=True, status=AttendanceStatus.late, due=DUE, now=DUE + timedelta(hours=1),
                  missed=True) is VisitAction.retract


def test_cancelled_or_removed_produces_no_miss_and_retracts_a_published_one() -> None:
    assert decide(expected=False, status=None, due=DUE, now=DUE, missed=False) is VisitAction.none
    assert decide(expected=False, status=None, due=DUE, now=DUE, missed=True) is VisitAction.retract


def test_session_moved_later_retracts() -> None:
    later = DUE + timedelta(days=2)
    assert decide(expected=True, status=None, due=later, now=DUE + timedelta(hours=1), missed=True) \
        is VisitAction.retract


@given(st.one_of(st.none(), st.sampled_from(list(AttendanceStatus))), st.integers(-120, 600), st.booleans(),
       st.booleans())
def test_decision_converges(status: AttendanceStatus | None, minute: int, expected: bool, missed: bool) -> None:
    """Applying the action makes the published state match the wanted state: a second decision is a no-op.

    Which record counts is the SQL's to decide (tests/integration/test_latest_record.py drives it)."""
    now = START + timedelta(minutes=minute)
    action = decide(expected=expected, status=status, due=DUE, now=now, missed=missed)
    after = missed if action is VisitAction.none else action is VisitAction.miss
    assert decide(expected=expected, status=status, due=DUE, now=now, missed=after) is VisitAction.none
    if after:
        assert expected and now >= DUE and status in (None, AttendanceStatus.absent)


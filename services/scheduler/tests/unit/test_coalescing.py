"""Notices about one session coalesce: the latest truth, once, and nothing when it comes back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iop_scheduler.domain.model import Reminder, SessionView
from iop_scheduler.domain.notices import Pending, coalesce_cancelled, coalesce_moved
from iop_scheduler.domain.policy import Policy, QuietHours

NOW = datetime(2026, 6, 1, 16, tzinfo=UTC)
OPEN = Policy(quiet_hours=QuietHours(datetime.min.time(), datetime.max.time()))
ZONES = {"p1": "UTC"}


def s(start: datetime, rev: int, cancelled: bool = False) -> SessionView:
    return SessionView("s1", "c1", start, start + timedelta(hours=1), ("p1",), rev, cancelled)


def as_pending(n: Reminder, told: datetime | None) -> dict[str, Pending]:
    return {n.patient_id: Pending(n.reminder_id, n.due_at, told)}


@pytest.mark.unit
@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=3, max_value=600), min_size=1, max_size=20))
def test_a_storm_keeps_one_notice_due_one_settle_window_after_the_first_change(minutes: list[int]) -> None:
    """Every revision replaces the unsent notice; the due time never moves later, the baseline never changes."""
    original = NOW + timedelta(hours=2)
    old, pending, notice = s(original, 1), {}, None
    for rev, m in enumerate(minutes, start=2):
        new = s(NOW + timedelta(minutes=m), rev)
        c = coalesce_moved(old, new, NOW, OPEN, ZONES, pending)
        if new.starts_at == original:
            assert c.notices == [] and c.withdraw == (["p1"] if pending else [])
            pending, notice = {}, None
        else:
            [notice] = c.notices
            assert c.told[notice.reminder_id] == original
            leave = min(original, new.starts_at) - OPEN.change_settle
            first_due = next(iter(pending.values())).due_at if pending else NOW + OPEN.change_settle
            assert notice.due_at == max(NOW, min(first_due, leave)) and notice.due_at < new.starts_at
            pending = as_pending(notice, original)
        old = new


@pytest.mark.unit
def test_a_move_back_to_what_the_patient_was_told_sends_nothing() -> None:
    a, b = NOW + timedelta(hours=3), NOW + timedelta(hours=5)
    [n] = coalesce_moved(s(a, 1), s(b, 2), NOW, OPEN, ZONES, {}).notices
    back = coalesce_moved(s(b, 2), s(a, 3), NOW, OPEN, ZONES, as_pending(n, a))
    assert back.notices == [] and back.withdraw == ["p1"]


@pytest.mark.unit
def test_a_cancellation_reverted_within_the_window_sends_nothing_and_a_repeat_cancel_neither() -> None:
    a = NOW + timedelta(hours=3)
    cancelled = coalesce_cancelled(s(a, 1), 2, NOW, OPEN, ZONES, {})
    [n] = cancelled.notices
    assert cancelled.told[n.reminder_id] == a and n.due_at == NOW + OPEN.change_settle
    back = coalesce_moved(s(a, 2, cancelled=True), s(a, 3), NOW, OPEN, ZONES, as_pending(n, a))
    assert back.notices == [] and back.withdraw == ["p1"]
    # Reinstated at another time, then cancelled again before anything went: told it is on at `a`, so one cancel.
    [moved] = coalesce_moved(s(a, 2, cancelled=True), s(a + timedelta(hours=1), 3), NOW, OPEN, ZONES,
                             as_pending(n, a)).notices
    [again] = coalesce_cancelled(s(a + timedelta(hours=1), 3), 4, NOW, OPEN, ZONES, as_pending(moved, a)).notices
    assert again.due_at == n.due_at


@pytest.mark.unit
def test_the_settle_window_never_passes_the_time_to_leave() -> None:
    soon = NOW + timedelta(seconds=90)
    [n] = coalesce_moved(s(NOW + timedelta(hours=1), 1), s(soon, 2), NOW, OPEN, ZONES, {}).notices
    assert n.due_at == soon - OPEN.change_settle and n.urgent
    [now] = coalesce_moved(s(NOW + timedelta(hours=1), 1), s(NOW + timedelta(seconds=30), 2), NOW, OPEN, ZONES,
                           {}).notices
    assert now.due_at == NOW

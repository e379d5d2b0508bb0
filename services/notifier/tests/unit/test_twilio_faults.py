"""The chaos run's Twilio fault schedule: which create gets which fault."""

from __future__ import annotations

import pytest

from iop_devkit.notifier.twilio_faults import CYCLE, FaultSchedule

pytestmark = pytest.mark.unit


def test_every_kth_create_gets_the_next_fault_of_the_cycle_and_the_rest_succeed() -> None:
    schedule = FaultSchedule(every=3)
    answers = [schedule("+15550000001") for _ in range(3 * len(CYCLE))]
    assert [a for i, a in enumerate(answers) if (i + 1) % 3] == [None] * (2 * len(CYCLE))
    assert answers[2::3] == list(CYCLE)
    assert sum(schedule.injected.values()) == len(CYCLE)
    assert schedule.accepted_faults == 3  # timeout, 500 and drop after accepting


def test_the_unsubscribed_number_always_answers_21610_and_inactive_means_no_faults() -> None:
    schedule = FaultSchedule(every=1, unsubscribed={"+15550000009"}, active=False)
    assert [schedule("+15550000009"), schedule("+15550000001")] == [21610, None]
    assert schedule.injected == {"error_21610": 1}

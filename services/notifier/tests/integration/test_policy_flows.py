"""Caps and missed-visit messages over real Kafka and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.runner import run_notifier
from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.testing.kafka import TopicTail, of, publish
from iop_notifier.settings import Settings
from iop_shared.contracts.cloudevents import Envelope
from iop_shared.contracts.outbound import VisitMissed, VisitMissedRetracted
from iop_shared.contracts.topics import NOTIFICATIONS


@pytest.mark.integration
async def test_second_routine_text_of_the_day_is_capped_but_an_urgent_one_goes(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    clinic, pid, sid, ph = b.uid("cl"), b.uid("pt"), b.uid("ses"), b.phone()
    first, second = b.reminder(pid, clinic, [sid]), b.reminder(pid, clinic, [sid])
    urgent = b.reminder(pid, clinic, [sid], urgent=True)
    async with TopicTail(kafka_bootstrap, NOTIFICATIONS.name) as tail, run_notifier(make_settings()):
        await publish(kafka_bootstrap, b.clinic(clinic, quiet=b.all_day()), b.patient(pid, clinic, phone_number=ph),
                      b.session(sid, clinic, [pid]), first)
        await tail.wait_for(of("iop.notification.sent.v1", source_event_id=first.data.reminder_id))
        await publish(kafka_bootstrap, second, urgent)
        [capped] = await tail.wait_for(of("iop.notification.suppressed.v1", source_event_id=second.data.reminder_id))
        assert capped.data.reason_code == "cap_reached"
        await tail.wait_for(of("iop.notification.sent.v1", source_event_id=urgent.data.reminder_id))
        assert len(twilio.to(ph)) == 2


@pytest.mark.integration
async def test_missed_visit_gets_one_gentle_text_and_a_retraction_before_sending_withdraws_it(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    clinic, pid, sid, ph = b.uid("cl"), b.uid("pt"), b.uid("ses"), b.phone()
    now = datetime.now(UTC)
    missed = Envelope(VisitMissed(visit_id=b.uid("v"), session_id=sid, patient_id=pid, detected_at=now),
                      source="iop/attendance")
    async with TopicTail(kafka_bootstrap, NOTIFICATIONS.name) as tail, run_notifier(make_settings()):
        await publish(kafka_bootstrap, b.clinic(clinic, quiet=b.all_day()), b.patient(pid, clinic, phone_number=ph),
                      b.session(sid, clinic, [pid]), missed, missed)
        await tail.wait_for(of("iop.notification.sent.v1", source_event_id=f"visit-{missed.data.visit_id}"))
        [text] = twilio.to(ph)
        assert "missed you" in text.body and "Riverside Wellness" in text.body
        # A late arrival retracts the miss; with nothing pending there is nothing to withdraw and nothing new.
        retract = Envelope(VisitMissedRetracted(**missed.data.model_dump()), source="iop/attendance")
        await publish(kafka_bootstrap, retract)
        await tail.settle(1.5)
        assert len(twilio.to(ph)) == 1


@pytest.mark.integration
async def test_routine_messages_due_together_merge_into_one_text(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from iop_devkit.notifier.clock import ShiftableClock
    from iop_shared.contracts.outbound import ReminderPurpose

    clock = ShiftableClock()
    local = clock.now().astimezone(ZoneInfo("America/New_York"))
    window = ((local + timedelta(hours=2)).time().replace(second=0, microsecond=0),
              (local + timedelta(hours=5)).time().replace(second=0, microsecond=0))
    clinic, pid, sid, ph = b.uid("cl"), b.uid("pt"), b.uid("ses"), b.phone()
    weekly = b.reminder(pid, clinic, [sid], purpose=ReminderPurpose.weekly_schedule)
    changed = b.reminder(pid, clinic, [sid], purpose=ReminderPurpose.session_changed)
    async with TopicTail(kafka_bootstrap, NOTIFICATIONS.name) as tail, run_notifier(make_settings(), clock):
        await publish(kafka_bootstrap, b.clinic(clinic, quiet=window), b.patient(pid, clinic, phone_number=ph),
                      b.session(sid, clinic, [pid]), weekly, changed)
        await tail.wait_for(of("iop.notification.suppressed.v1", reason_code="quiet_hours_deferred"), count=2)
        clock.advance(timedelta(hours=2, minutes=1))
        [merged] = await tail.wait_for(of("iop.notification.suppressed.v1", reason_code="merged"))
        assert merged.data.source_event_id == weekly.data.reminder_id
        await tail.wait_for(of("iop.notification.sent.v1", source_event_id=changed.data.reminder_id))
        [text] = twilio.to(ph)
        assert "moved" in text.body

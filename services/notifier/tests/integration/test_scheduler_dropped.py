"""A reminder the scheduler dropped reaches the notification feed as suppressed, with the scheduler's reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.runner import run_notifier
from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.testing.kafka import TopicTail, publish
from iop_notifier.settings import Settings
from iop_shared.contracts.cloudevents import Envelope
from iop_shared.contracts.outbound import DropReason, ReminderDropped, ReminderPurpose
from iop_shared.contracts.topics import NOTIFICATIONS


def dropped(pid: str, clinic: str, sid: str, reason: DropReason) -> Envelope[ReminderDropped]:
    return Envelope(ReminderDropped(reminder_id=b.uid("rem"), patient_id=pid, clinic_id=clinic,
                                    purpose=ReminderPurpose.upcoming_session, session_ids=[sid],
                                    planned_for=datetime.now(UTC), reason=reason), source="iop/scheduler")


@pytest.mark.integration
async def test_each_dropped_reminder_is_suppressed_once_with_its_reason(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    clinic, pid, sid, ph = b.uid("cl"), b.uid("pt"), b.uid("ses"), b.phone()
    night, started = dropped(pid, clinic, sid, DropReason.quiet_hours), dropped(pid, clinic, sid,
                                                                                DropReason.session_started)
    async with TopicTail(kafka_bootstrap, NOTIFICATIONS.name) as tail, run_notifier(make_settings()):
        await publish(kafka_bootstrap, b.clinic(clinic, quiet=b.all_day()), b.patient(pid, clinic, phone_number=ph),
                      night, started, night)  # the last one a redelivery
        await tail.wait_for(lambda e: e.type == "iop.notification.suppressed.v1" and e.data.recipient_id == pid,
                            count=2, timeout=20)
        await tail.settle(1.5)
        got = [e.data for e in tail.events(lambda e: getattr(e.data, "recipient_id", None) == pid)]
    assert sorted((d.source_event_id, d.reason_code) for d in got) == sorted([
        (night.data.reminder_id, "quiet_hours_expired"), (started.data.reminder_id, "session_started")])
    assert twilio.to(ph) == []

"""The drop events built without pydantic are the encoder's bytes and decode under the contract."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iop_scheduler.domain.model import Reminder
from iop_scheduler.handlers.dropped import dropped_event, dropped_records
from iop_shared.contracts import decode, encode, headers_to_dict
from iop_shared.contracts.outbound import DropReason, ReminderDropped, ReminderPurpose

ids = st.from_regex(r"[A-Za-z0-9._:\-]{1,20}", fullmatch=True)
instants = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1),
                        timezones=st.sampled_from([UTC, timezone(timedelta(hours=-5))]))
reminders = st.builds(Reminder, reminder_id=ids, patient_id=ids, clinic_id=st.none() | ids,
                      purpose=st.sampled_from(list(ReminderPurpose)),
                      session_ids=st.lists(ids, max_size=4).map(tuple), due_at=instants, expires_at=instants)


@pytest.mark.unit
@given(drops=st.lists(st.tuples(reminders, st.sampled_from(list(DropReason))), min_size=1, max_size=5),
       now=instants)
def test_built_drop_events_are_the_encoders_and_valid(drops: list[tuple[Reminder, DropReason]],
                                                      now: datetime) -> None:
    built = dropped_records(drops, now)
    for (r, reason), (event_id, record) in zip(drops, built, strict=True):
        expected = dropped_event(r, reason, now)
        assert event_id == expected.id
        assert record == encode(expected)
        decoded = decode(headers_to_dict(record.headers), record.value)
        assert isinstance(decoded.data, ReminderDropped)
        assert decoded.data.reminder_id == r.reminder_id
        assert decoded.data.reason is reason
        assert decoded.data.planned_for == r.due_at

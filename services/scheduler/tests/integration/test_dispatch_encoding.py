"""publish_due.sql writes exactly the event the shared encoder would: decoded and compared here."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from iop_scheduler.bootstrap import Service
from iop_scheduler.domain.model import Kind, Reminder
from iop_scheduler.handlers.dispatch import reminder_event
from iop_shared.clock import FrozenClock
from iop_shared.contracts import decode, encode
from iop_shared.contracts.outbound import ReminderPurpose

NOW = datetime(2026, 6, 1, 14, 0, 0, 123456, tzinfo=UTC)


@pytest.mark.integration
@pytest.mark.parametrize(("clinic_id", "checkin_kind"), [("clinic-a", None), (None, None), ("clinic-a", "phq9")])
async def test_sql_encoding_matches_the_shared_encoder(make_service: object, clinic_id: str | None,
                                                       checkin_kind: str | None) -> None:
    svc: Service = await make_service(kafka=False, clock=FrozenClock(NOW))  # type: ignore[operator]
    purpose = ReminderPurpose.checkin_prompt if checkin_kind else ReminderPurpose.weekly_schedule
    reminder = Reminder("rem-1", "p1", clinic_id, purpose, ("s1", "s2"),
                        NOW - timedelta(seconds=1), NOW + timedelta(days=1, microseconds=7), urgent=True,
                        kind=Kind.notice, checkin_kind=checkin_kind)
    async with svc.store.transaction() as repo:
        await repo.lock_patient("p1")
        await repo.insert((reminder,))
    assert await svc.dispatcher.dispatch_due() == 1
    async with svc.store.transaction() as repo:
        row = await repo.conn.fetchrow("SELECT topic, key, value, headers FROM outbox")
        stored = await repo.reminder("rem-1")
    assert row is not None and stored is not None
    expected = encode(reminder_event(stored, NOW))
    headers = json.loads(row["headers"])
    assert (row["topic"], row["key"]) == (expected.topic, expected.key)
    assert headers == {k: v.decode() for k, v in expected.headers} | {"ce_time": headers["ce_time"]}
    got, want = decode(headers, row["value"]), decode(dict((k, v.decode()) for k, v in expected.headers),
                                                      expected.value)
    assert (got.data, got.id, got.type, got.source, got.time) == (want.data, want.id, want.type, want.source,
                                                                   want.time)
    assert json.loads(row["value"]).keys() == json.loads(expected.value).keys()
    assert json.loads(row["value"]).get("checkin_kind") == checkin_kind

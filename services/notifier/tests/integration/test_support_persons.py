"""Support persons over real Kafka and PostgreSQL: each gets the reminder of the session kind they were invited
to, even when it is due together with one they were not, and two families' "sup-1" never share anything."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.runner import run_notifier
from iop_devkit.notifier.scenario import known
from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.testing.kafka import TopicTail, eventually, publish
from iop_notifier.handlers.dispatch import process
from iop_notifier.handlers.support import recipient_id
from iop_notifier.settings import Settings
from iop_shared.contracts import Envelope
from iop_shared.contracts.inbound import SessionKind, SupportPerson
from iop_shared.contracts.topics import NOTIFICATIONS

pytestmark = pytest.mark.integration


def _with_helper(pid: str, clinic: str, helper_phone: str) -> Envelope:  # type: ignore[type-arg]
    base = b.patient(pid, clinic, phone_number=b.phone())
    helper = SupportPerson(support_id="sup-1", name="Alex", phone=helper_phone, locale="en",
                           consent_recorded_at=datetime.now(UTC), consent_source="intake",
                           session_kinds=[SessionKind.family])
    return Envelope(base.data.model_copy(update={"support_persons": [helper]}), source=base.source)


def _of_kind(sid: str, clinic: str, pid: str, kind: SessionKind, hours: int) -> Envelope:  # type: ignore[type-arg]
    env = b.session(sid, clinic, [pid], starts_in=timedelta(hours=hours))
    return Envelope(env.data.model_copy(update={"kind": kind}), source=env.source)


async def test_a_family_reminder_due_with_a_group_one_reaches_the_support_person_of_that_family_only(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    clinic, p1, p2 = b.uid("cl"), b.uid("pt"), b.uid("pt")
    helper_1, helper_2 = b.phone(), b.phone()
    group, family_1, family_2 = b.uid("ses"), b.uid("ses"), b.uid("ses")
    # The dispatcher polls once an hour here: this test decides which request goes first.
    async with TopicTail(kafka_bootstrap, NOTIFICATIONS.name) as tail, \
            run_notifier(make_settings(cap_per_day=10, cap_per_week=10, dispatch_poll_s=3600)) as svc:
        await known(svc, kafka_bootstrap, b.clinic(clinic, quiet=b.all_day()), _with_helper(p1, clinic, helper_1),
                    _with_helper(p2, clinic, helper_2), _of_kind(group, clinic, p1, SessionKind.group, 4),
                    _of_kind(family_1, clinic, p1, SessionKind.family, 6),
                    _of_kind(family_2, clinic, p2, SessionKind.family, 6), patients=(p1, p2), clinics=(clinic,))
        later = datetime.now(UTC) + timedelta(hours=1)  # queued, not yet due: nothing sends them on its own
        await publish(kafka_bootstrap, *[_due(b.reminder(p, clinic, [s]), later)
                                         for p, s in ((p1, group), (p1, family_1), (p2, family_2))])
        pool = svc.deps.pool
        await eventually(lambda: _count(pool, "SELECT count(*) FROM requests WHERE recipient_kind = $1",
                                        "support_person", 3))
        # The group reminder was queued first; a merge by recipient kept it (the support person may not see it)
        # and dropped the family one when the family one went first.
        await pool.execute("UPDATE requests SET not_before = now() - interval '1 minute'")
        family = await pool.fetchval("SELECT id FROM requests WHERE recipient_kind = $1 AND $2 = ANY(session_ids)",
                                     "support_person", family_1)
        await process(svc.deps, family)
        svc.deps.wake()
        await eventually(lambda: twilio.to(helper_1) and twilio.to(helper_2), timeout=20)
        sent = await tail.wait_for(lambda e: e.type == "iop.notification.sent.v1"
                                   and e.data.recipient_kind == "support_person", count=2)  # type: ignore[attr-defined]
    assert len(twilio.to(helper_1)) == 1 and len(twilio.to(helper_2)) == 1
    assert {e.data.recipient_id for e in sent} == {recipient_id(p1, "sup-1"), recipient_id(p2, "sup-1")}  # type: ignore[attr-defined]


def _due(env: Envelope, at: datetime) -> Envelope:  # type: ignore[type-arg]
    return Envelope(env.data.model_copy(update={"due_at": at}), source=env.source)


async def _count(pool: Any, sql: str, arg: str, expected: int) -> bool:
    return bool(await pool.fetchval(sql, arg) == expected)

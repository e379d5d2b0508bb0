"""A second clinic attacks the notifier's read models over Kafka: every write is dead-lettered, nothing moves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.runner import run_notifier
from iop_devkit.notifier.scenario import known
from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.testing.kafka import TopicTail, eventually, publish
from iop_notifier.settings import Settings
from iop_shared.contracts.cloudevents import Envelope
from iop_shared.contracts.common import Contract
from iop_shared.contracts.inbound import SessionCancelled
from iop_shared.contracts.outbound import DeadLetter, NotificationSuppressed
from iop_shared.contracts.tenancy import clinic_source
from iop_shared.contracts.topics import DEADLETTER, NOTIFICATIONS

pytestmark = pytest.mark.integration


def as_from(env: Envelope[Contract], clinic_id: str) -> Envelope[Contract]:
    """The same event, published by `clinic_id`."""
    return replace(env, source=clinic_source(clinic_id, "ehr"), id=b.uid("ev"))


def reasons(tail: TopicTail, key: str) -> list[str]:
    return [": ".join(e.data.error.split(": ")[:2]) for e in tail.events()
            if isinstance(e.data, DeadLetter) and e.data.key == key]


def nobody_paged(flag_id: str) -> Callable[[Envelope[Contract]], bool]:
    return lambda e: isinstance(e.data, NotificationSuppressed) and e.data.source_event_id == flag_id


async def row(svc: Any, sql: str, *args: object) -> Any:
    async with svc.deps.pool.acquire() as conn:
        return await conn.fetchrow(sql, *args)


async def test_care_team_and_patient_of_another_clinic_cannot_be_redirected(
        topics: str, kafka_bootstrap: str, make_settings: Callable[..., Settings]) -> None:
    a, clinic_b, team_b, pid_b = b.uid("cla"), b.uid("clb"), b.uid("team"), b.uid("pt")
    b_phone, a_phone = b.phone(), b.phone()
    team = b.care_team(team_b, clinic_b, [("m-b", True, b_phone, "oncall@b.example.org")])
    async with TopicTail(kafka_bootstrap, DEADLETTER.name) as tail, run_notifier(make_settings()) as svc:
        # Both known first: they travel on two topics, and a patient naming a team not yet known is accepted
        # (ingest cannot tell whose it is); paging checks it then (test_a_team_of_another_clinic_is_never_paged).
        await known(svc, kafka_bootstrap, b.clinic(clinic_b), team,
                    b.patient(pid_b, clinic_b, phone_number=b_phone, care_team_id=team_b),
                    patients=(pid_b,), teams=(team_b,), clinics=(clinic_b,))
        redirect = b.care_team(team_b, a, [("m-a", True, a_phone, "pager@a.example.org")])
        lying = as_from(replace(redirect, data=redirect.data.model_copy(update={"clinic_id": clinic_b,
                                                                                 "revision": 9})), a)
        takeover = b.patient(pid_b, a, phone_number=a_phone, care_team_id=team_b, revision=2**63 - 1)
        poach = b.patient(b.uid("pt"), a, phone_number=a_phone, care_team_id=team_b)
        await publish(kafka_bootstrap, redirect, lying, takeover, poach)
        await tail.wait_for(lambda e: isinstance(e.data, DeadLetter) and e.data.key in (team_b, pid_b), 3, 30)
        await tail.wait_for(lambda e: isinstance(e.data, DeadLetter) and e.data.key == poach.data.patient_id, 1, 30)
        assert reasons(tail, team_b) == ["tenant_mismatch: clinic_id"] * 2
        assert reasons(tail, pid_b) == ["tenant_mismatch: clinic_id"]
        assert reasons(tail, poach.data.patient_id) == ["tenant_mismatch: care_team_id"]
        team_row = await row(svc, "SELECT clinic_id, members::text AS m FROM care_teams WHERE care_team_id = $1",
                             team_b)
        assert team_row["clinic_id"] == clinic_b and b_phone in team_row["m"] and a_phone not in team_row["m"]
        patient_row = await row(svc, "SELECT clinic_id, phone FROM patients WHERE patient_id = $1", pid_b)
        assert (patient_row["clinic_id"], patient_row["phone"]) == (clinic_b, b_phone)


async def test_a_team_of_another_clinic_is_never_paged_for_a_patient_that_named_it_first(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    a, clinic_b, team_x, pid_a, b_phone = b.uid("cla"), b.uid("clb"), b.uid("team"), b.uid("pt"), b.phone()
    async with TopicTail(kafka_bootstrap, NOTIFICATIONS.name) as tail, run_notifier(make_settings()) as svc:
        await known(svc, kafka_bootstrap, b.clinic(a), b.patient(pid_a, a, care_team_id=team_x),
                    patients=(pid_a,), clinics=(a,))
        early = b.risk_flag(pid_a, None)
        await publish(kafka_bootstrap, early)
        await tail.wait_for(nobody_paged(early.data.flag_id))
        # The team id turns out to be clinic B's: its arrival must not page B about A's patient ...
        await known(svc, kafka_bootstrap, b.clinic(clinic_b),
                    b.care_team(team_x, clinic_b, [("m-b", True, b_phone, None)]), teams=(team_x,))
        late = b.risk_flag(pid_a, None)
        await publish(kafka_bootstrap, late)  # ... nor may a flag raised after it
        [nobody] = await tail.wait_for(nobody_paged(late.data.flag_id))
        assert isinstance(nobody.data, NotificationSuppressed)
        assert (nobody.data.recipient_id, nobody.data.reason_code) == (team_x, "no_recipient")
        await tail.settle(2.0)
        assert twilio.to(b_phone) == []
        alerts = await svc.deps.pool.fetch("SELECT paged FROM alerts WHERE patient_id = $1", pid_a)
        assert [r["paged"] for r in alerts] == [False, False]


async def test_forged_sources_and_foreign_sessions_are_dead_lettered(
        topics: str, kafka_bootstrap: str, make_settings: Callable[..., Settings]) -> None:
    a, clinic_b, sid = b.uid("cla"), b.uid("clb"), b.uid("ses")
    async with TopicTail(kafka_bootstrap, DEADLETTER.name) as tail, run_notifier(make_settings()) as svc:
        await publish(kafka_bootstrap, b.clinic(clinic_b), b.session(sid, clinic_b, []))

        async def applied() -> bool:
            return await row(svc, "SELECT 1 FROM sessions WHERE session_id = $1", sid) is not None
        await eventually(applied)
        no_clinic = replace(b.clinic(clinic_b, revision=2), source="clinic-b/ehr")
        other_clinic = as_from(b.clinic(clinic_b, revision=3), a)
        moved = b.session(sid, a, [], revision=2)
        cancelled = Envelope(SessionCancelled(session_id=sid, revision=3), source=clinic_source(a, "ehr"))
        await publish(kafka_bootstrap, no_clinic, other_clinic, moved, cancelled)
        await tail.wait_for(lambda e: isinstance(e.data, DeadLetter) and e.data.key in (clinic_b, sid), 4, 30)
        assert reasons(tail, clinic_b) == ["tenant_mismatch: ce_source", "tenant_mismatch: clinic_id"]
        assert reasons(tail, sid) == ["tenant_mismatch: clinic_id"] * 2
        session_row = await row(svc, "SELECT clinic_id, cancelled, revision FROM sessions WHERE session_id = $1", sid)
        assert tuple(session_row) == (clinic_b, False, 1)
        assert (await row(svc, "SELECT revision FROM clinics WHERE clinic_id = $1", clinic_b))["revision"] == 1

"""Whole flows over real Kafka and PostgreSQL: events in, reminder.due out at the due time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aiokafka import AIOKafkaProducer

from iop_devkit.scheduler import cancel, patient, session
from iop_devkit.testing.kafka import TopicTail, publish, unique
from iop_shared.contracts import Contract, Envelope
from iop_shared.contracts.outbound import DeadLetter, ReminderDue
from iop_shared.contracts.topics import DEADLETTER, REMINDERS, SESSIONS


def due(pid: str, purpose: str | None = None) -> object:
    def match(env: Envelope[Contract]) -> bool:
        d = env.data
        return isinstance(d, ReminderDue) and d.patient_id == pid and (purpose is None or d.purpose == purpose)
    return match


async def send_raw(bootstrap: str, topic: str, key: str, value: bytes) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=key.encode())
    finally:
        await producer.stop()


def data(envs: list[Envelope[Contract]]) -> list[ReminderDue]:
    return [e.data for e in envs if isinstance(e.data, ReminderDue)]


@pytest.mark.integration
async def test_reminders_arrive_at_their_due_time(make_service: object, kafka_bootstrap: str) -> None:
    await make_service(first_offsets="7s,4s")  # type: ignore[operator]
    pid, sid = unique("p"), unique("s")
    start = datetime.now(UTC) + timedelta(seconds=12)
    async with TopicTail(kafka_bootstrap, REMINDERS.name, DEADLETTER.name) as tail:
        await send_raw(kafka_bootstrap, SESSIONS.name, sid, b"{not json")  # a bad record first, same partition
        await publish(kafka_bootstrap, patient(pid), session(sid, start, [pid]))
        got = await tail.wait_for(due(pid), count=2, timeout=25)  # type: ignore[arg-type]
        [letter] = [e.data for e in tail.events() if isinstance(e.data, DeadLetter) and e.data.key == sid]
        assert letter.service == "scheduler" and letter.source_topic == SESSIONS.name
        await tail.settle(1.0)
        events = tail.events(due(pid))  # type: ignore[arg-type]
    assert [r.due_at for r in data(events)] == [start - timedelta(seconds=7), start - timedelta(seconds=4)]
    for env in got:
        assert isinstance(env.data, ReminderDue)
        lag = (env.time - env.data.due_at).total_seconds()
        assert 0 <= lag < 2, lag  # published at (not before) the due time
        assert env.data.expires_at == start and env.data.session_ids == [sid] and env.data.clinic_id == "clinic-a"


@pytest.mark.integration
async def test_a_reschedule_sends_only_the_new_plan_and_a_cancellation_tells_everyone(
        make_service: object, kafka_bootstrap: str) -> None:
    await make_service(first_offsets="6s,3s")  # type: ignore[operator]
    p1, p2, moved, dropped = unique("p"), unique("p"), unique("s"), unique("s")
    now = datetime.now(UTC)
    old, new = now + timedelta(seconds=9), now + timedelta(seconds=12)
    async with TopicTail(kafka_bootstrap, REMINDERS.name) as tail:
        await publish(kafka_bootstrap, patient(p1), patient(p2), session(moved, old, [p1]),
                      session(dropped, now + timedelta(seconds=60), [p2]))
        await publish(kafka_bootstrap, session(moved, new, [p1], revision=2), cancel(dropped, revision=2))
        await tail.wait_for(due(p1, "upcoming_session"), count=2, timeout=25)  # type: ignore[arg-type]
        await tail.wait_for(due(p2, "session_cancelled"), count=1, timeout=5)  # type: ignore[arg-type]
        await tail.settle(1.5)
        first = data(tail.events(due(p1)))  # type: ignore[arg-type]
        second = data(tail.events(due(p2)))  # type: ignore[arg-type]
    upcoming = [r for r in first if r.purpose == "upcoming_session"]
    assert [r.due_at for r in upcoming] == [new - timedelta(seconds=6), new - timedelta(seconds=3)]
    assert [r.purpose for r in first if r.purpose != "upcoming_session"] == ["session_changed"]
    assert [(r.purpose, r.urgent) for r in second] == [("session_cancelled", True)]


@pytest.mark.integration
async def test_two_replicas_never_send_a_reminder_twice(make_service: object, kafka_bootstrap: str) -> None:
    for _ in range(2):
        await make_service(first_offsets="8s,4s")  # type: ignore[operator]
    start = datetime.now(UTC) + timedelta(seconds=15)  # room for the group to settle on two members
    patients = [unique("p") for _ in range(40)]
    events = [e for pid in patients for e in (patient(pid), session(unique("s"), start, [pid]))]
    wanted = set(patients)
    async with TopicTail(kafka_bootstrap, REMINDERS.name) as tail:
        await publish(kafka_bootstrap, *events)
        await tail.wait_for(lambda e: isinstance(e.data, ReminderDue) and e.data.patient_id in wanted,
                            count=80, timeout=30)
        await tail.settle(2.0)
        sent = [e.data for e in tail.events() if isinstance(e.data, ReminderDue) and e.data.patient_id in wanted]
    assert len(sent) == 80
    assert len({r.reminder_id for r in sent}) == 80

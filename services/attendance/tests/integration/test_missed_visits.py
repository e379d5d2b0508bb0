"""Over real Kafka and PostgreSQL: misses at grace, retraction, no miss when cancelled, removed or excused."""

import time
from datetime import UTC, datetime, timedelta

import pytest

from iop_attendance.bootstrap import Service, bootstrap
from iop_attendance.settings import Settings
from iop_devkit.attendance import attendance_recorded, envelope, session_upserted
from iop_devkit.testing.kafka import TopicTail, publish, unique
from iop_shared.contracts.inbound import AttendanceStatus, SessionCancelled
from iop_shared.contracts.outbound import VisitMissed, VisitMissedRetracted
from iop_shared.contracts.topics import VISITS

pytestmark = pytest.mark.integration


def of(patient_id: str, kind: type) -> "object":
    return lambda e: isinstance(e.data, kind) and e.data.patient_id == patient_id


async def test_no_attendance_is_a_miss_at_grace_and_a_late_record_retracts(
        service: Service, kafka_bootstrap: str) -> None:
    patient, session = unique("p"), unique("s")
    starts = datetime.now(UTC) + timedelta(seconds=1)
    async with TopicTail(kafka_bootstrap, VISITS.name) as tail:
        await publish(kafka_bootstrap, envelope(session_upserted(session, [patient], starts)))
        [missed] = await tail.wait_for(of(patient, VisitMissed), timeout=15)  # type: ignore[arg-type]
        due = starts + service.settings.missed_grace
        assert isinstance(missed.data, VisitMissed)
        assert due <= missed.data.detected_at < due + timedelta(seconds=2), "published at grace, not before"
        await publish(kafka_bootstrap, envelope(attendance_recorded(session, patient, AttendanceStatus.late,
                                                                    datetime.now(UTC))))
        [retracted] = await tail.wait_for(of(patient, VisitMissedRetracted))  # type: ignore[arg-type]
        assert isinstance(retracted.data, VisitMissedRetracted)
        assert retracted.data.visit_id == missed.data.visit_id


async def test_cancelled_removed_excused_and_present_produce_no_miss(service: Service, kafka_bootstrap: str) -> None:
    a, b, c, d = (unique(x) for x in "abcd")
    kept, cancelled = unique("s"), unique("s")
    starts = datetime.now(UTC) + timedelta(seconds=1)
    async with TopicTail(kafka_bootstrap, VISITS.name) as tail:
        await publish(kafka_bootstrap,
                      envelope(session_upserted(kept, [a, b, c, d], starts)),
                      envelope(session_upserted(cancelled, [a], starts)),
                      envelope(SessionCancelled(session_id=cancelled, revision=2)),
                      envelope(session_upserted(kept, [a, c, d], starts, revision=2)),  # b removed
                      envelope(attendance_recorded(kept, c, AttendanceStatus.excused, starts)),
                      envelope(attendance_recorded(kept, d, AttendanceStatus.present, starts)))
        # a is still expected at `kept` and records nothing: its miss is the marker that grace has passed.
        await tail.wait_for(lambda e: isinstance(e.data, VisitMissed) and e.data.patient_id == a, timeout=15)
        await tail.settle(1.0)
        mine = {a, b, c, d}  # earlier tests' events on the same private topics are replayed too
        missed = [e.data for e in tail.events(lambda e: isinstance(e.data, VisitMissed)
                                              and e.data.patient_id in mine)]
        assert [(m.patient_id, m.session_id) for m in missed] == [(a, kept)]  # type: ignore[attr-defined]


async def test_a_missed_visit_fires_even_when_published_late(settings: Settings, kafka_bootstrap: str) -> None:
    """A session that arrives after its grace already passed is settled at once (catch-up path), not by the sweep:
    the sweep is set far beyond the wait, so only the catch-up path can pass (the bound leaves room for the
    start-up catch-up to the end offsets on a busy CI machine)."""
    patient, session = unique("p"), unique("s")
    service = bootstrap(settings.model_copy(update={"sweep_interval": timedelta(seconds=300)}))
    await service.start()
    try:
        async with TopicTail(kafka_bootstrap, VISITS.name) as tail:
            started = time.monotonic()
            await publish(kafka_bootstrap, envelope(session_upserted(session, [patient],
                                                                     datetime.now(UTC) - timedelta(hours=1))))
            await tail.wait_for(of(patient, VisitMissed), timeout=20)  # type: ignore[arg-type]
            assert time.monotonic() - started < 20
    finally:
        await service.stop()


async def test_an_invalid_event_goes_to_dead_letters_and_the_partition_moves_on(
        service: Service, kafka_bootstrap: str) -> None:
    from aiokafka import AIOKafkaProducer

    from iop_shared.contracts import encode
    from iop_shared.contracts.outbound import DeadLetter
    from iop_shared.contracts.topics import DEADLETTER, SESSIONS

    patient, session = unique("p"), unique("s")
    good = encode(envelope(session_upserted(session, [patient], datetime.now(UTC) - timedelta(hours=1))))
    bad_headers = [(k, v if k != "ce_id" else unique("bad").encode()) for k, v in good.headers]
    async with TopicTail(kafka_bootstrap, DEADLETTER.name, VISITS.name) as tail:
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
        await producer.start()
        try:  # same key, so the bad record sits before the good one in the same partition
            await producer.send_and_wait(SESSIONS.name, b'{"session_id": 1}', key=good.key, headers=bad_headers)
            await producer.send_and_wait(SESSIONS.name, good.value, key=good.key, headers=good.headers)
        finally:
            await producer.stop()
        [letter] = await tail.wait_for(lambda e: isinstance(e.data, DeadLetter) and e.data.service == "attendance"
                                       and e.data.key == session)
        assert "session_id" in letter.data.error  # type: ignore[attr-defined]
        await tail.wait_for(of(patient, VisitMissed))  # type: ignore[arg-type]

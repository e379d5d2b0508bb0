"""Over real Kafka: after a start, no missed visit is decided before the backlog that waited is applied."""

import asyncio
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from iop_attendance.bootstrap import bootstrap
from iop_devkit.attendance import attendance_recorded, envelope, patient_upserted, session_upserted
from iop_devkit.testing.kafka import TopicTail, eventually, publish_bulk, unique
from iop_shared.contracts import Contract, Envelope
from iop_shared.contracts.inbound import AttendanceStatus
from iop_shared.contracts.outbound import VisitMissed
from iop_shared.contracts.topics import VISITS

from ..conftest import make_settings

pytestmark = pytest.mark.integration
FILLER = 4000  # records ahead of the one that matters, on its partition: the attendance consumer lags


async def _publish_all(bootstrap_servers: str, envelopes: list[Envelope[Contract]]) -> None:
    await publish_bulk(bootstrap_servers, envelopes, linger_ms=20)


async def test_an_attendance_record_in_the_backlog_prevents_a_missed_visit(
        kafka_bootstrap: str, database_url: str, pg_schema: str, group_id: str, topics: str,
        db: asyncpg.Connection) -> None:
    came, stayed_away, session = unique("p"), unique("p"), unique("s")
    now = datetime.now(UTC)
    starts = now - timedelta(hours=1)  # long past its grace: due the moment the session is applied
    backlog: list[Envelope[Contract]] = [
        envelope(patient_upserted(came)), envelope(patient_upserted(stayed_away)),
        envelope(session_upserted(session, [came, stayed_away], starts))]
    # Walk-in records at sessions this service never heard of, keyed like the one that matters, so it waits behind.
    backlog += [envelope(attendance_recorded(unique("elsewhere"), came, AttendanceStatus.present, now))
                for _ in range(FILLER)]
    backlog.append(envelope(attendance_recorded(session, came, AttendanceStatus.present, starts)))
    await _publish_all(kafka_bootstrap, backlog)

    svc = bootstrap(make_settings(kafka_bootstrap, database_url, pg_schema, group_id,
                                  late_session_settle=timedelta(0)))
    async with TopicTail(kafka_bootstrap, VISITS.name) as tail:
        await svc.start()
        try:
            assert svc.timer is not None and not svc.timer.released
            await eventually(lambda: svc.timer is not None and svc.timer.released, timeout=90)
            # The patient who never came is missed once timers run: they do run, and decide on the whole backlog.
            await tail.wait_for(lambda e: isinstance(e.data, VisitMissed) and e.data.patient_id == stayed_away,
                                timeout=30)
            await tail.settle(2.0)
        finally:
            await svc.stop()
    assert not tail.events(lambda e: isinstance(e.data, VisitMissed) and e.data.patient_id == came)
    row = await db.fetchrow("SELECT status, missed_visit_id FROM visits WHERE session_id = $1 AND patient_id = $2",
                            session, came)
    assert row is not None and row["status"] == "present" and row["missed_visit_id"] is None


async def test_after_a_restart_the_timers_wait_for_records_that_arrived_while_down(
        kafka_bootstrap: str, database_url: str, pg_schema: str, group_id: str, topics: str,
        db: asyncpg.Connection) -> None:
    came, stayed_away, session = unique("p"), unique("p"), unique("s")
    settings = make_settings(kafka_bootstrap, database_url, pg_schema, group_id)
    starts = datetime.now(UTC) + timedelta(seconds=1)
    first = bootstrap(settings)
    await first.start()
    try:
        await _publish_all(kafka_bootstrap, [envelope(session_upserted(session, [came, stayed_away], starts))])

        async def planned() -> bool:
            return bool(await db.fetchval("SELECT count(*) FROM visits WHERE session_id = $1", session) == 2)
        await eventually(planned)
    finally:
        await first.stop()  # down before the visits fall due; their records arrive meanwhile
    await _publish_all(kafka_bootstrap, [
        *(envelope(attendance_recorded(unique("elsewhere"), came, AttendanceStatus.present, starts))
          for _ in range(FILLER)),
        envelope(attendance_recorded(session, came, AttendanceStatus.present, starts))])
    await asyncio.sleep(max(0.0, (starts + settings.missed_grace - datetime.now(UTC)).total_seconds()) + 0.5)

    second = bootstrap(settings)
    async with TopicTail(kafka_bootstrap, VISITS.name) as tail:
        await second.start()
        try:
            await tail.wait_for(lambda e: isinstance(e.data, VisitMissed) and e.data.patient_id == stayed_away,
                                timeout=60)
            await tail.settle(2.0)
        finally:
            await second.stop()
    assert not tail.events(lambda e: isinstance(e.data, VisitMissed) and e.data.patient_id == came)
    assert await db.fetchval("SELECT missed_visit_id IS NULL FROM visits WHERE session_id = $1 AND patient_id = $2",
                             session, came) is True

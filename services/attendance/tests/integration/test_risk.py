"""Over real Kafka and PostgreSQL: flags from misses and check-ins, crisis latency, replay changes nothing."""

import time
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from iop_attendance import metrics
from iop_attendance.bootstrap import Service, bootstrap
from iop_attendance.settings import Settings
from iop_devkit.attendance import attendance_recorded, checkin_received, envelope, patient_upserted, session_upserted
from iop_devkit.testing.kafka import TopicTail, eventually, publish, unique
from iop_shared.contracts import Contract, Envelope
from iop_shared.contracts.inbound import AttendanceStatus
from iop_shared.contracts.outbound import CheckinIntent, RiskFlagged, RiskResolved, Severity, VisitMissed
from iop_shared.contracts.topics import RISK, VISITS

pytestmark = pytest.mark.integration


def flag_of(patient: str, rule: str) -> object:
    return lambda e: isinstance(e.data, RiskFlagged) and e.data.patient_id == patient and e.data.rule == rule


def history_events(patient: str, attended: int, missed: int) -> list[Envelope[Contract]]:
    """Sessions in the past: `attended` with a present record, then `missed` with none."""
    start = datetime.now(UTC) - timedelta(days=attended + missed + 1)
    out: list[Envelope[Contract]] = [envelope(patient_upserted(patient, care_team_id="team-risk"))]
    for i in range(attended + missed):
        sid = unique(f"s{i}")
        out.append(envelope(session_upserted(sid, [patient], start + timedelta(days=i))))
        if i < attended:
            out.append(envelope(attendance_recorded(sid, patient, AttendanceStatus.present,
                                                    start + timedelta(days=i))))
    return out


async def test_two_consecutive_misses_raise_one_flag_and_a_retraction_resolves_it(
        service: Service, kafka_bootstrap: str) -> None:
    patient = unique("p")
    events = history_events(patient, attended=3, missed=2)
    async with TopicTail(kafka_bootstrap, RISK.name, VISITS.name) as tail:
        await publish(kafka_bootstrap, *events)
        [flagged] = await tail.wait_for(flag_of(patient, "consecutive_misses_2"), timeout=20)  # type: ignore[arg-type]
        assert isinstance(flagged.data, RiskFlagged)
        assert flagged.data.severity is Severity.medium and flagged.data.care_team_id == "team-risk"
        assert flagged.data.rule_set_version == service.rules.version and flagged.data.reasons
        misses = tail.events(lambda e: isinstance(e.data, VisitMissed) and e.data.patient_id == patient)
        assert sorted(flagged.data.evidence) == sorted(e.id for e in misses)
        last = events[-1].data
        await publish(kafka_bootstrap, envelope(attendance_recorded(
            last.session_id, patient, AttendanceStatus.late, datetime.now(UTC))))  # type: ignore[attr-defined]
        await tail.wait_for(lambda e: isinstance(e.data, RiskResolved) and e.data.flag_id == flagged.data.flag_id
                            and e.data.by is None)
        await tail.settle(0.5)
        assert len(tail.events(flag_of(patient, "consecutive_misses_2"))) == 1  # type: ignore[arg-type]


async def test_crisis_checkin_raises_a_critical_flag_within_one_second(
        service: Service, kafka_bootstrap: str) -> None:
    patient = unique("p")
    await publish(kafka_bootstrap, envelope(patient_upserted(patient)))  # warm the path, as in production
    async with TopicTail(kafka_bootstrap, RISK.name) as tail:
        event = envelope(checkin_received(patient, CheckinIntent.crisis, datetime.now(UTC)))
        started = time.monotonic()
        await publish(kafka_bootstrap, event)
        [flag] = await tail.wait_for(flag_of(patient, "crisis_checkin"), timeout=5)  # type: ignore[arg-type]
        elapsed = time.monotonic() - started
        assert isinstance(flag.data, RiskFlagged)
        assert flag.data.severity is Severity.critical and flag.data.evidence == [event.id]
        print(f"crisis flag on the risk topic {elapsed * 1000:.0f} ms after the check-in was published")
        assert elapsed < 1.0, f"crisis flag took {elapsed:.3f}s"


async def test_craving_rise_over_baseline_flags(service: Service, kafka_bootstrap: str) -> None:
    patient = unique("p")
    now = datetime.now(UTC)
    scores = [2, 3, 2, 5]
    async with TopicTail(kafka_bootstrap, RISK.name) as tail:
        await publish(kafka_bootstrap, *[envelope(checkin_received(patient, CheckinIntent.craving,
                                                                   now - timedelta(days=4 - i), v))
                                         for i, v in enumerate(scores)])
        [flag] = await tail.wait_for(flag_of(patient, "craving_rise"))  # type: ignore[arg-type]
        assert flag.data.severity is Severity.medium  # type: ignore[attr-defined]


async def test_replaying_every_topic_from_offset_zero_changes_nothing(
        service: Service, settings: Settings, kafka_bootstrap: str, db: asyncpg.Connection) -> None:
    patient = unique("p")
    applied = metrics.EVENTS_APPLIED.labels("iop.attendance.recorded.v1")
    before = applied._value.get()
    await publish(kafka_bootstrap, *history_events(patient, attended=2, missed=3))
    await eventually(lambda: applied._value.get() >= before + 2)
    await eventually(_flag_count(db, patient, 4))  # early no-show, 2 and 3 in a row, (not 5 of 10)
    outbox_before = await db.fetchval("SELECT count(*) FROM outbox")
    flags_before = await db.fetch("SELECT flag_id, status FROM flags ORDER BY flag_id")
    replay = bootstrap(settings.model_copy(update={"group_id": unique("replay")}))
    dupes = metrics.EVENTS_DUPLICATE.labels("iop.attendance.recorded.v1")
    dupes_before = dupes._value.get()
    await replay.start()
    try:
        await eventually(lambda: dupes._value.get() >= dupes_before + 2, timeout=30)
        await eventually(lambda: metrics.EVENTS_DUPLICATE.labels("iop.session.upserted.v1")._value.get() > 0)
    finally:
        await replay.stop()
    assert await db.fetchval("SELECT count(*) FROM outbox") == outbox_before
    assert await db.fetch("SELECT flag_id, status FROM flags ORDER BY flag_id") == flags_before


def _flag_count(db: asyncpg.Connection, patient: str, at_least: int) -> object:
    async def check() -> bool:
        rules = await db.fetch("SELECT rule FROM flags WHERE patient_id = $1", patient)
        return len(rules) >= at_least - 1 and "consecutive_misses_3" in {r["rule"] for r in rules}
    return check

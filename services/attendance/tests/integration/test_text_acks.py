"""Over real Kafka and PostgreSQL: the notifier's iop.risk.acknowledged.v1 (an on-call member's ACK by text)
acknowledges attendance's own flag once, as the dashboard's acknowledgement does; another clinic's changes nothing."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from iop_attendance import metrics
from iop_attendance.bootstrap import Service
from iop_devkit.attendance import checkin_received, envelope, patient_upserted
from iop_devkit.testing.kafka import TopicTail, eventually, publish, unique
from iop_shared.contracts import Contract, Envelope, clinic_source
from iop_shared.contracts.outbound import CheckinIntent, RiskAcknowledged, RiskFlagged
from iop_shared.contracts.topics import RISK

from .test_tenancy import known, refused

pytestmark = pytest.mark.integration
ACK = "iop.risk.acknowledged.v1"


async def crisis_flag(kafka: str, patient: str, db: asyncpg.Connection | None = None) -> RiskFlagged:
    """The critical flag attendance raises for a crisis text: of a patient of clinic-1 known first (given `db`)."""
    if db is not None:  # the patient travels on another topic than the check-in: known first, as in a clinic
        await publish(kafka, envelope(patient_upserted(patient)))
        await known(db, "SELECT true FROM patients WHERE patient_id = $1", patient)
    async with TopicTail(kafka, RISK.name) as tail:
        await publish(kafka, envelope(checkin_received(patient, CheckinIntent.crisis, datetime.now(UTC))))
        [flag] = await tail.wait_for(lambda e: isinstance(e.data, RiskFlagged) and e.data.patient_id == patient)
    assert isinstance(flag.data, RiskFlagged)
    return flag.data


def text_ack(flag: RiskFlagged, clinic: str = "clinic-1", by: str = "m-on",
             patient: str | None = None) -> Envelope[Contract]:
    """The event the notifier publishes for a paged member's ACK, as the paged team's clinic."""
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=5)
    return Envelope(data=RiskAcknowledged(flag_id=flag.flag_id, patient_id=patient or flag.patient_id,
                                          care_team_id=flag.care_team_id, by=by, acknowledged_at=at),
                    source=clinic_source(clinic, "notifier"))


async def flag_row(db: asyncpg.Connection, flag_id: str) -> asyncpg.Record:
    row = await db.fetchrow("SELECT status, acknowledged_by, acknowledged_at FROM flags WHERE flag_id = $1", flag_id)
    assert row is not None
    return row


def counter(outcome: str) -> float:
    return float(metrics.FLAGS_ACKNOWLEDGED_BY_EVENT.labels(outcome)._value.get())


async def test_a_text_ack_acknowledges_the_flag_once_and_redelivery_changes_nothing(
        service: Service, kafka_bootstrap: str, db: asyncpg.Connection) -> None:
    flag = await crisis_flag(kafka_bootstrap, unique("p"), db)
    assert (await flag_row(db, flag.flag_id))["status"] == "open"
    ack = text_ack(flag)
    async with TopicTail(kafka_bootstrap, RISK.name) as tail:
        await publish(kafka_bootstrap, ack)

        async def acknowledged() -> bool:
            return (await flag_row(db, flag.flag_id))["status"] == "acknowledged"
        await eventually(acknowledged, timeout=15)
        row = await flag_row(db, flag.flag_id)
        assert isinstance(ack.data, RiskAcknowledged)
        assert row["acknowledged_by"] == "m-on" and row["acknowledged_at"] == ack.data.acknowledged_at

        # The same event again, and a later one from another member: the first acknowledgement stands.
        dupes = metrics.EVENTS_DUPLICATE.labels(ACK)._value.get()
        already = counter("already_acknowledged")
        await publish(kafka_bootstrap, ack, text_ack(flag, by="m-next"))
        await eventually(lambda: metrics.EVENTS_DUPLICATE.labels(ACK)._value.get() > dupes
                         and counter("already_acknowledged") > already, timeout=15)
        assert await flag_row(db, flag.flag_id) == row
        await tail.settle(0.5)
        # Attendance records it and publishes nothing of its own: the acknowledgement is already on the bus.
        acks = tail.events(lambda e: e.type == ACK and e.data.flag_id == flag.flag_id)
        assert len(acks) == 3 and all(e.source == ack.source for e in acks)


async def test_another_clinics_ack_of_a_flag_changes_nothing(
        service: Service, kafka_bootstrap: str, db: asyncpg.Connection) -> None:
    patient = unique("p")
    flag = await crisis_flag(kafka_bootstrap, patient, db)
    hostile = text_ack(flag, clinic="clinic-2", by="m-hostile")
    nameless = replace(text_ack(flag, by="m-hostile"), source="iop/notifier")  # names no clinic
    other_patient = text_ack(flag, by="m-hostile", patient=unique("p"))
    reasons = await refused(kafka_bootstrap, patient, hostile, nameless)
    assert [r.split(": ")[:2] for r in reasons] == [["tenant_mismatch", "flag_id"], ["tenant_mismatch", "ce_source"]]
    [reason] = await refused(kafka_bootstrap, other_patient.data.patient_id, other_patient)  # type: ignore[attr-defined]
    assert reason.startswith("patient_id")
    row = await flag_row(db, flag.flag_id)
    assert row["status"] == "open" and row["acknowledged_by"] is None
    # Attendance's own source is not a way in either: its own acknowledgements are recorded when published.
    applied = metrics.EVENTS_APPLIED.labels(ACK)._value.get()
    await publish(kafka_bootstrap, replace(text_ack(flag, by="m-hostile"), source="iop/attendance"))
    await eventually(lambda: metrics.EVENTS_APPLIED.labels(ACK)._value.get() > applied, timeout=15)
    assert (await flag_row(db, flag.flag_id))["status"] == "open"

    # The control: the flag's own clinic acknowledges it, so the checks above could have failed.
    await publish(kafka_bootstrap, text_ack(flag))

    async def acknowledged() -> bool:
        return (await flag_row(db, flag.flag_id))["acknowledged_by"] == "m-on"
    await eventually(acknowledged, timeout=15)


async def test_a_flag_raised_before_its_patient_is_known_is_closed_by_no_clinic_until_it_is(
        service: Service, kafka_bootstrap: str, db: asyncpg.Connection) -> None:
    patient = unique("p")
    flag = await crisis_flag(kafka_bootstrap, patient)  # the check-in outran the patient: the flag has no clinic
    [reason] = await refused(kafka_bootstrap, patient, text_ack(flag, clinic="clinic-2", by="m-hostile"))
    assert reason.startswith("flag_id: its clinic is not known yet")
    assert (await flag_row(db, flag.flag_id))["status"] == "open"
    await publish(kafka_bootstrap, envelope(patient_upserted(patient)))  # clinic-1's patient: it adopts the flag
    await known(db, "SELECT clinic_id = 'clinic-1' FROM flags WHERE flag_id = $1", flag.flag_id)
    [reason] = await refused(kafka_bootstrap, patient, text_ack(flag, clinic="clinic-2", by="m-hostile"))
    assert reason.startswith("tenant_mismatch: flag_id")
    await publish(kafka_bootstrap, text_ack(flag))

    async def acknowledged() -> bool:
        return (await flag_row(db, flag.flag_id))["acknowledged_by"] == "m-on"
    await eventually(acknowledged, timeout=15)

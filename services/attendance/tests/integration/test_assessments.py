"""Questionnaire outcomes over real Kafka and PostgreSQL: flags at the cut-offs, item 9, a rise, and the timeline."""

from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest

from iop_attendance.bootstrap import Service
from iop_attendance.domain.timeline import week_of
from iop_attendance.entrypoints.http import create_app
from iop_devkit.attendance import envelope, patient_upserted
from iop_devkit.testing.kafka import TopicTail, eventually, publish, unique
from iop_shared.contracts import Envelope
from iop_shared.contracts.outbound import AssessmentCompleted, AssessmentStatus, CheckinKind, RiskFlagged, Severity
from iop_shared.contracts.topics import RISK

pytestmark = pytest.mark.integration
CLINIC_1 = {"Authorization": "Bearer token-clinic-1"}


def _outcome(patient: str, instrument: CheckinKind, total: int | None, at: datetime, item9: bool = False,
             status: AssessmentStatus = AssessmentStatus.completed) -> Envelope[AssessmentCompleted]:
    conv = unique("conv")
    return Envelope(AssessmentCompleted(
        assessment_id=f"{conv}-{instrument.value}", conversation_id=conv, patient_id=patient, clinic_id="clinic-1",
        instrument=instrument, status=status, total=total, item9_positive=item9, answered=9,
        completed_at=at), source="iop/notifier")


def _flags(tail: TopicTail, patient: str) -> dict[str, Severity]:
    return {e.data.rule: e.data.severity for e in tail.events(  # type: ignore[attr-defined]
        lambda e: isinstance(e.data, RiskFlagged) and e.data.patient_id == patient)}


async def test_phq9_item9_gad7_and_a_rise_raise_their_flags_and_the_timeline_shows_weekly_scores(
        service: Service, kafka_bootstrap: str) -> None:
    patient, now = unique("p"), datetime.now(UTC)
    async with TopicTail(kafka_bootstrap, RISK.name) as tail:
        item9 = _outcome(patient, CheckinKind.phq9, 4, now - timedelta(days=2), item9=True)
        expired = _outcome(patient, CheckinKind.phq9, None, now - timedelta(days=10), status=AssessmentStatus.expired)
        await publish(kafka_bootstrap, envelope(patient_upserted(patient)), item9,
                      _outcome(patient, CheckinKind.gad7, 11, now - timedelta(days=7)),
                      expired,
                      _outcome(patient, CheckinKind.phq9, 21, now - timedelta(hours=1)))
        await tail.wait_for(lambda e: isinstance(e.data, RiskFlagged) and e.data.patient_id == patient, count=4)
        await tail.settle(1.0)
        assert _flags(tail, patient) == {"phq9_item9": Severity.critical, "gad7_moderate": Severity.medium,
                                         "phq9_rise": Severity.medium, "phq9_severe": Severity.high}
        [critical] = [e for e in tail.events(lambda e: isinstance(e.data, RiskFlagged)
                                             and e.data.rule == "phq9_item9" and e.data.patient_id == patient)]
        assert critical.data.evidence == [item9.id]  # type: ignore[attr-defined]  # the notifier's page adopts it

    app = create_app(service)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://attendance") as client:
        resp = await client.get(f"/v1/patients/{patient}/timeline", headers=CLINIC_1,
                                                params={"from": (now - timedelta(days=21)).isoformat(),
                                        "to": (now + timedelta(days=1)).isoformat()})
    weeks = resp.json()["scores_by_week"]
    phq9 = [w for w in weeks if w["instrument"] == "phq9"]
    # Two days apart: one (UTC) week early in the week, two otherwise; a week shows its last total.
    same_week = week_of(now - timedelta(days=2), "UTC") == week_of(now - timedelta(hours=1), "UTC")
    assert [w["last_total"] for w in phq9 if w["completed"]] == ([21] if same_week else [4, 21])
    assert sorted(w["max_total"] for w in phq9 if w["completed"])[-1] == 21
    assert sum(w["offered"] for w in phq9) == 3 and sum(w["completed"] for w in phq9) == 2
    assert any(w["item9_positive"] for w in phq9)
    assert all(set(w) == {"week_start", "instrument", "last_total", "max_total", "completed", "offered",
                          "item9_positive"} for w in weeks)


async def test_fhir_flags_are_a_valid_searchset_per_clinic(service: Service, kafka_bootstrap: str) -> None:
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.flag import Flag

    patient, now = unique("p"), datetime.now(UTC)
    async with TopicTail(kafka_bootstrap, RISK.name) as tail:
        await publish(kafka_bootstrap, envelope(patient_upserted(patient)),
                      _outcome(patient, CheckinKind.phq9, 12, now, item9=True))
        await tail.wait_for(lambda e: isinstance(e.data, RiskFlagged) and e.data.patient_id == patient, count=2)
    app = create_app(service)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://attendance") as client:
        resp = await client.get("/fhir/r4/Flag", params={"patient": patient}, headers=CLINIC_1)
        other = await client.get("/fhir/r4/Flag", params={"patient": patient},
                                 headers={"Authorization": "Bearer token-clinic-2"})
        anonymous = await client.get("/fhir/r4/Flag", params={"patient": patient})
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("application/fhir+json")
    bundle = Bundle.model_validate(resp.json())
    assert bundle.type == "searchset" and bundle.total == 2
    flags = [Flag.model_validate(e["resource"]) for e in resp.json()["entry"]]
    assert {f.code.coding[0].code for f in flags} == {"phq9_item9", "phq9_moderate"}  # type: ignore[index, union-attr]
    assert all(f.status == "active" and f.author.display == "system" and f.period.start for f in flags)  # type: ignore[union-attr]
    assert all(f.subject.reference == f"Patient/{patient}" for f in flags)
    assert other.json()["total"] == 0 and anonymous.status_code == 401



async def _known(db: asyncpg.Connection, patient: str) -> None:
    await eventually(lambda: db.fetchval("SELECT true FROM patients WHERE patient_id = $1", patient), timeout=20)


async def test_a_resolved_flag_is_an_inactive_fhir_flag_with_its_period_ended(
        service: Service, kafka_bootstrap: str, db: asyncpg.Connection) -> None:
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.flag import Flag

    patient, now = unique("p"), datetime.now(UTC)
    await publish(kafka_bootstrap, envelope(patient_upserted(patient)))
    await _known(db, patient)
    async with TopicTail(kafka_bootstrap, RISK.name) as tail:
        await publish(kafka_bootstrap, _outcome(patient, CheckinKind.phq9, 12, now - timedelta(hours=1)),
                      _outcome(patient, CheckinKind.gad7, 11, now))
        flagged = await tail.wait_for(lambda e: isinstance(e.data, RiskFlagged) and e.data.patient_id == patient,
                                      count=2)
    resolved_id = next(e.data.flag_id for e in flagged if e.data.rule == "phq9_moderate")  # type: ignore[attr-defined]
    app = create_app(service)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://attendance") as client:
        done = await client.post(f"/v1/flags/{resolved_id}/resolve", json={"by": "m-1", "note": "reviewed"},
                                 headers=CLINIC_1)
        resp = await client.get("/fhir/r4/Flag", params={"patient": patient}, headers=CLINIC_1)
    assert done.status_code == 200
    bundle = Bundle.model_validate(resp.json())
    assert bundle.type == "searchset" and bundle.total == 2
    flags = {f.id: f for f in (Flag.model_validate(e["resource"]) for e in resp.json()["entry"])}
    resolved = flags.pop(resolved_id)
    assert resolved.status == "inactive" and resolved.code.coding[0].code == "phq9_moderate"  # type: ignore[index]
    assert resolved.period is not None and resolved.period.end is not None
    assert resolved.period.start <= resolved.period.end  # type: ignore[operator]
    [still_open] = flags.values()
    assert still_open.status == "active" and still_open.period.end is None  # type: ignore[union-attr]
    assert "reviewed" not in resp.text  # the staff note stays out of the FHIR answer


async def test_a_flag_raised_before_the_patient_was_known_is_their_clinics(
        service: Service, kafka_bootstrap: str, db: asyncpg.Connection) -> None:
    patient = unique("p")
    async with TopicTail(kafka_bootstrap, RISK.name) as tail:  # the outcome arrives first: another topic
        await publish(kafka_bootstrap, _outcome(patient, CheckinKind.phq9, 12, datetime.now(UTC)))
        [flagged] = await tail.wait_for(lambda e: isinstance(e.data, RiskFlagged) and e.data.patient_id == patient)
    await publish(kafka_bootstrap, envelope(patient_upserted(patient)))
    await _known(db, patient)
    app = create_app(service)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://attendance") as client:
        resp = await client.get("/fhir/r4/Flag", params={"patient": patient}, headers=CLINIC_1)
        other = await client.get("/fhir/r4/Flag", params={"patient": patient},
                                 headers={"Authorization": "Bearer token-clinic-2"})
        done = await client.post(f"/v1/flags/{flagged.data.flag_id}/resolve",  # type: ignore[attr-defined]
                                 json={"by": "m-1"}, headers=CLINIC_1)
    assert [e["resource"]["id"] for e in resp.json()["entry"]] == [flagged.data.flag_id]  # type: ignore[attr-defined]
    assert other.json()["total"] == 0 and done.status_code == 200

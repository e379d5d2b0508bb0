"""Questionnaire outcomes over real Kafka and PostgreSQL: flags at the cut-offs, item 9, a rise, and the timeline."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from iop_attendance.bootstrap import Service
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
    # Two days apart: one week or two, by the weekday the test runs on; the later week ends on the later score.
    completed = [w for w in phq9 if w["completed"]]
    assert completed[-1]["last_total"] == 21 and [w["last_total"] for w in completed] in ([4, 21], [21])
    assert sum(w["offered"] for w in phq9) == 3 and sum(w["completed"] for w in phq9) == 2
    assert any(w["item9_positive"] for w in phq9)
    assert all(set(w) == {"week_start", "instrument", "last_total", "max_total", "completed", "offered",
                          "item9_positive"} for w in weeks)


async def test_fhir_flags_are_a_valid_searchset_per_clinic(service: Service, kafka_bootstrap: str) -> None:
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.flag import Flag

    patient, now = unique("p"), datetime.now(UTC)
    # The score overtakes the patient's first upsert (another topic): the flags it raises are the clinic's anyway.
    async with TopicTail(kafka_bootstrap, RISK.name) as tail:
        await publish(kafka_bootstrap, _outcome(patient, CheckinKind.phq9, 12, now, item9=True))
        await tail.wait_for(lambda e: isinstance(e.data, RiskFlagged) and e.data.patient_id == patient, count=2)
    await publish(kafka_bootstrap, envelope(patient_upserted(patient)))
    app = create_app(service)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://attendance") as client:
        async def listed() -> bool:
            found = await client.get("/fhir/r4/Flag", params={"patient": patient}, headers=CLINIC_1)
            return bool(found.json()["total"] == 2)
        await eventually(listed)
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

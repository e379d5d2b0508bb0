"""A simulated clinic system that uses only the public interfaces: Kafka for some data, HTTP and FHIR for the rest."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from iop_devkit.testing.kafka import publish
from iop_shared.contracts import Envelope, clinic_source
from iop_shared.contracts.inbound import Location, SessionKind, SessionUpserted
from iop_shared.contracts.outbound import CheckinKind, ReminderDue, ReminderPurpose

from .cast import CLINIC_ID, PROGRAM_ID, QUESTIONNAIRE_PATIENT, Cast, care_team, clinic

Say = Callable[[str], None]
EHR = clinic_source(CLINIC_ID, "ehr")  # the services take the publishing clinic from ce_source


class Clinic:
    """Acts as the clinic's EHR, scheduling tool, kiosk and the patients' phones would."""

    def __init__(self, bootstrap: str, urls: dict[str, str], tokens: dict[str, str], cast: Cast, say: Say) -> None:
        self._bootstrap = bootstrap
        self._urls = urls
        self._tokens = tokens
        self._cast = cast
        self._say = say
        self._http = httpx.AsyncClient(timeout=15)
        self.sessions: dict[str, SessionUpserted] = {}

    async def close(self) -> None:
        await self._http.aclose()

    async def _post(self, service: str, path: str, body: Any) -> Any:
        response = await self._http.post(f"{self._urls[service]}{path}", json=body,
                                         headers={"Authorization": f"Bearer {self._tokens[service]}"})
        if response.status_code >= 400:
            raise RuntimeError(f"{service} {path} answered {response.status_code}: {response.text[:300]}")
        return response.json()

    async def enrol(self) -> None:
        """The clinic, its care team and half the patients over Kafka; the other half over the scheduler's API."""
        run = self._cast.run
        over_kafka = [Envelope(data=p, source=EHR) for p in self._cast.patients[::2]]
        await publish(self._bootstrap, Envelope(data=clinic(run), source=EHR),
                      Envelope(data=care_team(run), source=EHR), *over_kafka)
        for patient in self._cast.patients[1::2]:
            await self._post("scheduler", "/v1/patients", patient.model_dump(mode="json"))
        self._say(f"enrolled {len(self._cast.patients)} patients ({len(over_kafka)} over Kafka, "
                  f"{len(self._cast.patients) - len(over_kafka)} over HTTP) and a care team with 2 on call")

    def _session(self, name: str, kind: SessionKind, starts_at: datetime, attendees: list[int],
                 revision: int = 1) -> SessionUpserted:
        session = SessionUpserted(
            session_id=f"s-{self._cast.run}-{name}", clinic_id=CLINIC_ID, program_id=PROGRAM_ID, kind=kind,
            internal_title=f"{kind.value} session {name}", starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=3), timezone="America/New_York",
            location=Location(public_label="Suite 200", address="1 Harbor Way"),
            attendees=[self._cast.patient_id(i) for i in attendees], revision=revision)
        self.sessions[name] = session
        return session

    async def schedule(self, t0: datetime, lead: timedelta, scale: float) -> None:
        """Sessions starting in a few minutes, by JSON over HTTP and by FHIR; one moved and one cancelled later."""
        minute = timedelta(minutes=1) * scale
        early = self._session("a", SessionKind.group, t0 + lead - 2 * minute, list(range(0, 10)))
        main = self._session("b", SessionKind.group, t0 + lead, list(range(0, 25)))
        self._session("c", SessionKind.individual, t0 + lead + minute, list(range(25, 50)))
        to_cancel = self._session("d", SessionKind.family, t0 + lead + 3 * minute, [40, 41, 42])
        to_move = self._session("e", SessionKind.medication, t0 + lead + 3 * minute, [43, 44, 45, 46])
        for session in (early, main, to_cancel, to_move):
            await self._post("scheduler", "/v1/sessions", session.model_dump(mode="json"))
        await self._post("scheduler", "/fhir/r4/Appointment", self._fhir(self.sessions["c"]))
        self._say("scheduled 5 sessions (4 over HTTP, 1 as a FHIR Appointment) starting in "
                  f"{int((early.starts_at - datetime.now(UTC)).total_seconds() // 60)}-"
                  f"{int((to_move.starts_at - datetime.now(UTC)).total_seconds() // 60)} minutes")

    def _fhir(self, session: SessionUpserted) -> dict[str, Any]:
        return {"resourceType": "Appointment", "id": session.session_id, "status": "booked",
                "meta": {"versionId": str(session.revision)},
                "appointmentType": {"coding": [{"code": session.kind.value}]},
                "start": session.starts_at.isoformat(), "end": session.ends_at.isoformat(),
                "participant": [{"actor": {"reference": f"Patient/{p}"}, "status": "accepted"}
                                for p in session.attendees]
                + [{"actor": {"reference": "Location/suite-200", "display": "Suite 200"}, "status": "accepted"}]}

    async def change_plans(self) -> None:
        """Move one session by 30 minutes (a new revision) and cancel another."""
        moved = self.sessions["e"]
        later = moved.model_copy(update={"starts_at": moved.starts_at + timedelta(minutes=30),
                                         "ends_at": moved.ends_at + timedelta(minutes=30), "revision": 2})
        await self._post("scheduler", "/v1/sessions", later.model_dump(mode="json"))
        self.sessions["e"] = later
        cancelled = self.sessions["d"]
        await self._post("scheduler", f"/v1/sessions/{cancelled.session_id}/cancel",
                         {"reason": "room unavailable", "revision": 2})
        self._say("moved session e by 30 minutes and cancelled session d")

    async def replies(self) -> None:
        """Patients answer their texts: confirm, reschedule, STOP, scores, START, one crisis text and one reply
        nobody can classify (it goes to the dashboard's triage queue)."""
        texts = [(2, "1"), (3, "2"), (4, "STOP"), (13, "stop"), (5, "7"), (6, "my craving is 9 today"), (11, "1 "),
                 (12, "sí, 1"), (14, "quiero cambiar la cita 2"), (4, "START"),
                 (8, "i cant do this anymore, i have the pills saved up"),
                 (15, "is group still on if it snows? my sister has the car")]
        for index, text in texts:
            answer = await self._post("notifier", "/embedded/inbound",
                                      {"patient_id": self._cast.patient_id(index), "text": text})
            self._say(f"patient {index:02d} replied; read as {answer.get('intent')}"
                      + (f" {answer['value']}" if answer.get("value") is not None else ""))
            await asyncio.sleep(0.5)

    async def questionnaire(self) -> None:
        """One PHQ-9 by text: the neutral opener, GO, nine items one at a time; item 9 above 0 pages on-call.

        The scheduler plans these prompts from SCHEDULER_CHECKIN_CADENCE at the evening check-in time; the demo
        publishes one now, as the scheduler would, so it need not wait for the evening."""
        pid = self._cast.patient_id(QUESTIONNAIRE_PATIENT)
        prompt = ReminderDue(reminder_id=f"rem-{self._cast.run}-phq9", patient_id=pid, clinic_id=CLINIC_ID,
                             purpose=ReminderPurpose.checkin_prompt, due_at=datetime.now(UTC),
                             checkin_kind=CheckinKind.phq9)
        await publish(self._bootstrap, Envelope(data=prompt, source="iop/scheduler"))
        await asyncio.sleep(3)  # the neutral "your check-in is ready" goes out first
        for text in ["GO", "1", "2", "1", "1", "0", "1", "1", "0", "1"]:  # the last is item 9
            await self._post("notifier", "/embedded/inbound", {"patient_id": pid, "text": text})
            await asyncio.sleep(0.6)
        self._say(f"patient {QUESTIONNAIRE_PATIENT:02d} answered a PHQ-9 by text; item 9 above 0 paged on-call")

    async def kiosk(self, name: str, absent: AbstractSet[int], late: AbstractSet[int] = frozenset()) -> None:
        """Check-ins at the front desk for one session; `absent` patients never arrive, `late` come later."""
        session = self.sessions[name]
        records = [{"session_id": session.session_id, "patient_id": p, "status": "present", "source": "kiosk"}
                   for i, p in enumerate(session.attendees) if self._index(p) not in absent | late]
        await self._post("attendance", "/v1/attendance/batch", {"records": records})
        self._say(f"kiosk: {len(records)} checked in to session {name}; {len(absent | late)} not (yet) here")

    async def arrive_late(self, name: str, indexes: AbstractSet[int]) -> None:
        session = self.sessions[name]
        records = [{"session_id": session.session_id, "patient_id": self._cast.patient_id(i), "status": "late",
                    "source": "staff"} for i in sorted(indexes)]
        await self._post("attendance", "/v1/attendance/batch", {"records": records})
        self._say(f"staff: {len(records)} arrived late to session {name}")

    def _index(self, patient_id: str) -> int:
        return int(patient_id.rsplit("-", 1)[1])

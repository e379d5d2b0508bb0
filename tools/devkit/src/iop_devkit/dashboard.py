"""Builders of events and overviews for the dashboard's tests (kept in the package: tests import no test module)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from iop_dashboard.domain.model import (
    Flag,
    FlagStatus,
    KindNoShows,
    MissedVisit,
    NotificationCount,
    Outcome,
    Overview,
    SessionToday,
    WeekAttendance,
)
from iop_shared.contracts import Envelope
from iop_shared.contracts.inbound import (
    AttendanceRecorded,
    AttendanceSource,
    AttendanceStatus,
    Consent,
    Location,
    PatientUpserted,
    SessionKind,
    SessionUpserted,
)
from iop_shared.contracts.outbound import (
    CheckinIntent,
    CheckinReceived,
    NotificationChannel,
    NotificationSuppressed,
    ReasonCode,
    RecipientKind,
    RiskFlagged,
    Severity,
    VisitMissed,
)

SOURCE = "/clinics/clinic-1/test"  # the services take the publishing clinic from ce_source


def _id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def patient(patient_id: str, clinic_id: str = "clinic-1", *, name: str | None = None,
            revision: int = 1) -> Envelope[PatientUpserted]:
    return Envelope(PatientUpserted(
        patient_id=patient_id, clinic_id=clinic_id, preferred_name=name, phone="+15555550100", timezone="UTC",
        consent=Consent(sms=True, email=True, recorded_at=datetime(2026, 1, 1, tzinfo=UTC), source="intake"),
        care_team_id=f"team-{clinic_id}", revision=revision), source=f"{clinic_id}/ehr")


def concern(patient_id: str, at: datetime, checkin_id: str | None = None) -> Envelope[CheckinReceived]:
    return Envelope(CheckinReceived(checkin_id=checkin_id or _id("c"), patient_id=patient_id,
                                    intent=CheckinIntent.concern, received_at=at), source="iop/notifier")


def nobody_paged(flag_id: str, care_team_id: str, at: datetime) -> Envelope[NotificationSuppressed]:
    return Envelope(NotificationSuppressed(
        notification_id=_id("n"), source_event_id=flag_id, recipient_kind=RecipientKind.care_team,
        recipient_id=care_team_id, channel=None, reason_code=ReasonCode.no_recipient, occurred_at=at),
        source="iop/notifier")


def session(starts_at: datetime, attendees: list[str], *, revision: int = 1, kind: SessionKind = SessionKind.group,
            session_id: str | None = None, clinic_id: str = "clinic-1") -> Envelope[SessionUpserted]:
    return Envelope(SessionUpserted(
        session_id=session_id or _id("s"), clinic_id=clinic_id, program_id="prog-1", kind=kind,
        internal_title="never shown", starts_at=starts_at, ends_at=starts_at + timedelta(hours=3), timezone="UTC",
        location=Location(public_label="Room 2"), attendees=attendees, revision=revision), source=SOURCE)


def attendance(session_id: str, patient_id: str, status: AttendanceStatus,
               at: datetime) -> Envelope[AttendanceRecorded]:
    return Envelope(AttendanceRecorded(session_id=session_id, patient_id=patient_id, status=status, recorded_at=at,
                                       source=AttendanceSource.kiosk), source=SOURCE)


def missed(session_id: str, patient_id: str, at: datetime, visit_id: str | None = None) -> Envelope[VisitMissed]:
    return Envelope(VisitMissed(visit_id=visit_id or _id("v"), session_id=session_id, patient_id=patient_id,
                                detected_at=at), source="iop/attendance")


def flagged(patient_id: str, at: datetime, *, severity: Severity = Severity.high,
            flag_id: str | None = None) -> Envelope[RiskFlagged]:
    return Envelope(RiskFlagged(flag_id=flag_id or _id("f"), patient_id=patient_id, care_team_id="team-1",
                                severity=severity, rule="consecutive_misses_2",
                                reasons=["Missed 2 sessions in a row."], evidence=[], raised_at=at),
                    source="iop/attendance")


def suppressed(patient_id: str, at: datetime, reason: ReasonCode,
               channel: NotificationChannel | None = NotificationChannel.sms) -> Envelope[NotificationSuppressed]:
    return Envelope(NotificationSuppressed(
        notification_id=_id("n"), source_event_id=_id("e"), recipient_kind=RecipientKind.patient,
        recipient_id=patient_id, channel=channel, reason_code=reason, occurred_at=at), source="iop/notifier")


def sample_overview(now: datetime | None = None, **changes: Any) -> Overview:
    """A small but complete overview, for rendering tests."""
    now = now or datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    values: dict[str, Any] = {
        "generated_at": now, "timezone": "America/New_York", "day": date(2026, 3, 10),
        "sessions": (SessionToday("s-1", "prog-1", "group", now - timedelta(hours=1), now + timedelta(hours=2),
                                  False, 8, 5, 1, 0, 1, 1, 1),),
        "missed": (MissedVisit("v-1", "s-1", "p-7", "group", now),),
        "flags": (Flag("f-1", "p-7", "team-1", Severity.critical, "crisis_checkin",
                       ("The patient sent a message that needs urgent attention.",), now, FlagStatus.open),),
        "notifications": (NotificationCount(Outcome.sent, "sms", "", 12),
                          NotificationCount(Outcome.suppressed, "", "opted_out", 2)),
        "weeks": (WeekAttendance(date(2026, 3, 2), 20, 15, 0), WeekAttendance(date(2026, 3, 9), 0, 0, 0)),
        "no_shows": (KindNoShows("group", 3), KindNoShows("individual", 0)),
    }
    values.update(changes)
    return Overview(**values)


def free_port() -> int:
    """A TCP port nobody listens on right now (the dev kit's one, kept under this name for the dashboard's tests)."""
    from iop_devkit.testing.ports import free_port as port

    return port()


async def wait_ready(url: str, proc: Any, timeout: float = 60) -> None:
    """Until GET {url}/readyz answers 200; fails at once if the process `proc` (a Popen) died."""
    import httpx

    from iop_devkit.testing.kafka import eventually
    from iop_devkit.testing.ready import answers_ready

    async with httpx.AsyncClient(timeout=2) as http:
        async def ready() -> bool:
            if proc.poll() is not None:
                raise AssertionError(f"process exited with {proc.returncode}")
            return await answers_ready(http, url)

        await eventually(ready, timeout=timeout, interval=0.3)


async def sign_in(http: Any, user: str, password: str) -> str:
    """Sign in through the development form with an httpx client; returns the page's CSRF token.

    The session cookie is Secure outside development, so httpx's jar would not send it over http://127.0.0.1:
    the cookie is carried in the client's Cookie header instead.
    """
    import re

    form = await http.get("/login")
    cookie = _session_cookie(form)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token is not None, form.text
    done = await http.post("/login", data={"username": user, "password": password, "csrf_token": token[1]},
                           headers={"Cookie": cookie})
    assert done.status_code == 303, (done.status_code, done.text)
    http.cookies.clear()
    http.headers["Cookie"] = _session_cookie(done)
    page = await http.get("/")
    found = re.search(r'<meta name="csrf-token" content="([^"]+)">', page.text)
    assert page.status_code == 200 and found is not None, page.text
    return found[1]


def _session_cookie(response: Any) -> str:
    """`name=value` of the session cookie the response sets."""
    for header in response.headers.get_list("set-cookie"):
        if header.startswith("iop_dashboard_session="):
            return str(header.split(";", 1)[0])
    raise AssertionError(f"no session cookie in {response.headers}")


"""What the clinic publishes: one clinic, N patients, sessions of ten whose reminders fall due across the run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from iop_devkit.notifier import builders as b
from iop_devkit.testing.kafka import publish_bulk
from iop_shared.contracts import Contract, Envelope
from iop_shared.contracts.inbound import Location, SessionKind, SessionUpserted
from iop_shared.contracts.tenancy import clinic_source

GROUP = 10  # attendees per session


def roster(n: int) -> tuple[str, dict[str, str]]:
    clinic = b.uid("clinic")
    return clinic, {b.uid("pt"): f"+1555{2000000 + i:07d}" for i in range(n)}


def sessions(clinic: str, patients: list[str], first_due: datetime, spread: timedelta,
             offset: timedelta) -> list[Envelope[Contract]]:
    """One group session per ten patients; the reminder (`offset` before start) of group k is due at its share."""
    groups = [patients[i:i + GROUP] for i in range(0, len(patients), GROUP)]
    out: list[Envelope[Contract]] = []
    for k, attendees in enumerate(groups):
        start = first_due + spread * (k / max(1, len(groups) - 1)) + offset
        out.append(Envelope(SessionUpserted(
            session_id=b.uid("ses"), clinic_id=clinic, program_id="prog-iop", kind=SessionKind.group,
            internal_title="Evening group", starts_at=start, ends_at=start + timedelta(hours=3),
            timezone="America/New_York", location=Location(public_label="Suite 210"), attendees=attendees,
            revision=1), source=clinic_source(clinic, "chaos")))
    return out


def due_times(envelopes: list[Envelope[Contract]], offset: timedelta) -> dict[str, float]:
    """patient_id -> when its reminder is planned to fall due (epoch seconds)."""
    return {p: (e.data.starts_at - offset).timestamp() for e in envelopes if isinstance(e.data, SessionUpserted)
            for p in e.data.attendees}


def upserts(clinic: str, phones: dict[str, str]) -> list[Envelope[Contract]]:
    return [b.clinic(clinic, quiet=b.all_day()),
            *(b.patient(p, clinic, phone_number=ph, channels=("sms",)) for p, ph in phones.items())]


async def publish_all(bootstrap: str, envelopes: list[Envelope[Contract]]) -> None:
    """Publish without waiting per message, as a clinic's integration engine would in bulk."""
    await publish_bulk(bootstrap, envelopes)


def now() -> datetime:
    return datetime.now(UTC)

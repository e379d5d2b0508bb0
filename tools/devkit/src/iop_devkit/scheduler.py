"""Builders and helpers for the scheduler's tests (kept in the package: tests never import test modules)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from iop_scheduler.bootstrap import MIGRATIONS, Service
from iop_scheduler.settings import Settings
from iop_shared.contracts import Envelope, clinic_source
from iop_shared.contracts.inbound import Consent, Location, PatientUpserted, SessionCancelled, SessionUpserted
from iop_shared.db import create_pool, migrate

ALWAYS_OPEN = {"quiet_start": "00:00", "quiet_end": "23:59:59.999999"}
NO_CAPS = {"cap_per_day": 0, "cap_per_week": 0, "checkin_enabled": False}


def make_settings(database_url: str, kafka: str, schema: str, group_id: str, **overrides: Any) -> Settings:
    """Settings for one test: its own schema and consumer group, quick timers."""
    values: dict[str, Any] = {"DATABASE_URL": database_url, "KAFKA_BOOTSTRAP_SERVERS": kafka,
                              "IOP_ENVIRONMENT": "development", "db_schema": schema, "group_id": group_id,
                              "sweep_interval": "1s", "clinic_tokens": '{"clinic-a": "tok-a", "clinic-b": "tok-b"}',
                              **ALWAYS_OPEN, **NO_CAPS, **overrides}
    return Settings(**values)


async def open_store(service: Service) -> None:
    """Migrate and attach a pool without starting Kafka: for database-only tests."""
    s = service.settings
    migrate(s.database_url, s.db_schema, MIGRATIONS)
    service.store.attach(await create_pool(s.database_url, s.db_schema))


def patient(pid: str, clinic: str = "clinic-a", tz: str = "America/New_York", revision: int = 1,
            discharged: bool = False) -> Envelope[PatientUpserted]:
    now = datetime.now(UTC)
    return Envelope(data=PatientUpserted(
        patient_id=pid, clinic_id=clinic, timezone=tz, phone="+15555550123",
        consent=Consent(sms=True, recorded_at=now, source="test"), care_team_id="team-1", revision=revision,
        discharged_at=now if discharged else None), source=clinic_source(clinic, "test"))


def session(sid: str, starts_at: datetime, attendees: list[str], revision: int = 1, clinic: str = "clinic-a",
            tz: str = "America/New_York", program_id: str = "prog-1",
            lasts: timedelta = timedelta(hours=3)) -> Envelope[SessionUpserted]:
    return Envelope(data=SessionUpserted(
        session_id=sid, clinic_id=clinic, program_id=program_id, kind="group", starts_at=starts_at,
        ends_at=starts_at + lasts, timezone=tz, location=Location(public_label="Room 2"),
        attendees=attendees, revision=revision), source=clinic_source(clinic, "test"))


def cancel(sid: str, revision: int, clinic: str = "clinic-a") -> Envelope[SessionCancelled]:
    return Envelope(data=SessionCancelled(session_id=sid, revision=revision), source=clinic_source(clinic, "test"))

"""HTTP request bodies; FastAPI answers 422 naming the field for anything invalid."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field

from iop_shared.contracts.common import EntityId, Timestamp
from iop_shared.contracts.inbound import AttendanceRecorded, AttendanceSource, AttendanceStatus


class AttendanceIn(BaseModel):
    """One attendance record from a kiosk, staff member or telehealth platform."""

    model_config = ConfigDict(extra="forbid")

    session_id: EntityId
    patient_id: EntityId
    status: AttendanceStatus
    source: AttendanceSource
    recorded_at: Timestamp | None = Field(default=None, description="defaults to the time it is received")

    def to_event(self, now: datetime) -> AttendanceRecorded:
        return AttendanceRecorded(session_id=self.session_id, patient_id=self.patient_id, status=self.status,
                                  source=self.source, recorded_at=self.recorded_at or now.astimezone(UTC))


class AttendanceBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    records: list[AttendanceIn] = Field(min_length=1, max_length=500)


class Accepted(BaseModel):
    event_ids: list[str]


class FlagAction(BaseModel):
    """Who acts on a flag, and an optional note (no clinical detail: it travels on the bus)."""

    model_config = ConfigDict(extra="forbid")

    by: EntityId
    note: str | None = Field(default=None, max_length=500)

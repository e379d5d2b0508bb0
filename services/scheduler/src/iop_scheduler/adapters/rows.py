"""Rows as the use cases see them: models built from records, shared by the per-row and the batch queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

import asyncpg

from ..domain.model import SessionView


@dataclass(frozen=True)
class PatientRow:
    patient_id: str
    clinic_id: str | None
    timezone: str | None
    discharged: bool
    revision: int
    plan_version: int
    clinic_timezone: str | None
    quiet_start: time | None
    quiet_end: time | None


def patient_row(r: asyncpg.Record) -> PatientRow:
    return PatientRow(r["patient_id"], r["clinic_id"], r["timezone"], r["discharged_at"] is not None,
                      r["revision"], r["plan_version"], r["clinic_timezone"], r["quiet_start"], r["quiet_end"])


def session_view(r: asyncpg.Record) -> SessionView:
    return SessionView(r["session_id"], r["clinic_id"], r["starts_at"], r["ends_at"], tuple(r["attendees"]),
                       r["revision"], r["cancelled"], r.get("program_id"))

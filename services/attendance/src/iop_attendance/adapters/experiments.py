"""The per-patient outcomes of a reminder experiment, from the visits: read by the attendance API (for the
dashboard) and by `iopctl experiments report` on this schema, so both report the same numbers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import asyncpg

from iop_shared.experiments import PatientOutcome

from .sql import q


async def outcomes(conn: asyncpg.Connection, clinic_id: str, starts_at: datetime, ends_at: datetime,
                   now: datetime, programs: Sequence[str] = ()) -> list[PatientOutcome]:
    """Each patient of the clinic with past expected visits in [starts_at, ends_at) (and `programs`, if any)."""
    rows = await conn.fetch(q("experiment_outcomes"), clinic_id, starts_at, ends_at, now, list(programs))
    return [PatientOutcome(r["patient_id"], r["sessions"], r["attended"], r["no_shows"]) for r in rows]

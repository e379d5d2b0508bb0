"""PostgreSQL access for questionnaire outcomes: kept per patient, read into histories and the weekly timeline."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg

from iop_shared.contracts.outbound import AssessmentCompleted

from ..domain.model import Assessment
from .sql import q


async def add(conn: asyncpg.Connection, event_id: str, a: AssessmentCompleted) -> bool:
    """Keep one outcome once (by assessment id); True when it is new."""
    return await conn.fetchval(q("insert_assessment"), a.assessment_id, event_id, a.patient_id, a.instrument.value,
                               a.status.value, a.total, a.band, a.item9_positive, a.completed_at) is not None


async def of_patients(conn: asyncpg.Connection, patient_ids: Sequence[str],
                      since: datetime) -> dict[str, tuple[Assessment, ...]]:
    """Each patient's outcomes since `since`, oldest first."""
    out: dict[str, list[Assessment]] = {}
    for r in await conn.fetch(q("patient_assessments"), list(patient_ids), since):
        out.setdefault(r["patient_id"], []).append(Assessment(
            r["assessment_id"], r["event_id"], r["instrument"], r["status"], r["total"], r["band"],
            r["item9_positive"], r["completed_at"]))
    return {k: tuple(v) for k, v in out.items()}


async def by_week(conn: asyncpg.Connection, patient_id: str, start: datetime, end: datetime,
                  timezone: str) -> list[dict[str, Any]]:
    """Scores by local week and instrument: the last and highest total, how many offered and completed."""
    rows = await conn.fetch(q("assessments_by_week"), patient_id, start, end, timezone)
    return [{"week_start": r["week"].date().isoformat(), "instrument": r["instrument"],
             "last_total": r["last_total"], "max_total": r["max_total"], "completed": r["completed"],
             "offered": r["offered"], "item9_positive": bool(r["item9_positive"])} for r in rows]

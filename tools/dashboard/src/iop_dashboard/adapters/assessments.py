"""Questionnaire outcomes in the dashboard's read model: score trends per patient, completion per program."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from iop_shared.contracts.outbound import AssessmentCompleted

from ..domain.model import Completion, ScoreTrend
from .repository import Row
from .sql import q


async def completed(conn: asyncpg.Connection, a: AssessmentCompleted) -> bool:
    return await conn.fetchval(q("assessment_completed"), a.assessment_id, a.patient_id, a.instrument.value,
                               a.status.value, a.total, a.item9_positive, a.completed_at) is not None


async def score_trends(conn: asyncpg.Connection, clinics: list[str], since: datetime,
                       limit: int) -> list[ScoreTrend]:
    return [score_trend(r) for r in await conn.fetch(q("score_trends"), clinics, since, limit)]


async def completion(conn: asyncpg.Connection, clinics: list[str], since: datetime) -> list[Completion]:
    return [completion_row(r) for r in await conn.fetch(q("assessment_completion"), clinics, since)]


def score_trend(r: Row) -> ScoreTrend:
    return ScoreTrend(r["patient_id"], r["preferred_name"], r["instrument"], tuple(r["totals"]), r["last_at"],
                      r["item9_positive"])


def completion_row(r: Row) -> Completion:
    return Completion(r["program_id"], r["instrument"], r["offered"], r["completed"])

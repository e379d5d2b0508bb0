"""Evaluates one patient's rules and raises or resolves flags, in the caller's transaction."""

from __future__ import annotations

import time
import uuid

import asyncpg

from iop_shared.contracts import Contract, Envelope
from iop_shared.contracts.outbound import RiskFlagged, RiskResolved

from .. import metrics
from ..adapters import repository as repo
from ..domain.flags import reconcile
from ..domain.rules import evaluate
from .context import Context


async def evaluate_patient(conn: asyncpg.Connection, ctx: Context, patient_id: str, *,
                           locked: bool = False) -> list[Envelope[Contract]]:
    """Flag events for what the patient's history shows now; serialised per patient by an advisory lock."""
    started = time.perf_counter()
    now = ctx.clock.now()
    if not locked:
        await repo.lock_patient(conn, patient_id)
    history, flags = await repo.history_and_flags(conn, patient_id, now)
    decisions = reconcile(ctx.rules, evaluate(ctx.rules, history, now), flags, now)
    out: list[Envelope[Contract]] = []
    prof = history.profile
    for finding in decisions.raise_for:
        rule = ctx.rules.get(finding.rule_id)
        assert rule is not None
        flag_id = str(uuid.uuid4())
        reasons = [rule.reason_text()]
        if await repo.insert_flag(conn, flag_id, prof, finding, rule.severity, ctx.rules.version, reasons, now):
            out.append(ctx.envelope(RiskFlagged(
                flag_id=flag_id, patient_id=patient_id, care_team_id=prof.care_team_id, severity=rule.severity,
                rule=rule.id, rule_set_version=ctx.rules.version, reasons=reasons,
                evidence=list(finding.evidence), raised_at=now)))
            metrics.FLAGS_RAISED.labels(rule.id, rule.severity.value).inc()
    for flag in decisions.resolve:
        if await repo.auto_resolve(conn, flag.flag_id, now):
            out.append(ctx.envelope(RiskResolved(flag_id=flag.flag_id, patient_id=patient_id,
                                                 care_team_id=prof.care_team_id, resolved_at=now)))
            metrics.FLAGS_RESOLVED.labels("pattern_cleared").inc()
    metrics.EVALUATION_SECONDS.observe(time.perf_counter() - started)
    return out

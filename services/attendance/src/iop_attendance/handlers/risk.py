"""Evaluates patients' rules and raises or resolves flags, in the caller's transaction."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from datetime import datetime

import asyncpg

from iop_shared.contracts import Contract, Envelope
from iop_shared.contracts.outbound import RiskFlagged, RiskResolved

from .. import metrics
from ..adapters import repository as repo
from ..adapters import risk_repository as risk_repo
from ..adapters.risk_repository import NewFlag
from ..domain.flags import reconcile
from ..domain.model import FlagState, Profile
from ..domain.rules import evaluate
from ..domain.window import visit_window
from .context import Context


async def evaluate_patients(conn: asyncpg.Connection, ctx: Context, patient_ids: Iterable[str], *,
                            locked: bool = False) -> list[Envelope[Contract]]:
    """Flag events for what each patient's history shows now; serialised per patient by advisory locks.

    `locked` says the caller already holds every one of these patients' locks.
    """
    ids = sorted(set(patient_ids))
    if not ids:
        return []
    started = time.perf_counter()
    now = ctx.clock.now()
    if not locked:
        await repo.lock_patients(conn, ids)
    to_raise: list[NewFlag] = []
    to_resolve: list[tuple[FlagState, Profile]] = []
    for history, flags in (await risk_repo.histories_and_flags(conn, ids, now, visit_window(ctx.rules))).values():
        decisions = reconcile(ctx.rules, evaluate(ctx.rules, history, now), flags, now)
        for finding in decisions.raise_for:
            rule = ctx.rules.get(finding.rule_id)
            assert rule is not None
            to_raise.append(NewFlag(str(uuid.uuid4()), history.profile, finding, rule.severity,
                                    (rule.reason_text(),)))
        to_resolve += [(flag, history.profile) for flag in decisions.resolve]
    out = await _raise(conn, ctx, to_raise, now) + await _resolve(conn, ctx, to_resolve, now)
    metrics.EVALUATION_SECONDS.observe(time.perf_counter() - started)
    return out


async def _raise(conn: asyncpg.Connection, ctx: Context, flags: list[NewFlag],
                 now: datetime) -> list[Envelope[Contract]]:
    raised = await risk_repo.insert_flags(conn, flags, ctx.rules.version, now)
    out: list[Envelope[Contract]] = []
    for f in (f for f in flags if f.flag_id in raised):
        out.append(ctx.envelope(RiskFlagged(
            flag_id=f.flag_id, patient_id=f.profile.patient_id, care_team_id=f.profile.care_team_id,
            severity=f.severity, rule=f.finding.rule_id, rule_set_version=ctx.rules.version,
            reasons=list(f.reasons), evidence=list(f.finding.evidence), raised_at=now)))
        metrics.FLAGS_RAISED.labels(f.finding.rule_id, f.severity.value).inc()
    return out


async def _resolve(conn: asyncpg.Connection, ctx: Context, flags: list[tuple[FlagState, Profile]],
                   now: datetime) -> list[Envelope[Contract]]:
    resolved = await risk_repo.auto_resolve(conn, [f.flag_id for f, _ in flags], now)
    out: list[Envelope[Contract]] = []
    for flag, prof in ((f, p) for f, p in flags if f.flag_id in resolved):
        out.append(ctx.envelope(RiskResolved(flag_id=flag.flag_id, patient_id=prof.patient_id,
                                             care_team_id=prof.care_team_id, resolved_at=now)))
        metrics.FLAGS_RESOLVED.labels("pattern_cleared").inc()
    return out

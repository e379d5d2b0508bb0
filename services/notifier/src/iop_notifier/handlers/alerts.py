"""Care-team alerts: page the on-call members of a risk flag, escalate it until someone acknowledges."""

from __future__ import annotations

from iop_notifier.adapters import repository as repo
from iop_notifier.adapters.sql import Q
from iop_shared.contracts.cloudevents import Envelope
from iop_shared.contracts.outbound import RiskAcknowledged, RiskFlagged, RiskResolved

from .deps import Deps
from .ingest import applying
from .paging import Alert, channels, escalate, open_alert


async def on_risk_flagged(deps: Deps, env: Envelope[RiskFlagged]) -> None:
    f = env.data
    if not channels(deps, f.severity.value):
        return
    now = deps.clock.now()
    async with applying(deps, env.id) as conn:
        if conn is None:
            return
        # The flag attendance raises for a crisis text the notifier already paged: adopt that page, not a second.
        if f.evidence and await conn.fetchval(Q["adopt_alert"], f.flag_id, f.patient_id, f.evidence):
            return
        patient = await repo.patient(conn, f.patient_id)
        team_id = f.care_team_id or (patient.care_team_id if patient else None)
        await open_alert(conn, deps, Alert(
            alert_id=f.flag_id, kind="flag", severity=f.severity.value, rule=f.rule, raised_at=f.raised_at,
            patient_id=f.patient_id, clinic_id=patient.clinic_id if patient else None, care_team_id=team_id), now)
    deps.wake()


async def escalate_due(deps: Deps) -> int:
    """Page the next level of every unacknowledged alert whose time has come."""
    now = deps.clock.now()
    async with deps.pool.acquire() as conn, conn.transaction():
        rows = await conn.fetch(Q["due_escalations"], now)
        for r in rows:
            await escalate(conn, deps, r, now)
    if rows:
        deps.wake()
    return len(rows)


async def on_risk_acknowledged(deps: Deps, env: Envelope[RiskAcknowledged]) -> None:
    async with applying(deps, env.id) as conn:
        if conn is not None:
            await conn.execute(Q["close_alert"], env.data.flag_id, env.data.acknowledged_at, False)


async def on_risk_resolved(deps: Deps, env: Envelope[RiskResolved]) -> None:
    async with applying(deps, env.id) as conn:
        if conn is not None:
            await conn.execute(Q["close_alert"], env.data.flag_id, env.data.resolved_at, True)

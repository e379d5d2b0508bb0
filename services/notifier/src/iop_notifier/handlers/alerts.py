"""Care-team alerts: page the on-call members of a risk flag, escalate it until someone acknowledges."""

from __future__ import annotations

from datetime import datetime, timedelta

from iop_notifier.adapters import repository as repo
from iop_notifier.adapters.sql import Q
from iop_notifier.domain.alerts import channels_for, escalates, members_at_level
from iop_shared.contracts.cloudevents import Envelope
from iop_shared.contracts.outbound import RiskAcknowledged, RiskFlagged, RiskResolved

from .deps import Deps
from .ingest import applying


def _channels(deps: Deps, severity: str) -> list[str]:
    s = deps.settings
    return channels_for(severity, {"critical": s.alert_channels_critical, "high": s.alert_channels_high,
                                   "medium": s.alert_channels_medium, "low": s.alert_channels_low})


async def _queue_level(conn: repo.Conn, deps: Deps, alert: dict[str, str], team: repo.CareTeamState,
                       level: int, now: datetime) -> bool:
    members = members_at_level(team.ranking(), level)
    for member_id in members:
        await repo.insert_request(conn, repo.NewRequest(
            source_event_id=f"{alert['flag_id']}:L{level}", recipient_kind="care_team_member",
            recipient_id=member_id, purpose="care_alert", received_at=now, not_before=now,
            clinic_id=team.clinic_id, urgent=True, channels=_channels(deps, alert["severity"]),
            extra={"care_team_id": team.care_team_id, "flag_id": alert["flag_id"], "rule": alert["rule"],
                   "severity": alert["severity"]}))
    return bool(members)


async def on_risk_flagged(deps: Deps, env: Envelope[RiskFlagged]) -> None:
    f = env.data
    if not _channels(deps, f.severity.value):
        return
    now = deps.clock.now()
    after = timedelta(seconds=deps.settings.escalate_after_s)
    async with applying(deps, env.id) as conn:
        if conn is None:
            return
        team_id = f.care_team_id
        if team_id is None:
            patient = await repo.patient(conn, f.patient_id)
            team_id = patient.care_team_id if patient else None
        team = await repo.care_team(conn, team_id)
        # Without the team yet, level -1 makes the escalation timer page level 0 as soon as it arrives.
        next_at = (now + after if escalates(f.severity.value) else None) if team else now
        if not await conn.fetchval(Q["insert_alert"], f.flag_id, f.patient_id, team_id, f.severity.value, f.rule,
                                   next_at, f.raised_at):
            return
        alert = {"flag_id": f.flag_id, "severity": f.severity.value, "rule": f.rule}
        if team is not None:
            await _queue_level(conn, deps, alert, team, 0, now)
        else:
            await conn.execute(Q["escalated"], f.flag_id, -1, next_at)
    deps.wake()


async def escalate_due(deps: Deps) -> int:
    """Page the next level of every unacknowledged alert whose time has come."""
    now = deps.clock.now()
    after = timedelta(seconds=deps.settings.escalate_after_s)
    async with deps.pool.acquire() as conn, conn.transaction():
        rows = await conn.fetch(Q["due_escalations"], now)
        for r in rows:
            team = await repo.care_team(conn, r["care_team_id"])
            if team is None:
                await conn.execute(Q["escalated"], r["flag_id"], r["level"], now + timedelta(seconds=5))
                continue
            level = r["level"] + 1
            alert = {"flag_id": r["flag_id"], "severity": r["severity"], "rule": r["rule"]}
            paged = await _queue_level(conn, deps, alert, team, level, now)
            keep_going = paged and escalates(r["severity"])
            await conn.execute(Q["escalated"], r["flag_id"], level if paged else r["level"],
                               now + after if keep_going else None)
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

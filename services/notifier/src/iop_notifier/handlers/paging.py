"""Paging an alert: its care team's on-call members, else the clinic's fallback roster, and never silently nobody.

Alerts are of four kinds: `flag` (a risk flag), `crisis` (paged straight from a crisis text, later adopted by
attendance's flag), `sender` (a crisis from an unknown number, clinic level) and `concern` (a text to triage).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg

from iop_notifier.adapters import repository as repo
from iop_notifier.adapters.sql import Q
from iop_notifier.domain.alerts import channels_for, escalates, members_at_level
from iop_notifier.domain.open_hours import next_step, parse_open_hours
from iop_shared.contracts.outbound import ReasonCode
from iop_shared.logging import get_logger

from . import acks, events
from .deps import Deps

log = get_logger(__name__)


@dataclass(frozen=True)
class Alert:
    alert_id: str
    kind: str
    severity: str
    rule: str
    raised_at: datetime
    patient_id: str | None = None
    clinic_id: str | None = None
    care_team_id: str | None = None
    checkin_event_id: str | None = None
    message_id: str | None = None

    @classmethod
    def of(cls, r: asyncpg.Record) -> Alert:
        return cls(r["flag_id"], r["kind"], r["severity"], r["rule"], r["raised_at"], r["patient_id"],
                   r["clinic_id"], r["care_team_id"], r["checkin_event_id"], r["message_id"])


def channels(deps: Deps, severity: str) -> list[str]:
    s = deps.settings
    return channels_for(severity, {"critical": s.alert_channels_critical, "high": s.alert_channels_high,
                                   "medium": s.alert_channels_medium, "low": s.alert_channels_low})


def _reachable(team: repo.CareTeamState, level: int, chans: list[str]) -> list[repo.MemberContact]:
    by_id = {m.member_id: m for m in team.members}
    usable = {"sms": lambda m: bool(m.phone), "email": lambda m: bool(m.email)}
    return [by_id[i] for i in members_at_level(team.ranking(), level)
            if any(usable.get(c, lambda _: False)(by_id[i]) for c in chans)]


async def _queue(conn: repo.Conn, alert: Alert, team: repo.CareTeamState, members: list[repo.MemberContact],
                 tag: str, chans: list[str], now: datetime, reason: ReasonCode | None = None) -> None:
    extra = {"care_team_id": team.care_team_id, "flag_id": alert.alert_id, "rule": alert.rule,
             "severity": alert.severity, **({"reason": reason.value} if reason else {})}
    for m in members:
        code = await acks.record_page(conn, flag_id=alert.alert_id, kind=alert.kind, member=m,
                                      team_id=team.care_team_id, now=now)
        own = {**extra, "ack_code": code} if code else extra
        await repo.insert_request(conn, repo.NewRequest(
            source_event_id=f"{alert.alert_id}:{tag}", recipient_kind="care_team_member", recipient_id=m.member_id,
            purpose="care_concern" if alert.kind == "concern" else "care_alert", received_at=now, not_before=now,
            clinic_id=team.clinic_id, urgent=True, channels=chans, extra=own))


async def _schedule(conn: repo.Conn, deps: Deps, alert: Alert, now: datetime) -> tuple[str, datetime | None]:
    """The severity whose channels page now, and when the next member is paged if nobody answers."""
    if alert.kind == "concern":
        clinic = await repo.clinic(conn, alert.clinic_id)
        zone = clinic.zone if clinic else None
        after = timedelta(seconds=deps.settings.concern_escalate_after_s)
        if zone is None:  # without the clinic's zone, treat it as open: page now, escalate on time
            return "medium", now + after
        return next_step(now, zone, parse_open_hours(deps.settings.clinic_open_hours), after)
    after = timedelta(seconds=deps.settings.escalate_after_s)
    return alert.severity, now + after if escalates(alert.severity) else None


async def _fallback(conn: repo.Conn, deps: Deps, clinic_id: str | None, chans: list[str],
                    exclude: str | None) -> tuple[repo.CareTeamState, list[repo.MemberContact]] | None:
    for key in (clinic_id, "*"):
        team_id = deps.settings.fallback_care_teams.get(key) if key else None
        team = await repo.care_team(conn, team_id) if team_id and team_id != exclude else None
        members = _reachable(team, 0, chans) if team else []
        if team and members:
            return team, members
    return None


def _own_team(team: repo.CareTeamState | None, alert: Alert) -> repo.CareTeamState | None:
    """The alert's care team, unless it belongs to another clinic than the alert's patient.

    Ingest refuses a patient naming another clinic's team, but only a team it already knows: a patient that names
    a team before the team's own event arrives (topics are consumed apart) is checked here, when it is paged.
    """
    if team is None or alert.clinic_id is None or team.clinic_id == alert.clinic_id:
        return team
    log.warning("alert_team_of_another_clinic", alert_id=alert.alert_id, kind=alert.kind)
    return None


async def open_alert(conn: repo.Conn, deps: Deps, alert: Alert, now: datetime) -> bool:
    """Record the alert and page its first level (or a fallback roster); False if it existed already."""
    if not await conn.fetchval(Q["insert_alert"], alert.alert_id, alert.kind, alert.patient_id, alert.clinic_id,
                               alert.care_team_id, alert.severity, alert.rule, alert.checkin_event_id,
                               alert.message_id, alert.raised_at):
        return False
    severity, next_at = await _schedule(conn, deps, alert, now)
    chans = channels(deps, severity)
    team = _own_team(await repo.care_team(conn, alert.care_team_id), alert)
    members = _reachable(team, 0, chans) if team else []
    if team and members:
        await _queue(conn, alert, team, members, "L0", chans, now)
        await conn.execute(Q["alert_paged"], alert.alert_id, team.care_team_id, False, 0, next_at, True)
        return True
    # Nobody on the team can be paged: say so on the bus ("nobody paged") and page the fallback roster.
    await events.suppressed(conn, source_event_id=alert.alert_id, kind="care_team",
                            recipient_id=alert.care_team_id or alert.clinic_id or "unknown",
                            reason=ReasonCode.no_recipient, at=now)
    fallback = await _fallback(conn, deps, alert.clinic_id or (team.clinic_id if team else None), chans,
                               alert.care_team_id)
    if fallback is None:
        log.error("alert_paged_nobody", alert_id=alert.alert_id, kind=alert.kind)
        return True
    roster, roster_members = fallback
    await _queue(conn, alert, roster, roster_members, "F0", chans, now, ReasonCode.fallback_roster)
    await conn.execute(Q["alert_paged"], alert.alert_id, roster.care_team_id, True, 0, next_at, True)
    return True


async def escalate(conn: repo.Conn, deps: Deps, r: asyncpg.Record, now: datetime) -> None:
    """Page the next member of the roster being paged (a concern outside opening hours: on call, by high)."""
    alert = Alert.of(r)
    team = await repo.care_team(conn, r["roster_id"])
    severity, next_at = await _schedule(conn, deps, alert, now)
    chans = channels(deps, severity)
    if team is None or not chans:
        await conn.execute(Q["escalated"], alert.alert_id, r["level"], None)
        return
    if alert.kind == "concern" and next_at is None:  # closed now: the on-call member, by the high channels
        await _queue(conn, alert, team, _reachable(team, 0, chans), "H", chans, now)
        await conn.execute(Q["escalated"], alert.alert_id, r["level"], None)
        return
    prefix, reason = ("F", ReasonCode.fallback_roster) if r["roster_fallback"] else ("L", None)
    for level in range(r["level"] + 1, len(team.members) + 1):
        members = _reachable(team, level, chans)
        if members:
            await _queue(conn, alert, team, members, f"{prefix}{level}", chans, now, reason)
            await conn.execute(Q["escalated"], alert.alert_id, level, next_at)
            return
    await conn.execute(Q["escalated"], alert.alert_id, r["level"], None)  # nobody left to page


async def team_arrived(conn: repo.Conn, deps: Deps, team_id: str, now: datetime) -> int:
    """A care team that arrives (or changes) after its alerts were raised is paged too."""
    team = await repo.care_team(conn, team_id)
    paged = 0
    for r in await conn.fetch(Q["alerts_waiting_for_team"], team_id) if team else []:
        alert = Alert.of(r)
        if _own_team(team, alert) is None:
            continue
        severity, next_at = await _schedule(conn, deps, alert, now)
        chans = channels(deps, severity)
        members = _reachable(team, 0, chans) if team else []
        if team and members:
            await _queue(conn, alert, team, members, "L0", chans, now)
            await conn.execute(Q["alert_paged"], alert.alert_id, team_id, False, 0, next_at, True)
            paged += 1
    return paged

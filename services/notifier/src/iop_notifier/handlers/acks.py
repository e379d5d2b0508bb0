"""Care teams answer by text: the paged member's `ACK` stops escalation and publishes iop.risk.acknowledged.v1.

Only a number that was paged for an alert can acknowledge it; any other number's `ACK` is read as an ordinary
text (so it changes nothing and learns nothing: no answer says whether a code exists). The event is published as
the clinic of the team that was paged (`ce_source` /clinics/<id>/notifier): attendance, which owns the flag,
records it only when that is the flag's clinic.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

import asyncpg

from iop_notifier.adapters import repository as repo
from iop_notifier.adapters.sql import Q
from iop_notifier.domain.acks import AckReply, ack_code, parse_ack
from iop_shared import outbox
from iop_shared.contracts import clinic_source
from iop_shared.contracts.cloudevents import Envelope
from iop_shared.contracts.outbound import RiskAcknowledged
from iop_shared.logging import get_logger

from .deps import SOURCE

log = get_logger(__name__)
PAGE_WINDOW = timedelta(days=7)  # an old page's code is no longer an answer
TEXTED = frozenset({"flag", "crisis", "sender"})  # the kinds whose page carries a code (a concern is opened)


async def record_page(conn: repo.Conn, *, flag_id: str, kind: str, member: repo.MemberContact, team_id: str,
                      now: datetime) -> str | None:
    """Remember that `member` was paged for the alert; its code, or None when this page carries none."""
    if kind not in TEXTED or not member.phone:
        return None
    code = ack_code(flag_id)
    await conn.execute(Q["record_page"], flag_id, member.member_id, team_id, member.phone, code, now)
    return code


def _pick(pages: list[asyncpg.Record], reply: AckReply) -> asyncpg.Record | None:
    if reply.code is not None:
        return next((p for p in pages if p["code"] == reply.code), None)
    return next((p for p in pages if p["acknowledged_at"] is None), None)


def speaks_for(page: Mapping[str, str | None], fallbacks: Mapping[str, str]) -> str:
    """The `ce_source` of a page's acknowledgement: its team's clinic; a configured fallback roster speaks for the
    alert's clinic (the operator set it to answer for that clinic, or for every clinic with "*")."""
    team, alert_clinic = page["care_team_id"], page["alert_clinic_id"]
    roster = team is not None and team in {fallbacks.get(alert_clinic or ""), fallbacks.get("*")}
    clinic = alert_clinic if roster and alert_clinic else page["team_clinic_id"]
    return clinic_source(clinic, "notifier") if clinic else SOURCE


async def acknowledge_by_text(conn: repo.Conn, phone: str | None, text: str, now: datetime,
                              fallbacks: Mapping[str, str] | None = None) -> bool:
    """True when `text` from `phone` acknowledged (or had already acknowledged) one of that number's pages.

    `fallbacks` are the fallback rosters by clinic (NOTIFIER_FALLBACK_CARE_TEAMS).
    """
    reply = parse_ack(text) if phone else None
    if reply is None:
        return False
    page = _pick(await conn.fetch(Q["pages_of_phone"], phone, now - PAGE_WINDOW), reply)
    if page is None:
        return False
    if await conn.fetchval(Q["acknowledge_alert"], page["flag_id"], now) and page["patient_id"]:
        # The same event the dashboard's acknowledgement produces, so every reader (dashboard, notifier) agrees.
        await outbox.add(conn, [Envelope(data=RiskAcknowledged(
            flag_id=page["risk_flag_id"] or page["flag_id"], patient_id=page["patient_id"],
            care_team_id=page["care_team_id"], by=page["member_id"], acknowledged_at=now),
            source=speaks_for(dict(page), fallbacks or {}))])
    log.info("alert_acknowledged_by_text", flag_id=page["flag_id"], member_id=page["member_id"])
    return True

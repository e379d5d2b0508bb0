"""Who sent a text, to which clinic: the receiving number's clinic, the patients behind a phone, opaque sender ids."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import replace
from datetime import datetime

from iop_notifier.adapters import repository as repo
from iop_notifier.adapters.sql import Q
from iop_notifier.domain.language import clear_language
from iop_notifier.settings import Settings

from .deps import Deps
from .paging import Alert, open_alert

UNKNOWN_SENDER_RULE = "crisis_text_unknown_sender"


def receiving_clinic(settings: Settings, to: str | None, messaging_service_sid: str | None) -> str | None:
    """The clinic that owns the number (or Messaging Service) a text was sent to, when configured."""
    numbers = settings.inbound_numbers
    return (numbers.get(to) if to else None) or (numbers.get(messaging_service_sid) if messaging_service_sid
                                                 else None)


async def patients_behind(conn: repo.Conn, *, phone: str | None, patient_id: str | None,
                          clinic_id: str | None) -> list[repo.PatientState]:
    """The patients a text may come from, current ones first; never another clinic's than the receiving one."""
    if phone:
        found = await repo.patients_by_phone(conn, phone)
    else:
        one = await repo.patient(conn, patient_id or "")
        found = [one] if one else []
    return [p for p in found if clinic_id is None or p.clinic_id == clinic_id]


async def sender_id(conn: repo.Conn, deps: Deps, phone: str, now: datetime) -> str:
    """An opaque, stable id for a number (a keyed hash): what the bus carries instead of the phone."""
    if deps.sender_key is None:
        deps.sender_key = str(await conn.fetchval(Q["sender_key"])).encode()
    digest = hmac.new(deps.sender_key, phone.encode(), hashlib.sha256).hexdigest()[:32]
    ident = f"snd-{digest}"
    await conn.execute(Q["upsert_sender"], ident, phone, now)
    return ident


async def answer_unknown_sender(conn: repo.Conn, deps: Deps, *, message_id: str, ident: str, text: str,
                                clinic_id: str | None, now: datetime) -> int | None:
    """The 988/911 answer to a number nobody knows: in its language when clear, else in English and Spanish."""
    locale = clear_language(text)
    return await repo.insert_request(conn, repo.NewRequest(
        source_event_id=f"reply-{message_id}", recipient_kind="sender", recipient_id=ident,
        purpose="crisis_reply" if locale else "crisis_reply_bilingual", received_at=now,
        not_before=repo.sent_inline(now), clinic_id=clinic_id, urgent=True, is_reply=True, channels=["sms"],
        extra={"locale": locale or "en"}))


async def alert_clinic(conn: repo.Conn, deps: Deps, *, message_id: str, clinic_id: str | None,
                       now: datetime) -> None:
    """A clinic-level critical alert: the on-call members of every team of the receiving clinic; with none
    reachable, one alert for the clinic, which pages its fallback roster (or "*") and says nobody was paged."""
    team_ids = [r["care_team_id"] for r in await conn.fetch(Q["clinic_teams"], clinic_id)] if clinic_id else []
    base = Alert(alert_id=f"snd-{message_id}", kind="sender", severity="critical", rule=UNKNOWN_SENDER_RULE,
                 raised_at=now, clinic_id=clinic_id, message_id=message_id)
    opened = 0
    for team_id in team_ids:
        team = await repo.care_team(conn, team_id)
        if team and any(m.on_call and (m.phone or m.email) for m in team.members):
            await open_alert(conn, deps, replace(base, alert_id=f"{base.alert_id}-{opened + 1}",
                                                 care_team_id=team_id), now)
            opened += 1
    if not opened:
        await open_alert(conn, deps, base, now)

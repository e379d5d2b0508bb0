"""Check-in conversations: open one for a consented patient's prompt, apply each text, close on STOP or expiry.

Every step runs in the reply's transaction under a per-patient advisory lock and the row's lock, so replicas
never interleave one patient's conversation; a redelivered text stops at the inbound record before it gets
here, and every message sent is keyed by (conversation, step) in the request queue, so none goes twice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg

from iop_notifier.adapters import repository as repo
from iop_notifier.adapters.sql import Q
from iop_notifier.domain import conversation as cv
from iop_notifier.domain.instrument_set import load
from iop_notifier.domain.reply_parser import ParsedReply
from iop_shared import outbox
from iop_shared.contracts.cloudevents import Envelope
from iop_shared.contracts.outbound import (
    AssessmentCompleted,
    AssessmentStatus,
    CheckinIntent,
    CheckinKind,
    CheckinReceived,
    ReminderDue,
    ReminderPurpose,
)
from iop_shared.logging import get_logger

from .deps import SOURCE, Deps
from .paging import Alert, open_alert

log = get_logger(__name__)
# What the parser may call a text that is still worth one re-ask ("7" read as a mood, "idk" as nothing).
REASK_INTENTS = frozenset({CheckinIntent.other, CheckinIntent.mood, CheckinIntent.craving})


@dataclass(frozen=True)
class Text:
    message_id: str
    text: str
    received_at: datetime


def may_open(r: ReminderDue) -> bool:
    """Whether this reminder may open a questionnaire conversation (then it is queued one by one)."""
    return r.purpose is ReminderPurpose.checkin_prompt and r.checkin_kind not in (None, CheckinKind.mood)


async def purpose_for(conn: repo.Conn, deps: Deps, r: ReminderDue) -> str | None:
    """What a reminder sends: `checkin_ready` when it opened a conversation, the reminder's own purpose when
    none applies (no kind, no consent: the neutral 0-10 prompt), None while another check-in is open."""
    kind = r.checkin_kind
    if not may_open(r):
        return r.purpose.value
    if not await conn.fetchval(Q["detailed_consent"], r.patient_id):
        return r.purpose.value
    assert kind is not None
    opened = max(r.due_at, deps.clock.now())
    conv = cv.offer(f"conv-{r.reminder_id}", kind.value, opened, timedelta(seconds=deps.settings.checkin_window_s))
    await conn.execute(Q["lock_conversations"], r.patient_id)
    if await conn.fetchval(Q["insert_conversation"], conv.conversation_id, r.patient_id, r.clinic_id, kind.value,
                           r.reminder_id, opened, conv.expires_at) is None:
        log.info("checkin_already_open", patient_id=r.patient_id, reminder_id=r.reminder_id)
        return None
    return "checkin_ready"


def _of(row: asyncpg.Record) -> cv.Conversation:
    answers = {k: tuple(v) for k, v in json.loads(row["answers"]).items()}
    return cv.Conversation(row["conversation_id"], row["kind"], row["state"], row["instrument"], row["expires_at"],
                           row["item_index"], row["reasked"], answers, row["step"])


async def on_text(conn: repo.Conn, deps: Deps, patient: repo.PatientState, msg: Text,
                  parsed: ParsedReply) -> list[int] | None:
    """Apply a text to the patient's open conversation: the requests to send now, or None when the text is
    not the conversation's (the ordinary parser's path then runs). STOP closes; crisis never comes here."""
    await conn.execute(Q["lock_conversations"], patient.patient_id)
    row = await conn.fetchrow(Q["open_conversation"], patient.patient_id)
    if row is None:
        return None
    conv, instruments = _of(row), load()
    if parsed.intent is CheckinIntent.opt_out or not await conn.fetchval(Q["detailed_consent"], patient.patient_id):
        out = cv.close(conv, "stopped", instruments)
    else:
        out = cv.reply(conv, msg.text, msg.received_at, instruments, unclear=parsed.intent in REASK_INTENTS)
    ids = await _apply(conn, deps, patient, row, out, msg)
    return ids if out.handled else None


async def expire_due(deps: Deps, batch: int = 100) -> int:
    """Close conversations whose window passed (counted as unanswered); any replica may run it."""
    now, closed = deps.clock.now(), 0
    for r in await deps.pool.fetch(Q["expired_conversations"], now, batch):
        async with deps.pool.acquire() as conn, conn.transaction():
            patient = await repo.patient(conn, r["patient_id"])
            await conn.execute(Q["lock_conversations"], r["patient_id"])
            row = await conn.fetchrow(Q["open_conversation"], r["patient_id"])
            if patient is None or row is None or row["expires_at"] > now:
                continue
            await _apply(conn, deps, patient, row, cv.close(_of(row), "expired", load()),
                         Text(f"expiry-{row['conversation_id']}", "", now))
            closed += 1
    return closed


async def _apply(conn: repo.Conn, deps: Deps, patient: repo.PatientState, row: asyncpg.Record, out: cv.Outcome,
                 msg: Text) -> list[int]:
    c, now = out.conversation, msg.received_at
    await conn.execute(Q["save_conversation"], c.conversation_id, c.state, c.instrument, c.item_index, c.reasked,
                       json.dumps({k: list(v) for k, v in c.answers.items()}), c.step, now)
    prompt, ids, checkin_event_id = row["prompt_reminder_id"], [], None
    # Outcomes first: item 9 is the PHQ-9's last item, so its page cites the outcome event attendance's
    # critical flag will cite too, and that flag adopts the page instead of paging again.
    scored = {e.instrument: _outcome(patient, c, e, prompt, now) for e in out.effects if isinstance(e, cv.Scored)}
    for effect in out.effects:
        if isinstance(effect, cv.Answered):
            env = Envelope(data=CheckinReceived(
                checkin_id=f"chk-{msg.message_id}", patient_id=patient.patient_id,
                intent=CheckinIntent.assessment_item, value=effect.value, instrument=CheckinKind(effect.instrument),
                item=effect.item, received_at=now, prompt_reminder_id=prompt), source=SOURCE)
            checkin_event_id = env.id
            await outbox.add(conn, [env])
        elif isinstance(effect, cv.CriticalItem):
            cited = scored[effect.instrument].id if effect.instrument in scored else checkin_event_id
            ids += await _critical(conn, deps, patient, c, msg, cited)
        elif isinstance(effect, cv.Scored):
            await outbox.add(conn, [scored[effect.instrument]])
        elif isinstance(effect, cv.Ask):
            ids += await _queue(conn, patient, c, "checkin_item", effect.step, now, {
                "instrument": effect.instrument, "item_index": effect.item_index, "reask": effect.reask})
        else:
            ids += await _queue(conn, patient, c, "checkin_done", effect.step, now, {})
    return ids


def _outcome(patient: repo.PatientState, c: cv.Conversation, e: cv.Scored, prompt: str | None,
             now: datetime) -> Envelope[AssessmentCompleted]:
    return Envelope(data=AssessmentCompleted(
        assessment_id=f"{c.conversation_id}-{e.instrument}", conversation_id=c.conversation_id,
        patient_id=patient.patient_id, clinic_id=patient.clinic_id, instrument=CheckinKind(e.instrument),
        status=AssessmentStatus(e.status), total=e.total, band=e.band, item9_positive=e.item9_positive,
        answered=e.answered, prompt_reminder_id=prompt, completed_at=now), source=SOURCE)


async def _queue(conn: repo.Conn, patient: repo.PatientState, c: cv.Conversation, purpose: str, step: int,
                 now: datetime, extra: dict[str, object]) -> list[int]:
    # urgent: a conversation in progress is not capped per question; quiet hours still defer it (not is_reply).
    request_id = await repo.insert_request(conn, repo.NewRequest(
        source_event_id=f"{c.conversation_id}:{step}", recipient_kind="patient", recipient_id=patient.patient_id,
        purpose=purpose, received_at=now, not_before=now, clinic_id=patient.clinic_id, urgent=True,
        channels=["sms"], extra=extra, expires_at=c.expires_at))
    return [request_id] if request_id is not None else []


async def _critical(conn: repo.Conn, deps: Deps, patient: repo.PatientState, c: cv.Conversation, msg: Text,
                    checkin_event_id: str | None) -> list[int]:
    """PHQ-9 item 9 above 0: page the on-call member now and answer the patient with 988/911, not waiting."""
    await open_alert(conn, deps, Alert(
        alert_id=f"{c.conversation_id}-item9", kind="crisis", severity="critical", rule="phq9_item9",
        raised_at=msg.received_at, patient_id=patient.patient_id, clinic_id=patient.clinic_id,
        care_team_id=patient.care_team_id, checkin_event_id=checkin_event_id, message_id=msg.message_id),
        msg.received_at)
    request_id = await repo.insert_request(conn, repo.NewRequest(
        source_event_id=f"{c.conversation_id}:item9", recipient_kind="patient", recipient_id=patient.patient_id,
        purpose="crisis_reply", received_at=msg.received_at, not_before=repo.sent_inline(msg.received_at),
        clinic_id=patient.clinic_id, urgent=True, is_reply=True, channels=["sms"]))
    log.warning("assessment_item9_positive", patient_id=patient.patient_id, conversation_id=c.conversation_id)
    return [request_id] if request_id is not None else []

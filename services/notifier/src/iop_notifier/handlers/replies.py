"""Patient replies (SMS or embedded): parse, record the raw text here only, publish a check-in, answer, page.

Whoever sends a crisis text is answered before the webhook returns (unknown number, opted-out or discharged
patient, shared phone: one answer per message) and someone is paged at once, without waiting for attendance.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from iop_notifier.adapters import repository as repo
from iop_notifier.adapters.sql import Q
from iop_notifier.domain.conversation import is_go
from iop_notifier.domain.reply_parser import Expecting, ParsedReply, parse_reply
from iop_notifier.metrics import REPLIES
from iop_shared import outbox
from iop_shared.contracts.cloudevents import Envelope
from iop_shared.contracts.outbound import CheckinIntent, CheckinReceived
from iop_shared.logging import get_logger

from . import conversations, routes, senders
from .deps import SOURCE, Deps
from .dispatch import process
from .paging import Alert, open_alert

log = get_logger(__name__)
ANSWERS = {CheckinIntent.crisis: "crisis_reply", CheckinIntent.opt_out: "opt_out_confirm",
           CheckinIntent.opt_in: "opt_in_confirm", CheckinIntent.help: "help_reply"}
FOR_EVERY_PATIENT = frozenset({CheckinIntent.crisis, CheckinIntent.concern})  # on a shared phone
KEYWORDS = frozenset({CheckinIntent.opt_out, CheckinIntent.opt_in, CheckinIntent.help})
SCORE_PROMPTS = frozenset({"checkin_prompt", "checkin_item"})  # a digit after these is a score, not "2 = move it"
_background: set[asyncio.Task[None]] = set()


@dataclass(frozen=True)
class ReplyOutcome:
    parsed: ParsedReply
    patient_known: bool
    duplicate: bool = False
    route: str | None = None  # taken ahead of the ordinary parser (routes.Route)


@dataclass(frozen=True)
class Inbound:
    message_id: str
    channel: str
    text: str
    phone: str | None
    received_at: datetime


async def receive_reply(deps: Deps, *, message_id: str, channel: str, text: str, phone: str | None = None,
                        patient_id: str | None = None, to: str | None = None,
                        messaging_service_sid: str | None = None) -> ReplyOutcome:
    """Apply one inbound reply once (by provider message id); a crisis is answered before this returns."""
    msg = Inbound(message_id, channel, text, phone, deps.clock.now())
    clinic_id = senders.receiving_clinic(deps.settings, to, messaging_service_sid)
    async with deps.pool.acquire() as conn, conn.transaction():
        patients = await senders.patients_behind(conn, phone=phone, patient_id=patient_id, clinic_id=clinic_id)
        primary = patients[0] if patients else None
        prompt = await conn.fetchrow(Q["last_prompt"], primary.patient_id) if primary else None
        expecting = Expecting(deps.settings.default_score_kind) if prompt and prompt["purpose"] in SCORE_PROMPTS \
            else Expecting.reminder
        parsed = parse_reply(text, expecting, opted_out=bool(primary and primary.sms_opted_out))
        ident = await senders.sender_id(conn, deps, phone, msg.received_at) if phone and not primary else None
        if not await conn.fetchval(Q["insert_inbound"], message_id, primary.patient_id if primary else None,
                                   channel, text, parsed.intent.value, parsed.value, msg.received_at, ident,
                                   clinic_id):
            return ReplyOutcome(parsed, primary is not None, duplicate=True)
        route = await routes.before_parser(conn, deps, parsed, routes.Text(
            message_id, text, phone, primary, msg.received_at))
        if route is not None:
            await conn.execute(Q["inbound_routed"], message_id, route.value)
            log.info("reply_routed", message_id=message_id, route=route.value)
            return ReplyOutcome(parsed, primary is not None, route=route.value)
        now_ids: list[int] = []
        routed: list[int] | None = None
        if primary is None:
            answer_id = await _unknown_sender(conn, deps, msg, parsed, ident, clinic_id)
        elif (routed := await _route(conn, deps, msg, parsed, primary)) is not None:
            answer_id, now_ids = None, routed
        else:
            answer_id = await _known_sender(conn, deps, msg, parsed, patients, prompt, expecting)
    intent = "conversation" if routed is not None else None
    REPLIES.labels(intent or parsed.intent.value).inc()  # GO or an answer is not the parser's reading
    log.info("reply_received", message_id=message_id, intent=intent or parsed.intent.value,
             patient_id=primary.patient_id if primary else None, sender_id=ident, patients=len(patients))
    await _answer(deps, answer_id, parsed)
    for request_id in now_ids:  # the next question, or item 9's 988/911 answer: now, not at the next poll
        await process(deps, request_id)
    return ReplyOutcome(parsed, primary is not None)


async def _route(conn: repo.Conn, deps: Deps, msg: Inbound, parsed: ParsedReply,
                 patient: repo.PatientState) -> list[int] | None:
    """A known patient's text after `routes.before_parser` (a care-team ACK, an offer's letter) passed it on:
    STOP, GO and the other keywords, then crisis, then an open conversation, then the ordinary parser (None).

    STOP also closes an open conversation; a crisis text leaves it open, so the patient can resume it."""
    text = conversations.Text(msg.message_id, msg.text, msg.received_at)
    if parsed.intent in KEYWORDS:
        if parsed.intent is CheckinIntent.opt_out:
            await conversations.on_text(conn, deps, patient, text, parsed)
        return None
    # GO as the whole text is a keyword like STOP (it holds no crisis word; the learned model alone misreads it).
    if is_go(msg.text) and (started := await conversations.on_text(conn, deps, patient, text, parsed)) is not None:
        return started
    if parsed.intent is CheckinIntent.crisis:
        return None
    return await conversations.on_text(conn, deps, patient, text, parsed)


async def _answer(deps: Deps, answer_id: int | None, parsed: ParsedReply) -> None:
    if answer_id is not None and parsed.intent == CheckinIntent.crisis:
        # Answered before the webhook returns; the dispatcher is woken only after, or it could claim the
        # answer first and send it after this request has already returned.
        await process(deps, answer_id)
        deps.wake()
        return
    deps.wake()  # pages queued with the reply go out at the dispatcher's next turn, which is now
    if answer_id is None:
        return
    task = asyncio.create_task(process(deps, answer_id))
    _background.add(task)
    task.add_done_callback(_background.discard)


async def _unknown_sender(conn: repo.Conn, deps: Deps, msg: Inbound, parsed: ParsedReply, ident: str | None,
                          clinic_id: str | None) -> int | None:
    log.warning("reply_from_unknown_sender", message_id=msg.message_id, intent=parsed.intent.value,
                sender_id=ident, clinic_id=clinic_id)
    if parsed.intent in (CheckinIntent.opt_out, CheckinIntent.opt_in) and msg.phone:
        # A STOP belongs to the number (a support person's, say), whoever it is: nothing more goes to it.
        await repo.set_phone_state(conn, msg.phone, msg.received_at,
                                   opted_out=parsed.intent == CheckinIntent.opt_out)
    if parsed.intent != CheckinIntent.crisis or ident is None:
        return None
    answer_id = await senders.answer_unknown_sender(conn, deps, message_id=msg.message_id, ident=ident,
                                                    text=msg.text, clinic_id=clinic_id, now=msg.received_at)
    await senders.alert_clinic(conn, deps, message_id=msg.message_id, clinic_id=clinic_id, now=msg.received_at)
    return answer_id


async def _known_sender(conn: repo.Conn, deps: Deps, msg: Inbound, parsed: ParsedReply,
                        patients: list[repo.PatientState], prompt: asyncpg.Record | None,
                        expecting: Expecting) -> int | None:
    primary, now = patients[0], msg.received_at
    if parsed.intent in (CheckinIntent.opt_out, CheckinIntent.opt_in) and primary.phone:
        await repo.set_phone_state(conn, primary.phone, now, opted_out=parsed.intent == CheckinIntent.opt_out)
    # A crisis or an unreadable text from a shared phone reaches every matching patient's team.
    targets = patients if parsed.intent in FOR_EVERY_PATIENT else [primary]
    for i, patient in enumerate(targets):
        checkin_id = f"chk-{msg.message_id}" if i == 0 else f"chk-{msg.message_id}-{i + 1}"
        own_prompt = prompt if patient is primary else None
        env = Envelope(data=CheckinReceived(
            checkin_id=checkin_id, patient_id=patient.patient_id, intent=parsed.intent, value=parsed.value,
            session_ids=list(own_prompt["session_ids"]) if own_prompt else [],
            received_at=now, prompt_reminder_id=own_prompt["source_event_id"]
            if own_prompt and expecting is not Expecting.reminder else None), source=SOURCE)
        await outbox.add(conn, [env])
        if parsed.intent in FOR_EVERY_PATIENT:
            crisis = parsed.intent == CheckinIntent.crisis
            await open_alert(conn, deps, Alert(
                alert_id=checkin_id, kind="crisis" if crisis else "concern",
                severity="critical" if crisis else "medium", rule="crisis_text" if crisis else "concern",
                raised_at=now, patient_id=patient.patient_id, clinic_id=patient.clinic_id,
                care_team_id=patient.care_team_id, checkin_event_id=env.id, message_id=msg.message_id), now)
    if parsed.intent not in ANSWERS:
        return None
    return await repo.insert_request(conn, repo.NewRequest(
        source_event_id=f"reply-{msg.message_id}", recipient_kind="patient", recipient_id=primary.patient_id,
        purpose=ANSWERS[parsed.intent], received_at=now, clinic_id=primary.clinic_id,
        not_before=repo.sent_inline(now) if parsed.intent is CheckinIntent.crisis else now,
        urgent=True, is_reply=True, channels=["sms"] if msg.phone else None))

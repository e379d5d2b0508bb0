"""Patient replies (SMS or embedded): parse, record the raw text here only, publish a check-in, answer."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from iop_notifier.adapters import repository as repo
from iop_notifier.adapters.sql import Q
from iop_notifier.domain.reply_parser import Expecting, ParsedReply, parse_reply
from iop_notifier.metrics import REPLIES
from iop_shared import outbox
from iop_shared.contracts.cloudevents import Envelope
from iop_shared.contracts.outbound import CheckinIntent, CheckinReceived
from iop_shared.logging import get_logger

from .deps import SOURCE, Deps
from .dispatch import process

log = get_logger(__name__)
ANSWERS = {CheckinIntent.crisis: "crisis_reply", CheckinIntent.opt_out: "opt_out_confirm",
           CheckinIntent.opt_in: "opt_in_confirm", CheckinIntent.help: "help_reply"}
_background: set[asyncio.Task[None]] = set()


@dataclass(frozen=True)
class ReplyOutcome:
    parsed: ParsedReply
    patient_known: bool
    duplicate: bool = False


async def receive_reply(deps: Deps, *, message_id: str, channel: str, text: str, phone: str | None = None,
                        patient_id: str | None = None) -> ReplyOutcome:
    """Apply one inbound reply once (by provider message id); a crisis is answered before this returns."""
    now = deps.clock.now()
    async with deps.pool.acquire() as conn, conn.transaction():
        patient = await (repo.patient_by_phone(conn, phone) if phone else repo.patient(conn, patient_id or ""))
        prompt = await conn.fetchrow(Q["last_prompt"], patient.patient_id) if patient else None
        expecting = Expecting(deps.settings.default_score_kind) if prompt and prompt["purpose"] == "checkin_prompt" \
            else Expecting.reminder
        parsed = parse_reply(text, expecting, opted_out=bool(patient and patient.sms_opted_out))
        stored = await conn.fetchval(Q["insert_inbound"], message_id, patient.patient_id if patient else None,
                                     channel, text, parsed.intent.value, parsed.value, now)
        if not stored:
            return ReplyOutcome(parsed, patient is not None, duplicate=True)
        REPLIES.labels(parsed.intent.value).inc()
        if patient is None:
            log.warning("reply_from_unknown_sender", message_id=message_id, intent=parsed.intent.value)
            return ReplyOutcome(parsed, False)
        if parsed.intent in (CheckinIntent.opt_out, CheckinIntent.opt_in) and patient.phone:
            await repo.set_phone_state(conn, patient.phone, now, opted_out=parsed.intent == CheckinIntent.opt_out)
        is_prompt_answer = expecting is not Expecting.reminder
        checkin = CheckinReceived(
            checkin_id=f"chk-{message_id}", patient_id=patient.patient_id, intent=parsed.intent, value=parsed.value,
            session_ids=list(prompt["session_ids"]) if prompt else [], received_at=now,
            prompt_reminder_id=prompt["source_event_id"] if prompt and is_prompt_answer else None)
        await outbox.add(conn, [Envelope(data=checkin, source=SOURCE)])
        answer_id = None
        if parsed.intent in ANSWERS:
            answer_id = await repo.insert_request(conn, repo.NewRequest(
                source_event_id=f"reply-{message_id}", recipient_kind="patient", recipient_id=patient.patient_id,
                purpose=ANSWERS[parsed.intent], received_at=now, not_before=now, clinic_id=patient.clinic_id,
                urgent=True, is_reply=True, channels=["sms"] if phone else None))
    log.info("reply_received", message_id=message_id, intent=parsed.intent.value, patient_id=patient.patient_id)
    if answer_id is not None:
        if parsed.intent == CheckinIntent.crisis:
            await process(deps, answer_id)  # answered now, not at the dispatcher's next turn
        else:
            task = asyncio.create_task(process(deps, answer_id))
            _background.add(task)
            task.add_done_callback(_background.discard)
    return ReplyOutcome(parsed, True)

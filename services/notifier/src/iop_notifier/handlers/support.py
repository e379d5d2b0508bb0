"""Support persons: a patient's consented support person gets the reminders of the session kinds they were
invited to (e.g. family sessions), in their own language, and nothing else: no check-in, score, missed-visit or
weekly message, and never a session of another kind. Their STOP (the number's opt-out) and a revoked consent
stop it at once: both are read when each message is about to go.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from iop_notifier.adapters import repository as repo
from iop_notifier.adapters.sql import Q
from iop_notifier.domain.messages import context
from iop_notifier.domain.policy import Recipient, Request, Send, Suppress, decide
from iop_shared.contracts.inbound import PatientUpserted
from iop_shared.contracts.outbound import ReasonCode, ReminderDue, ReminderPurpose

from .deps import Deps
from .planning import Plan

KIND = "support_person"
PURPOSE = "support_reminder"
FOR_SUPPORT = frozenset({ReminderPurpose.upcoming_session})  # reminders only (same-day ones are these too)


async def replace(conn: repo.Conn, p: PatientUpserted) -> None:
    """The patient's support persons as this revision lists them (a revoked consent kept, sending nothing)."""
    await conn.execute(Q["forget_support_persons"], p.patient_id)
    for s in p.support_persons:
        await conn.execute(Q["insert_support_person"], p.patient_id, s.support_id, s.phone, s.email,
                           s.locale.value, [k.value for k in s.session_kinds], s.consent_revoked_at is None)


async def patients_with_support(conn: repo.Conn, reminders: list[ReminderDue]) -> set[str]:
    """Of these reminders' patients, those a consented support person may be reminded for (one query)."""
    wanted = {r.patient_id for r in reminders if r.purpose in FOR_SUPPORT and r.session_ids}
    if not wanted:
        return set()
    return {row["patient_id"] for row in await conn.fetch(Q["patients_with_support"], list(wanted))}


async def remind(conn: repo.Conn, deps: Deps, r: ReminderDue) -> None:
    """Queue the reminder for each consented support person; which of its sessions they see (those of a kind they
    were invited to) is read when it goes, since the session itself may arrive after the reminder."""
    if r.purpose not in FOR_SUPPORT or not r.session_ids:
        return
    for row in await conn.fetch(Q["consented_support"], r.patient_id):
        await repo.insert_request(conn, repo.NewRequest(
            source_event_id=r.reminder_id, recipient_kind=KIND, recipient_id=recipient_id(r.patient_id, row[
                "support_id"]), purpose=PURPOSE, received_at=deps.clock.now(), not_before=r.due_at,
            clinic_id=r.clinic_id, session_ids=list(r.session_ids), urgent=r.urgent, expires_at=r.expires_at,
            extra={"patient_id": r.patient_id, "support_id": row["support_id"]}))


def recipient_id(patient_id: str, support_id: str) -> str:
    """A support person's recipient id: a clinic names support persons per patient ("sup-1" for many patients),
    so caps, locks and events are kept per patient and person, never shared by two families (a digest: the pair
    may pass an id's 128 characters, and no separator is safe inside ids that may hold any of them)."""
    return "sup-" + hashlib.blake2b(f"{patient_id}\0{support_id}".encode(), digest_size=12).hexdigest()


async def plan_support(conn: repo.Conn, deps: Deps, req: repo.RequestRow, now: datetime) -> Plan | None:
    """The decision for a support person's reminder, from their consent and number as they are now; None while
    its sessions have not arrived yet."""
    pid = str(req.extra.get("patient_id", ""))
    person = await conn.fetchrow(Q["support_person"], pid, str(req.extra.get("support_id", req.recipient_id)))
    patient = await repo.patient(conn, pid)
    clinic = await repo.clinic(conn, patient.clinic_id) if patient else None
    if person is None or not person["consented"]:
        return Plan(Suppress(ReasonCode.no_consent))
    kinds = await conn.fetch(Q["session_kinds"], list(req.session_ids))
    if len(kinds) < len(req.session_ids) and now - req.received_at < timedelta(
            seconds=deps.settings.unknown_recipient_grace_s):
        return None
    invited = {r["session_id"] for r in kinds if r["kind"] in person["session_kinds"] and not r["cancelled"]}
    known = [s for s in await repo.sessions(conn, sorted(invited))]
    if patient is None or clinic is None or not known:  # not invited to any of them: their consent ends there
        return Plan(Suppress(ReasonCode.no_consent if patient and clinic else ReasonCode.unknown_recipient))
    recipient = Recipient(zone=patient.zone, channels=("sms", "email"), phone=person["phone"],
                          email=person["email"], sms_opted_out=person["sms_opted_out"],
                          phone_invalid=person["phone_invalid"], discharged=patient.discharged)
    request = Request(purpose="upcoming_session", urgent=req.urgent, expires_at=req.expires_at,
                      session_starts=[s.facts.starts_at for s in known])
    prior = await repo.prior_capped_sends(conn, req.recipient_id, now - timedelta(days=8))
    decision = decide(request, recipient, now, prior, deps.policy(clinic.window))
    if not isinstance(decision, Send):
        return Plan(decision)
    locale = person["locale"]
    variables = context(clinic=clinic.public_name, callback=clinic.callback_phone, zone=patient.zone,
                        locale=locale, sessions=[s.facts for s in known])
    return Plan(decision, locale, [decision.channel], {"sms": person["phone"] or "", "email": person["email"] or ""},
                variables)

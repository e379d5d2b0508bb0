"""Reschedule by reply, the notifier's half: it sends the scheduler's slot offers, reads the patient's "A", "B"
or "C" (routes.py decides when), and tells the patient what came of it. Seats and holds are the scheduler's.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from iop_notifier.adapters import repository as repo
from iop_notifier.adapters.sql import Q
from iop_notifier.domain.offers import YES, parse_choice, parse_yes
from iop_shared import outbox
from iop_shared.contracts.cloudevents import Envelope
from iop_shared.contracts.reschedule import (
    RescheduleChosen,
    RescheduleClosed,
    RescheduleOffered,
    RescheduleOutcome,
    RescheduleRequested,
    WaitlistOffered,
)
from iop_shared.logging import get_logger

from .deps import SOURCE, Deps
from .ingest import applying

log = get_logger(__name__)
CLOSED_PURPOSE = {RescheduleOutcome.expired: "reschedule_released", RescheduleOutcome.taken: "reschedule_taken"}


async def _tell(conn: repo.Conn, deps: Deps, *, source_event_id: str, patient: repo.PatientState, purpose: str,
                extra: dict[str, Any], session_id: str, expires_at: datetime | None = None) -> None:
    now = deps.clock.now()
    # Urgent: an answer to the patient's own request is not held back by a cap (quiet hours still apply).
    await repo.insert_request(conn, repo.NewRequest(
        source_event_id=source_event_id, recipient_kind="patient", recipient_id=patient.patient_id, purpose=purpose,
        received_at=now, not_before=now, clinic_id=patient.clinic_id, urgent=True, extra=extra,
        session_ids=[session_id],  # a later "2" is about the same session
        channels=["sms"] if patient.phone else None, expires_at=expires_at))


async def _patient_of(conn: repo.Conn, patient_id: str, clinic_id: str) -> repo.PatientState | None:
    patient = await repo.patient(conn, patient_id)
    if patient is None or patient.clinic_id != clinic_id:  # never another clinic's patient
        log.warning("reschedule_event_for_unknown_patient", patient_id=patient_id, clinic_id=clinic_id)
        return None
    return patient


async def on_offered(deps: Deps, env: Envelope[RescheduleOffered]) -> None:
    o = env.data
    options = [{"choice": x.choice, "slot_id": x.slot_id, "starts_at": x.starts_at.isoformat()} for x in o.options]
    async with applying(deps, env.id) as conn:
        patient = await _patient_of(conn, o.patient_id, o.clinic_id) if conn else None
        if conn is None or patient is None:
            return
        if await conn.fetchval(Q["insert_offer"], o.offer_id, o.patient_id, o.clinic_id, o.session_id,
                               json.dumps(options), o.offered_at, o.expires_at):
            await _tell(conn, deps, source_event_id=env.id, patient=patient, purpose="reschedule_offer",
                        extra={"options": options}, session_id=o.session_id, expires_at=o.expires_at)
    deps.wake()


async def on_waitlist_offered(deps: Deps, env: Envelope[WaitlistOffered]) -> None:
    """A released seat offered to a waitlisted patient: one text, "Reply YES"; nothing to a patient who said STOP."""
    o = env.data
    options = [{"choice": YES, "slot_id": o.slot_id, "starts_at": o.starts_at.isoformat()}]
    async with applying(deps, env.id) as conn:
        patient = await _patient_of(conn, o.patient_id, o.clinic_id) if conn else None
        if conn is None or patient is None or patient.sms_opted_out or not patient.phone:
            return
        if await conn.fetchval(Q["insert_offer"], o.offer_id, o.patient_id, o.clinic_id, o.session_id,
                               json.dumps(options), o.offered_at, o.expires_at):
            await _tell(conn, deps, source_event_id=env.id, patient=patient, purpose="waitlist_offer",
                        extra={"slot_at": o.starts_at.isoformat()}, session_id=o.session_id,
                        expires_at=o.expires_at)
    deps.wake()


async def _open_offer(conn: repo.Conn, patient: repo.PatientState, text: str,
                      now: datetime) -> tuple[str, Any] | None:
    """The choice `text` makes and the open offer it answers: a letter a slot offer, a YES a waitlist offer."""
    if (choice := parse_choice(text)) is not None:
        offer = await conn.fetchrow(Q["open_offer"], patient.patient_id, now)
    elif (choice := parse_yes(text)) is not None and not patient.sms_opted_out:
        offer = await conn.fetchrow(Q["open_offer_with"], patient.patient_id, now, choice)
    else:
        return None
    return (choice, offer) if offer is not None else None


async def choose_offer(conn: repo.Conn, patient: repo.PatientState, text: str, now: datetime) -> bool:
    """True when `text` picked an option of the patient's open offer (then the scheduler is asked to hold it)."""
    found = await _open_offer(conn, patient, text, now)
    if found is None:
        return False
    choice, offer = found
    option = next((x for x in json.loads(offer["options"]) if x["choice"] == choice), None)
    if option is None or not await conn.fetchval(Q["offer_chosen"], offer["offer_id"], choice, now):
        return False
    await outbox.add(conn, [Envelope(data=RescheduleChosen.model_validate({
        "offer_id": offer["offer_id"], "patient_id": patient.patient_id, "session_id": offer["session_id"],
        "slot_id": option["slot_id"], "choice": "A" if choice == YES else choice, "chosen_at": now}),
        source=SOURCE)])
    log.info("reschedule_chosen", offer_id=offer["offer_id"], patient_id=patient.patient_id)
    return True


async def on_requested(deps: Deps, env: Envelope[RescheduleRequested]) -> None:
    r = env.data
    async with applying(deps, env.id) as conn:
        patient = await _patient_of(conn, r.patient_id, r.clinic_id) if conn else None
        offer = await conn.fetchrow(Q["offer_by_id"], r.offer_id) if conn else None
        waitlist = offer is not None and _is_waitlist(offer["options"])
        if conn is not None and patient is not None:
            await _tell(conn, deps, source_event_id=env.id, patient=patient,
                        purpose="waitlist_held" if waitlist else "reschedule_held",
                        extra={"slot_at": r.slot_starts_at.isoformat()}, session_id=r.session_id)
    deps.wake()


def _is_waitlist(options: str) -> bool:
    return any(x["choice"] == YES for x in json.loads(options))


async def on_closed(deps: Deps, env: Envelope[RescheduleClosed]) -> None:
    c = env.data
    purpose = CLOSED_PURPOSE.get(c.outcome)
    if purpose is None:  # confirmed: the clinic's own session change tells the patient
        return
    async with applying(deps, env.id) as conn:
        patient = await _patient_of(conn, c.patient_id, c.clinic_id) if conn else None
        offer = await conn.fetchrow(Q["offer_by_id"], c.offer_id) if conn else None
        if conn is None or patient is None or offer is None:
            return
        slot = next((x for x in json.loads(offer["options"]) if x["slot_id"] == c.slot_id), None)
        await _tell(conn, deps, source_event_id=env.id, patient=patient, purpose=purpose,
                    extra={"slot_at": slot["starts_at"]} if slot else {}, session_id=c.session_id)
    deps.wake()

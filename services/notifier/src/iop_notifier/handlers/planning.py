"""Gathers what the policy needs for one request (recipient, clinic, sessions, prior sends) and asks it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from iop_notifier.adapters import repository as repo
from iop_notifier.adapters.sql import Q
from iop_notifier.domain.checkin_messages import item_variables
from iop_notifier.domain.instrument_set import load
from iop_notifier.domain.messages import QUESTIONNAIRE_PURPOSES, context
from iop_notifier.domain.offers import variables as offer_variables
from iop_notifier.domain.policy import Decision, Recipient, Request, Send, Suppress, decide
from iop_shared.contracts.outbound import ReasonCode

from .deps import Deps
from .experiment_arms import arm_of

NEEDS_SESSIONS = frozenset({"upcoming_session", "weekly_schedule", "session_changed", "session_cancelled"})
DEADLINE_AT_START = frozenset({"upcoming_session", "session_changed"})


@dataclass(frozen=True)
class Plan:
    decision: Decision
    locale: str = "en"
    channels: list[str] = field(default_factory=list)
    addresses: dict[str, str] = field(default_factory=dict)
    variables: dict[str, Any] = field(default_factory=dict)
    arm: tuple[str, str] | None = None  # (experiment, arm) to record with the send, when in an experiment


def _waiting(req: repo.RequestRow, deps: Deps, now: datetime) -> bool:
    return now - req.received_at < timedelta(seconds=deps.settings.unknown_recipient_grace_s)


async def plan_request(conn: repo.Conn, deps: Deps, req: repo.RequestRow, now: datetime) -> Plan | None:
    """The decision for `req` now; None means "not yet": its data has not arrived and may still."""
    if req.recipient_kind == "care_team_member":
        return await _plan_member(conn, deps, req, now)
    if req.recipient_kind == "sender":
        return await _plan_sender(conn, req)
    if req.recipient_kind == "support_person":
        from .support import plan_support  # support builds on this module's Plan

        return await plan_support(conn, deps, req, now)
    patient = await repo.patient(conn, req.recipient_id)
    clinic = await repo.clinic(conn, req.clinic_id or (patient.clinic_id if patient else None))
    known = await repo.sessions(conn, req.session_ids)
    prior = await repo.prior_capped_sends(conn, req.recipient_id, now - timedelta(days=8))
    return plan_patient(deps, req, now, Facts(patient, clinic, known, prior))


@dataclass(frozen=True)
class Facts:
    """What the read models say about one patient request (fetched one by one or for a whole batch)."""

    patient: repo.PatientState | None
    clinic: repo.ClinicState | None
    known: list[repo.SessionState]
    prior: list[datetime]


def plan_patient(deps: Deps, req: repo.RequestRow, now: datetime, facts: Facts) -> Plan | None:
    """The policy's decision for a patient request from its facts: no I/O, so a batch decides in one pass."""
    patient, clinic, known = facts.patient, facts.clinic, facts.known
    if patient is None or clinic is None or (req.purpose in NEEDS_SESSIONS and len(known) < len(req.session_ids)):
        if _waiting(req, deps, now):
            return None
        reason = ReasonCode.unknown_recipient if patient is None or clinic is None else ReasonCode.expired
        return Plan(Suppress(reason))
    recipient = Recipient(
        zone=patient.zone, channels=req.channels or patient.channels, phone=patient.phone, email=patient.email,
        # A direct answer to the patient's own text goes back where it came from, opted out or not.
        consent_sms=patient.consent_sms or req.is_reply, consent_email=patient.consent_email,
        sms_opted_out=patient.sms_opted_out and not req.is_reply, phone_invalid=patient.phone_invalid,
        discharged=patient.discharged)
    live = [s for s in known if not s.cancelled]
    request = Request(
        purpose=req.purpose, urgent=req.urgent, bypass_quiet_hours=req.is_reply, expires_at=req.expires_at,
        session_starts=[s.facts.starts_at for s in live] if req.purpose in DEADLINE_AT_START else [],
        sessions_cancelled=bool(known) and not live, exclude_channels=req.exclude_channels)
    decision = decide(request, recipient, now, facts.prior, deps.policy(clinic.window))
    if not isinstance(decision, Send):
        return Plan(decision)
    arm = arm_of(deps.settings.experiments, req, patient.clinic_id, now)
    variables = {**session_variables(req, clinic, patient, known),
                 **offer_variables(req.extra, patient.zone, patient.locale), **(arm[2] if arm else {})}
    if req.purpose in QUESTIONNAIRE_PURPOSES:  # the item's wording, from the instruments file only
        variables.update(item_variables(load(), str(req.extra["instrument"]), int(req.extra["item_index"]),
                                        bool(req.extra.get("reask")), patient.locale))
    addresses = {"sms": patient.phone or "", "email": patient.email or ""}
    return Plan(decision, patient.locale, [decision.channel], addresses, variables, arm[:2] if arm else None)


def session_variables(req: repo.RequestRow, clinic: repo.ClinicState, patient: repo.PatientState,
                      known: list[repo.SessionState]) -> dict[str, Any]:
    """A patient message's variables from the sessions as the read model has them now."""
    shown = known if req.purpose == "session_cancelled" else [s for s in known if not s.cancelled]
    return context(clinic=clinic.public_name, callback=clinic.callback_phone, zone=patient.zone,
                   locale=patient.locale, sessions=[s.facts for s in shown])


async def _plan_member(conn: repo.Conn, deps: Deps, req: repo.RequestRow, now: datetime) -> Plan | None:
    team = await repo.care_team(conn, req.extra.get("care_team_id"))
    clinic = await repo.clinic(conn, team.clinic_id if team else req.clinic_id)
    member = next((m for m in team.members if m.member_id == req.recipient_id), None) if team else None
    if member is None or clinic is None:
        return None if _waiting(req, deps, now) else Plan(Suppress(ReasonCode.unknown_recipient))
    addresses = {"sms": member.phone or "", "email": member.email or ""}
    channels = [c for c in (req.channels or ()) if addresses.get(c)]
    if not channels:
        return Plan(Suppress(ReasonCode.no_channel))
    link = deps.settings.clinic_system_url + str(req.extra.get("flag_id", ""))
    variables = context(clinic=clinic.public_name, callback=clinic.callback_phone, zone=clinic.zone,
                        locale=clinic.locale, extra={**req.extra, "link": link})
    return Plan(Send(channels[0], counts_against_cap=False), clinic.locale, channels, addresses, variables)


async def _plan_sender(conn: repo.Conn, req: repo.RequestRow) -> Plan:
    """An unknown number's crisis answer: under the receiving clinic's alias when it is known, else neutral."""
    phone = await conn.fetchval(Q["sender_phone"], req.recipient_id)
    if not phone:
        return Plan(Suppress(ReasonCode.unknown_recipient))
    clinic = await repo.clinic(conn, req.clinic_id)
    locale = str(req.extra.get("locale", "en"))
    variables: dict[str, Any] = {"clinic": "", "callback": "", "locale": locale}
    if clinic is not None:
        variables = context(clinic=clinic.public_name, callback=clinic.callback_phone, zone=clinic.zone,
                            locale=locale)
    return Plan(Send("sms", counts_against_cap=False), locale, ["sms"], {"sms": str(phone)}, variables)

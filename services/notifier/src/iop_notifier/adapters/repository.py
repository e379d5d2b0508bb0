"""PostgreSQL access for the notifier: read models in, requests and ledger out; returns models, not records."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from iop_notifier.domain.alerts import Member
from iop_notifier.domain.messages import SessionFacts
from iop_notifier.domain.quiet_hours import AllowedWindow
from iop_shared.tracing import current_carrier

from .sql import Q

Conn = asyncpg.Connection | asyncpg.pool.PoolConnectionProxy


@dataclass(frozen=True)
class PatientState:
    patient_id: str
    clinic_id: str
    phone: str | None
    email: str | None
    zone: ZoneInfo
    locale: str
    channels: tuple[str, ...]
    consent_sms: bool
    consent_email: bool
    care_team_id: str
    discharged: bool
    sms_opted_out: bool
    phone_invalid: bool


@dataclass(frozen=True)
class ClinicState:
    clinic_id: str
    public_name: str
    callback_phone: str
    zone: ZoneInfo
    locale: str
    window: AllowedWindow | None


@dataclass(frozen=True)
class MemberContact:
    member_id: str
    on_call: bool
    phone: str | None
    email: str | None


@dataclass(frozen=True)
class CareTeamState:
    care_team_id: str
    clinic_id: str
    members: tuple[MemberContact, ...]

    def ranking(self) -> list[Member]:
        return [Member(m.member_id, m.on_call) for m in self.members]


@dataclass(frozen=True)
class RequestRow:
    id: int
    source_event_id: str
    recipient_kind: str
    recipient_id: str
    purpose: str
    clinic_id: str | None
    session_ids: tuple[str, ...]
    urgent: bool
    is_reply: bool
    channels: tuple[str, ...] | None
    exclude_channels: frozenset[str]
    extra: dict[str, Any]
    expires_at: datetime | None
    received_at: datetime
    deferred: bool
    state: str
    traceparent: str | None = None  # the trace of the event that asked for the message
    tracestate: str | None = None


# A request sent inline (a crisis answer, before the webhook returns) is left alone by the dispatcher this long:
# were the dispatcher to claim it first, the answer would go out after the webhook had returned. Should the
# inline send never happen (the process died), the dispatcher sends it when this has passed.
INLINE_GRACE = timedelta(seconds=5)


def sent_inline(now: datetime) -> datetime:
    """The not_before of a request this process sends itself at once; the dispatcher's fallback after that."""
    return now + INLINE_GRACE


@dataclass(frozen=True)
class NewRequest:
    source_event_id: str
    recipient_kind: str
    recipient_id: str
    purpose: str
    received_at: datetime
    not_before: datetime
    clinic_id: str | None = None
    session_ids: Sequence[str] = ()
    urgent: bool = False
    is_reply: bool = False
    channels: Sequence[str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    expires_at: datetime | None = None


def patient_state(r: asyncpg.Record) -> PatientState:
    return _patient(r)


def _patient(r: asyncpg.Record) -> PatientState:
    return PatientState(r["patient_id"], r["clinic_id"], r["phone"], r["email"], ZoneInfo(r["timezone"]),
                        r["locale"], tuple(r["channels"]), r["consent_sms"], r["consent_email"],
                        r["care_team_id"], r["discharged_at"] is not None, r["sms_opted_out"], r["phone_invalid"])


async def patient(conn: Conn, patient_id: str) -> PatientState | None:
    r = await conn.fetchrow(Q["patient"], patient_id)
    return _patient(r) if r else None


async def patient_by_phone(conn: Conn, phone: str) -> PatientState | None:
    r = await conn.fetchrow(Q["patients_by_phone"], phone)
    return _patient(r) if r else None


async def patients_by_phone(conn: Conn, phone: str) -> list[PatientState]:
    """Every patient with this phone (a shared phone has several), current ones first."""
    return [_patient(r) for r in await conn.fetch(Q["patients_by_phone"], phone)]


async def clinic(conn: Conn, clinic_id: str | None) -> ClinicState | None:
    r = await conn.fetchrow(Q["clinic"], clinic_id) if clinic_id else None
    return clinic_state(r) if r is not None else None


def clinic_state(r: asyncpg.Record) -> ClinicState:
    window = AllowedWindow(r["quiet_start"], r["quiet_end"]) if r["quiet_start"] and r["quiet_end"] else None
    return ClinicState(r["clinic_id"], r["public_name"], r["callback_phone"], ZoneInfo(r["timezone"]),
                       r["default_locale"], window)


async def care_team(conn: Conn, care_team_id: str | None) -> CareTeamState | None:
    r = await conn.fetchrow(Q["care_team"], care_team_id) if care_team_id else None
    if r is None:
        return None
    members = tuple(MemberContact(m["member_id"], bool(m.get("on_call")), m.get("phone"), m.get("email"))
                    for m in json.loads(r["members"]))
    return CareTeamState(r["care_team_id"], r["clinic_id"], members)


@dataclass(frozen=True)
class SessionState:
    facts: SessionFacts
    cancelled: bool


async def sessions(conn: Conn, session_ids: Sequence[str]) -> list[SessionState]:
    return [session_state(r) for r in await conn.fetch(Q["sessions"], list(session_ids))]


def session_state(r: asyncpg.Record) -> SessionState:
    return SessionState(SessionFacts(r["starts_at"], r["place_label"], r["telehealth"], r["join_url"]), r["cancelled"])


async def insert_request(conn: Conn, req: NewRequest) -> int | None:
    """Queue a notification; None when this (source event, recipient) was already queued."""
    value = await conn.fetchval(
        Q["insert_request"], req.source_event_id, req.recipient_kind, req.recipient_id, req.purpose,
        req.clinic_id, list(req.session_ids), req.urgent, req.is_reply,
        list(req.channels) if req.channels is not None else None, json.dumps(req.extra), req.expires_at,
        req.received_at, req.not_before, (carrier := current_carrier()).get("traceparent"),
        carrier.get("tracestate"))
    return int(value) if value is not None else None


async def request_for_update(conn: Conn, request_id: int) -> RequestRow | None:
    r = await conn.fetchrow(Q["request_for_update"], request_id)
    return request_row(r) if r is not None else None


def request_row(r: asyncpg.Record) -> RequestRow:
    return RequestRow(
        r["id"], r["source_event_id"], r["recipient_kind"], r["recipient_id"], r["purpose"], r["clinic_id"],
        tuple(r["session_ids"]), r["urgent"], r["is_reply"],
        tuple(r["channels"]) if r["channels"] is not None else None, frozenset(r["exclude_channels"]),
        json.loads(r["extra"]), r["expires_at"], r["received_at"], r["deferred"], r["state"],
        r["traceparent"], r["tracestate"])


async def set_request_state(conn: Conn, request_id: int, state: str, *, not_before: datetime | None = None,
                            deferred: bool = False) -> None:
    await conn.execute(Q["set_request_state"], request_id, state, not_before, deferred)


async def claim(conn: Conn, *, notification_id: str, request: RequestRow, channel: str, capped: bool,
                now: datetime, attempt: str, lease_s: float, address: str, body_digest: str) -> bool:
    """Claim (source event, recipient, channel) before calling a provider; False if it was claimed before."""
    got = await conn.fetchval(Q["claim"], notification_id, request.id, request.source_event_id,
                              request.recipient_kind, request.recipient_id, channel, capped, now, attempt,
                              lease_s, address, body_digest)
    return got is not None


async def prior_capped_sends(conn: Conn, recipient_id: str, since: datetime) -> list[datetime]:
    return [r["claimed_at"] for r in await conn.fetch(Q["prior_capped_sends"], recipient_id, since)]


async def set_phone_state(conn: Conn, phone: str, now: datetime, *, opted_out: bool | None = None,
                          invalid: bool | None = None) -> None:
    await conn.execute(Q["set_phone_state"], phone, opted_out, invalid, now)

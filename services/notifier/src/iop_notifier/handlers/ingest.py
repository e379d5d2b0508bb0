"""One short use case per consumed event; each runs in one transaction with the inbox claim."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta

from iop_notifier.adapters import repository as repo
from iop_notifier.adapters.sql import Q
from iop_shared.contracts.cloudevents import Envelope
from iop_shared.contracts.inbound import (
    CareTeamUpserted,
    ClinicUpserted,
    PatientUpserted,
    SessionCancelled,
    SessionUpserted,
)
from iop_shared.contracts.outbound import ReasonCode, ReminderDue, VisitMissed, VisitMissedRetracted
from iop_shared.contracts.tenancy import check_event_clinic, require_publisher, same_clinic
from iop_shared.db import claim_event, claim_events
from iop_shared.tracing import current_carrier

from . import conversations, events, paging, support
from .deps import CONSUMER, Deps

VISIT_MESSAGE_TTL = timedelta(hours=12)


@asynccontextmanager
async def applying(deps: Deps, event_id: str) -> AsyncIterator[repo.Conn | None]:
    """A transaction in which the event is applied once: yields None if it was applied before."""
    async with deps.pool.acquire() as conn, conn.transaction():
        yield conn if await claim_event(conn, CONSUMER, event_id) else None


async def _owner(conn: repo.Conn, query: str, entity_id: str) -> str | None:
    """The entity's owning clinic (row locked until the transaction ends), None when it is new."""
    owner: str | None = await conn.fetchval(Q[query], entity_id)
    return owner


async def on_clinic(deps: Deps, env: Envelope[ClinicUpserted]) -> None:
    c = env.data
    check_event_clinic(env.source, c.clinic_id)  # a clinic publishes only itself
    async with applying(deps, env.id) as conn:
        if conn is not None:
            qh = c.quiet_hours
            await conn.execute(Q["upsert_clinic"], c.clinic_id, c.public_name, c.callback_phone, c.timezone,
                               c.default_locale.value, qh.start if qh else None, qh.end if qh else None, c.revision)


async def on_patient(deps: Deps, env: Envelope[PatientUpserted]) -> None:
    """Another clinic's patient, or a care team of another clinic, is refused (tenant_mismatch)."""
    p = env.data
    check_event_clinic(env.source, p.clinic_id)
    async with applying(deps, env.id) as conn:
        if conn is not None:
            same_clinic("clinic_id", p.clinic_id, await _owner(conn, "owner_of_patient", p.patient_id))
            same_clinic("care_team_id", p.clinic_id, await _owner(conn, "owner_of_care_team", p.care_team_id))
            status = await conn.execute(Q["upsert_patient"], p.patient_id, p.clinic_id, p.phone, p.email,
                                        p.timezone, p.locale.value, [c.value for c in p.channels], p.consent.sms,
                                        p.consent.email, p.care_team_id, p.discharged_at, p.revision)
            if status.endswith(" 1"):  # this revision applied: it carries the whole set of support persons
                await support.replace(conn, p)
            consent = p.detailed_checkins  # its own statement: applies only where this revision did
            await conn.execute(Q["set_detailed_consent"], p.patient_id, consent.given_at if consent else None,
                               consent.method if consent else None, p.revision)


async def on_care_team(deps: Deps, env: Envelope[CareTeamUpserted]) -> None:
    """Only the team's own clinic may change who is paged for its patients."""
    t = env.data
    check_event_clinic(env.source, t.clinic_id)
    members = [m.model_dump(mode="json", exclude={"name", "role"}) for m in t.members]
    paged = 0
    async with applying(deps, env.id) as conn:
        if conn is not None:
            same_clinic("clinic_id", t.clinic_id, await _owner(conn, "owner_of_care_team", t.care_team_id))
            await conn.execute(Q["upsert_care_team"], t.care_team_id, t.clinic_id, json.dumps(members), t.revision)
            paged = await paging.team_arrived(conn, deps, t.care_team_id, deps.clock.now())
    if paged:
        deps.wake()


async def on_session(deps: Deps, env: Envelope[SessionUpserted]) -> None:
    s = env.data
    check_event_clinic(env.source, s.clinic_id)
    label = s.location.public_label if s.location else None
    async with applying(deps, env.id) as conn:
        if conn is not None:
            same_clinic("clinic_id", s.clinic_id, await _owner(conn, "owner_of_session", s.session_id))
            await conn.execute(Q["upsert_session"], s.session_id, s.clinic_id, s.starts_at, label,
                               s.telehealth is not None, s.revision,
                               str(s.telehealth.join_url) if s.telehealth else None, s.kind.value)


async def on_session_cancelled(deps: Deps, env: Envelope[SessionCancelled]) -> None:
    publisher = require_publisher(env.source)
    async with applying(deps, env.id) as conn:
        if conn is not None:
            same_clinic("clinic_id", publisher, await _owner(conn, "owner_of_session", env.data.session_id))
            await conn.execute(Q["cancel_session"], env.data.session_id, env.data.revision, publisher)


async def _queue_one(conn: repo.Conn, deps: Deps, r: ReminderDue) -> None:
    """One reminder's requests: a check-in that opens a conversation, or the reminder; its support persons'."""
    purpose = await conversations.purpose_for(conn, deps, r)
    if purpose is None:  # one check-in at a time: this prompt gives way to the open one
        await events.suppressed(conn, source_event_id=r.reminder_id, kind="patient", recipient_id=r.patient_id,
                                reason=ReasonCode.superseded, at=deps.clock.now())
    else:
        await repo.insert_request(conn, repo.NewRequest(
            source_event_id=r.reminder_id, recipient_kind="patient", recipient_id=r.patient_id,
            purpose=purpose, received_at=deps.clock.now(), not_before=r.due_at, clinic_id=r.clinic_id,
            session_ids=r.session_ids, urgent=r.urgent, expires_at=r.expires_at))
    await support.remind(conn, deps, r)


async def on_reminder(deps: Deps, env: Envelope[ReminderDue]) -> None:
    async with applying(deps, env.id) as conn:
        if conn is not None:
            await _queue_one(conn, deps, env.data)
    deps.wake()


async def on_reminders(deps: Deps, envs: Sequence[Envelope[ReminderDue]]) -> None:
    """A partition's run of reminders in one transaction: one inbox claim and one insert for the plain ones; a
    check-in that may open a conversation, and a patient with support persons, take the one-by-one path."""
    async with deps.pool.acquire() as conn, conn.transaction():
        fresh = await claim_events(conn, CONSUMER, [e.id for e in envs])
        new = [e.data for e in envs if e.id in fresh]
        supported = await support.patients_with_support(conn, new)
        special = [r for r in new if conversations.may_open(r) or r.patient_id in supported]
        plain = [r for r in new if not (conversations.may_open(r) or r.patient_id in supported)]
        if plain:
            await conn.fetch(
                Q["insert_requests"], [r.reminder_id for r in plain], [r.patient_id for r in plain],
                [r.purpose.value for r in plain], [r.clinic_id for r in plain],
                [json.dumps(list(r.session_ids)) for r in plain], [r.urgent for r in plain],
                [r.expires_at for r in plain], deps.clock.now(), [r.due_at for r in plain],
                (carrier := current_carrier()).get("traceparent"), carrier.get("tracestate"))
        for r in special:
            await _queue_one(conn, deps, r)
    deps.wake()


async def on_visit_missed(deps: Deps, env: Envelope[VisitMissed]) -> None:
    v = env.data
    async with applying(deps, env.id) as conn:
        if conn is not None:
            await repo.insert_request(conn, repo.NewRequest(
                source_event_id=f"visit-{v.visit_id}", recipient_kind="patient", recipient_id=v.patient_id,
                purpose="visit_missed", received_at=deps.clock.now(), not_before=deps.clock.now(),
                session_ids=[v.session_id], expires_at=v.detected_at + VISIT_MESSAGE_TTL))
    deps.wake()


async def on_visit_retracted(deps: Deps, env: Envelope[VisitMissedRetracted]) -> None:
    """The patient was there after all: a "we missed you" not yet sent is withdrawn."""
    async with applying(deps, env.id) as conn:
        if conn is None:
            return
        for r in await conn.fetch(Q["cancel_pending"], f"visit-{env.data.visit_id}"):
            await events.suppressed(conn, source_event_id=f"visit-{env.data.visit_id}", kind=r["recipient_kind"],
                                    recipient_id=r["recipient_id"], reason=ReasonCode.expired, at=deps.clock.now())

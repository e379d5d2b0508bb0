"""A leased batch of patient requests decided and claimed in one transaction, set-based.

The same locks, policy and claims as the one-by-one path (dispatch.process), in a constant number of
statements per batch: recipients locked in hash order, requests locked in id order, read models fetched
for all of them at once, the pure policy applied to each, claims inserted together. What needs more than
that (care-team pages, a recipient twice in the batch, routine messages to merge) is left to `process`.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from iop_notifier.adapters import repository as repo
from iop_notifier.adapters.providers import Outgoing, digest
from iop_notifier.adapters.sql import Q
from iop_notifier.domain.messages import Rendered, render
from iop_notifier.domain.policy import Send
from iop_shared.logging import get_logger

from .deps import Deps
from .experiment_arms import record_arm
from .planning import Facts, Plan, plan_patient

log = get_logger(__name__)


@dataclass
class Outcome:
    """What the batch claimed (to send now) and the request ids left to the one-by-one path."""

    claimed: list[tuple[repo.RequestRow, Outgoing]] = field(default_factory=list)
    one_by_one: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class _Claim:
    req: repo.RequestRow
    out: Outgoing
    capped: bool
    body_digest: str


async def decide_and_claim(deps: Deps, ids: list[int]) -> Outcome:
    """Decide and claim the leased requests `ids`; the rest of them is returned for `process`."""
    result = Outcome()
    async with deps.pool.acquire() as conn, conn.transaction():
        recipients = [r["recipient_id"] for r in await conn.fetch(Q["recipients_of"], ids)]
        await conn.fetchval(Q["lock_recipients"], recipients)  # before any row, as the one-by-one path
        reqs = [repo.request_row(r) for r in await conn.fetch(Q["requests_for_update"], ids)]
        now = deps.clock.now()
        mine = await _batchable(conn, reqs, now)
        result.one_by_one = [r.id for r in reqs if r.id not in mine]
        facts = await _facts(conn, [r for r in reqs if r.id in mine], now)
        claims: list[_Claim] = []
        rendered: dict[tuple[str, str, str], Rendered] = {}  # a burst's messages mostly read the same
        for req in (r for r in reqs if r.id in mine):
            plan = plan_patient(deps, req, now, facts[req.id])
            if plan is None:  # waiting for the recipient's data to arrive
                await repo.set_request_state(conn, req.id, "pending", not_before=now + timedelta(seconds=2))
            elif isinstance(plan.decision, Send):
                await record_arm(conn, req, plan.arm, now)
                claims.append(_claim(req, plan, rendered))
            else:
                from .dispatch import _apply  # suppressions and deferrals are rare: the one-by-one code
                await _apply(conn, deps, req, plan, now)
        result.claimed = await _insert_claims(conn, deps, claims, now)
    return result


async def _batchable(conn: repo.Conn, reqs: list[repo.RequestRow], now: datetime) -> set[int]:
    """Patient requests whose recipient is once in the batch and has no routine message due besides."""
    per_recipient: dict[str, int] = defaultdict(int)
    for r in reqs:
        per_recipient[r.recipient_id] += 1
    candidates = [r for r in reqs if r.recipient_kind == "patient" and per_recipient[r.recipient_id] == 1]
    busy = {row["recipient_id"] for row in await conn.fetch(
        Q["with_others_due"], [r.recipient_id for r in candidates], [r.id for r in reqs], now)}
    return {r.id for r in candidates if r.recipient_id not in busy}


async def _facts(conn: repo.Conn, reqs: list[repo.RequestRow], now: datetime) -> dict[int, Facts]:
    patients = {p.patient_id: p for p in map(repo.patient_state, await conn.fetch(
        Q["patients"], [r.recipient_id for r in reqs]))}
    clinic_of = {r.id: r.clinic_id or (patients[r.recipient_id].clinic_id if r.recipient_id in patients else None)
                 for r in reqs}
    clinics = {c.clinic_id: c for c in map(repo.clinic_state, await conn.fetch(
        Q["clinics"], list({c for c in clinic_of.values() if c})))}
    sessions = {row["session_id"]: repo.session_state(row) for row in await conn.fetch(
        Q["sessions"], list({s for r in reqs for s in r.session_ids}))}
    prior: dict[str, list[datetime]] = defaultdict(list)
    for row in await conn.fetch(Q["prior_capped_sends_of"], [r.recipient_id for r in reqs], now - timedelta(days=8)):
        prior[row["recipient_id"]].append(row["claimed_at"])
    return {r.id: Facts(patients.get(r.recipient_id), clinics.get(clinic_of[r.id] or ""),
                        [sessions[s] for s in dict.fromkeys(r.session_ids) if s in sessions], prior[r.recipient_id])
            for r in reqs}


def _claim(req: repo.RequestRow, plan: Plan, rendered: dict[tuple[str, str, str], Rendered]) -> _Claim:
    assert isinstance(plan.decision, Send)
    channel = plan.channels[0]
    # Rendering is pure: the same purpose, locale and variables (repr keeps types apart) give the same message.
    key = (req.purpose, plan.locale, repr(plan.variables))
    message = rendered.get(key) or rendered.setdefault(key, render(req.purpose, plan.locale, plan.variables))
    body = message.sms if channel == "sms" else message.text
    out = Outgoing(f"ntf-{uuid.uuid4().hex}", req.recipient_kind, req.recipient_id, channel,
                   plan.addresses[channel], message, urgent=req.urgent or req.is_reply, attempt=uuid.uuid4().hex,
                   traceparent=req.traceparent, tracestate=req.tracestate)
    return _Claim(req, out, plan.decision.counts_against_cap, digest(body))


async def _insert_claims(conn: repo.Conn, deps: Deps, claims: list[_Claim],
                         now: datetime) -> list[tuple[repo.RequestRow, Outgoing]]:
    if not claims:
        return []
    got = {r["notification_id"] for r in await conn.fetch(
        Q["claim_many"], [c.out.notification_id for c in claims], [c.req.id for c in claims],
        [c.req.source_event_id for c in claims], [c.req.recipient_kind for c in claims],
        [c.req.recipient_id for c in claims], [c.out.channel for c in claims], [c.capped for c in claims],
        [c.out.attempt for c in claims], [c.out.address for c in claims], now, deps.settings.lease_s,
        [c.body_digest for c in claims])}
    for c in claims:
        if c.out.notification_id not in got:
            log.warning("already_claimed_not_sent_again", request_id=c.req.id, channel=c.out.channel)
    await conn.execute(Q["set_request_states"], [c.req.id for c in claims],
                       ["sending" if c.out.notification_id in got else "done" for c in claims])
    return [(c.req, c.out) for c in claims if c.out.notification_id in got]

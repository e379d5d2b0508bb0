"""The dispatcher: decides each due notification under the policy, claims it in the ledger, then sends it.

Claim-before-send: the ledger row (source event, recipient, channel) commits before the provider is called,
so neither a crash nor a redelivered event can send a second message; a claim never started is released and
sent after recovery, one whose outcome was lost is reconciled with the provider (handlers/recovery.py).
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from iop_notifier.adapters import repository as repo
from iop_notifier.adapters.providers import Outgoing, digest
from iop_notifier.adapters.sql import Q
from iop_notifier.domain.messages import render
from iop_notifier.domain.policy import Defer, Send, Suppress, merge_winner
from iop_shared.contracts.outbound import ReasonCode
from iop_shared.logging import get_logger

from . import events, freshness
from .deps import Deps
from .experiment_arms import record_arm
from .planning import Plan, plan_request
from .sending import send_claimed

log = get_logger(__name__)
URGENT_CONCURRENCY = 16  # the urgent lane's own pool of provider calls (pages, crisis replies)


async def dispatch_due(deps: Deps, lane: bool | None = None) -> int:
    """Lease a batch of due notifications and process them concurrently; return how many.

    `lane` True leases only urgent requests and replies, False only routine ones, None both."""
    now = deps.clock.now()
    rows = await deps.pool.fetch(Q["lease_lane"], now, deps.settings.lease_s, deps.settings.dispatch_batch, lane)
    gate = asyncio.Semaphore(deps.settings.dispatch_concurrency if lane is not True else URGENT_CONCURRENCY)

    async def one(request_id: int) -> None:
        async with gate:
            await guarded(deps, request_id)

    await asyncio.gather(*(one(r["id"]) for r in rows))
    return len(rows)


async def guarded(deps: Deps, request_id: int) -> None:
    """`process`, a failure logged: the lease expires and the request is tried again."""
    try:
        await process(deps, request_id)
    except Exception:
        log.exception("dispatch_failed", request_id=request_id)


async def process(deps: Deps, request_id: int) -> None:
    """Decide, claim and send one request."""
    claimed = await _decide_and_claim(deps, request_id)
    if claimed is None:
        return
    for out in claimed.outgoing:
        fresh = await freshness.latest(deps, claimed.request, out)  # the session may have moved since the claim
        if fresh is None:
            await freshness.withdraw(deps, claimed.request, out)
            continue
        await send_claimed(deps, claimed.request, fresh)


@dataclass(frozen=True)
class Claimed:
    request: repo.RequestRow
    outgoing: list[Outgoing]


async def _decide_and_claim(deps: Deps, request_id: int) -> Claimed | None:
    async with deps.pool.acquire() as conn, conn.transaction():
        # One recipient at a time (caps, merging), locked before the row so a waiting worker holds no row lock.
        await conn.execute(Q["lock_recipient"], await conn.fetchval(Q["recipient_of"], request_id))
        req = await repo.request_for_update(conn, request_id)
        if req is None or req.state not in ("pending", "leased"):
            return None
        now = deps.clock.now()
        plan = await plan_request(conn, deps, req, now)
        if plan is None:  # waiting for the recipient's data to arrive
            await repo.set_request_state(conn, req.id, "pending", not_before=now + timedelta(seconds=2))
            return None
        if isinstance(plan.decision, Send):
            await record_arm(conn, req, plan.arm, now)
        return await _apply(conn, deps, req, plan, now)


async def _apply(conn: repo.Conn, deps: Deps, req: repo.RequestRow, plan: Plan, now: datetime) -> Claimed | None:
    decision = plan.decision
    if isinstance(decision, Suppress):
        await repo.set_request_state(conn, req.id, "done")
        await events.suppressed(conn, source_event_id=req.source_event_id, kind=req.recipient_kind,
                                recipient_id=req.recipient_id, reason=decision.reason, at=now)
        return None
    if isinstance(decision, Defer):
        await repo.set_request_state(conn, req.id, "pending", not_before=decision.until, deferred=True)
        if not req.deferred:
            await events.suppressed(conn, source_event_id=req.source_event_id, kind=req.recipient_kind,
                                    recipient_id=req.recipient_id, reason=decision.reason, at=now)
        return None
    assert isinstance(decision, Send)
    # A support person's reminders are not merged: which of them they may see is decided per reminder (the
    # session's kind), so a merge could keep the one they are not invited to and drop the one they are.
    if decision.counts_against_cap and req.recipient_kind != "support_person" \
            and await _absorbs_others(conn, req, now) is False:
        await repo.set_request_state(conn, req.id, "done")
        await events.suppressed(conn, source_event_id=req.source_event_id, kind=req.recipient_kind,
                                recipient_id=req.recipient_id, reason=ReasonCode.merged, at=now)
        deps.wake()
        return None
    message = render(req.purpose, plan.locale, plan.variables)
    outgoing = []
    for channel in plan.channels:
        notification_id, attempt = f"ntf-{uuid.uuid4().hex}", uuid.uuid4().hex
        body = message.sms if channel == "sms" else message.text
        if await repo.claim(conn, notification_id=notification_id, request=req, channel=channel,
                            capped=decision.counts_against_cap, now=now, attempt=attempt, lease_s=deps.settings.lease_s,
                            address=plan.addresses[channel], body_digest=digest(body)):
            outgoing.append(Outgoing(notification_id, req.recipient_kind, req.recipient_id, channel,
                                     plan.addresses[channel], message, urgent=req.urgent or req.is_reply,
                                     attempt=attempt, traceparent=req.traceparent, tracestate=req.tracestate))
        else:
            log.warning("already_claimed_not_sent_again", request_id=req.id, channel=channel)
    await repo.set_request_state(conn, req.id, "sending" if outgoing else "done")
    return Claimed(req, outgoing)


async def _absorbs_others(conn: repo.Conn, req: repo.RequestRow, now: datetime) -> bool | None:
    """Merge routine messages due together for one recipient: the winner goes, the others are suppressed
    as `merged`. Returns None when nothing else is due, True when `req` won, False when another one did."""
    others = await conn.fetch(Q["due_together"], req.recipient_id, req.id, now)
    if not others:
        return None
    winner = merge_winner([(req.id, req.purpose), *((r["id"], r["purpose"]) for r in others)])
    for r in others:
        if r["id"] != winner:
            await repo.set_request_state(conn, r["id"], "done")
            await events.suppressed(conn, source_event_id=r["source_event_id"], kind=r["recipient_kind"],
                                    recipient_id=req.recipient_id, reason=ReasonCode.merged, at=now)
    return winner == req.id


async def run_dispatcher(deps: Deps, stop: asyncio.Event) -> None:
    """The routine and the urgent lane (handlers/lanes.py), until `stop`."""
    from .lanes import run_lanes  # the lanes build on this module

    await run_lanes(deps, stop)

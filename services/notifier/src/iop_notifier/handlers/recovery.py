"""After a crash or an ambiguous provider error: send what the provider never saw, ask it about the rest.

Nothing here runs on the replicas' clocks: the database's now() decides which claims are released and
which calls have run too long, so a replica whose clock is off cannot take over or fail a live send.
"""

from __future__ import annotations

from typing import Any

from iop_notifier.adapters.providers import Lookup, Undecidable
from iop_notifier.adapters.sql import Q
from iop_shared.contracts.outbound import NotificationChannel, ReasonCode
from iop_shared.logging import get_logger

from . import events
from .deps import Deps
from .sending import record_sent

log = get_logger(__name__)
BATCH = 100


async def recover_claims(deps: Deps) -> int:
    """Release claims whose process died before the provider call; reconcile unknown outcomes. Returns how many."""
    released = await deps.pool.fetch(Q["release_unstarted"], BATCH)
    if released:
        log.info("unstarted_claims_released", count=len(released))
        deps.wake()
    s = deps.settings
    rows = await deps.pool.fetch(Q["due_reconcile"], s.reaper_after_s, s.reconcile_after_s, BATCH)
    for r in rows:
        try:
            await _reconcile(deps, r)
        except Exception:  # tried again at the next sweep (reconcile_at moved on)
            log.exception("reconcile_failed", notification_id=r["notification_id"])
    return len(released) + len(rows)


async def _reconcile(deps: Deps, r: Any) -> None:
    if r["address"] is None or r["body_digest"] is None:  # claimed before the ledger kept what to look for
        await _give_up(deps, r, "no_lookup_data")
        return
    known = frozenset(x["provider_message_id"] for x in await deps.pool.fetch(
        Q["known_provider_ids"], r["address"], r["since"]))
    query = Lookup(r["notification_id"], r["address"], r["body_digest"], r["since"], known)
    try:
        found = await deps.senders[r["channel"]].lookup(query)
    except Undecidable as exc:
        if exc.final or r["overdue"]:
            await _give_up(deps, r, exc.reason)
        return
    if found is None:
        if await deps.pool.fetchval(Q["retry_not_created"], r["id"]) is not None:
            log.info("provider_has_no_message_sending_again", notification_id=r["notification_id"])
            deps.wake()
        return
    async with deps.pool.acquire() as conn, conn.transaction():
        if await record_sent(conn, deps, r["request_id"], r["notification_id"], found, deps.clock.now()):
            log.info("reconciled_as_sent", notification_id=r["notification_id"])


async def _give_up(deps: Deps, r: Any, reason: str) -> None:
    """The provider cannot tell: reported `outcome_unknown` (with why in the ledger), never sent again."""
    log.warning("outcome_unknown", notification_id=r["notification_id"], reason=reason)
    async with deps.pool.acquire() as conn, conn.transaction():
        now = deps.clock.now()
        if await conn.fetchval(Q["mark_failed"], r["notification_id"], None, f"outcome_unknown:{reason}",
                               now) is None:
            return
        await conn.execute(Q["set_request_state"], r["request_id"], "done", None, False)
        await events.failed(conn, notification_id=r["notification_id"], source_event_id=r["source_event_id"],
                            kind=r["recipient_kind"], recipient_id=r["recipient_id"],
                            channel=NotificationChannel(r["channel"]), reason=ReasonCode.provider_error,
                            error_code="outcome_unknown", at=now)

"""One claimed message through its provider, recorded truthfully whatever the provider answers.

The claim's fencing token must still be current when the call starts (recovery may have given the claim to
another worker); the start is recorded first, so a crash after it is reconciled with the provider instead
of being sent again or guessed failed.
"""

from __future__ import annotations

from datetime import datetime

from iop_notifier.adapters import repository as repo
from iop_notifier.adapters.providers import Accepted, Outgoing, ProviderAmbiguous, ProviderRejected
from iop_notifier.adapters.sql import Q
from iop_shared.contracts.outbound import NotificationChannel, ReasonCode
from iop_shared.logging import get_logger

from . import events
from .deps import Deps
from .marks import SentItem, marks_of
from .webhooks import apply_early

log = get_logger(__name__)


async def send_claimed(deps: Deps, req: repo.RequestRow, out: Outgoing) -> None:
    """Start the provider call if the claim is still ours, then record sent, failed or unknown."""
    # Rate-limit waits come before the start is recorded: a crash while waiting leaves a claim never started.
    await deps.senders[out.channel].pace(out)
    marks = marks_of(deps)
    if not await marks.start.submit(out):
        log.info("claim_taken_over_not_sent", notification_id=out.notification_id)
        return
    try:
        accepted = await deps.senders[out.channel].send(out)
    except ProviderAmbiguous as exc:
        log.warning("provider_outcome_unknown", notification_id=out.notification_id, provider=exc.provider,
                    code=exc.code)
        await deps.pool.execute(Q["mark_unknown"], out.notification_id, exc.provider, exc.code, deps.clock.now(),
                                deps.settings.reconcile_after_s)
        return
    except ProviderRejected as exc:
        await record_failure(deps, req, out, exc)
        return
    if not await marks.sent.submit(SentItem(req, out, accepted)):  # batched with the other senders' records
        log.error("sent_after_claim_was_settled", notification_id=out.notification_id)


async def record_sent(conn: repo.Conn, deps: Deps, request_id: int, notification_id: str, accepted: Accepted,
                      now: datetime) -> bool:
    """The provider has the message: ledger, request and `sent` event, then any callbacks that came early."""
    req = await repo.request_for_update(conn, request_id)  # request before ledger, as the dispatcher locks
    assert req is not None
    if await conn.fetchval(Q["mark_sent"], notification_id, accepted.status, accepted.provider,
                           accepted.provider_message_id, now) is None:
        return False  # recorded already (by reconciliation, or the other way round)
    await repo.set_request_state(conn, req.id, "done")
    await events.sent(conn, notification_id=notification_id, source_event_id=req.source_event_id,
                      kind=req.recipient_kind, recipient_id=req.recipient_id, channel=accepted.event_channel,
                      provider_message_id=accepted.provider_message_id, at=now, reason=_sent_reason(req))
    await apply_early(conn, accepted.provider_message_id, now)
    return True


def _sent_reason(req: repo.RequestRow) -> ReasonCode | None:
    if req.exclude_channels:
        return ReasonCode.fallback_used
    reason = req.extra.get("reason")  # e.g. a page to the fallback roster
    return ReasonCode(reason) if reason else None


async def record_failure(deps: Deps, req: repo.RequestRow, out: Outgoing, exc: ProviderRejected) -> None:
    """A definite refusal: `failed` event, the number's state, and the patient's fallback channel."""
    log.warning("provider_rejected", notification_id=out.notification_id, provider=exc.provider, code=exc.code)
    async with deps.pool.acquire() as conn, conn.transaction():
        now = deps.clock.now()
        if await conn.fetchval(Q["mark_failed"], out.notification_id, exc.provider, exc.code, now) is None:
            return
        await events.failed(conn, notification_id=out.notification_id, source_event_id=req.source_event_id,
                            kind=req.recipient_kind, recipient_id=req.recipient_id,
                            channel=NotificationChannel(out.channel), reason=exc.reason, error_code=exc.code, at=now)
        if out.channel == "sms" and exc.reason in (ReasonCode.opted_out, ReasonCode.invalid_address):
            await repo.set_phone_state(conn, out.address, now, opted_out=exc.reason == ReasonCode.opted_out or None,
                                       invalid=exc.reason == ReasonCode.invalid_address or None)
        if req.recipient_kind == "patient" and req.channels is None and out.channel == "sms":
            # Fall back to the next channel (email) through the policy, which still checks consent.
            await conn.execute(Q["repend_without_channel"], req.id, out.channel, now)
            deps.wake()
        else:
            await repo.set_request_state(conn, req.id, "done")

"""Never a stale session notice: a claimed message is checked against the sessions read model just before it
goes, re-rendered when the session moved again, and withdrawn when what it says no longer holds."""

from __future__ import annotations

from dataclasses import replace

from iop_notifier.adapters import repository as repo
from iop_notifier.adapters.providers import Outgoing
from iop_notifier.adapters.sql import Q
from iop_notifier.domain.messages import render
from iop_shared.contracts.outbound import NotificationChannel, ReasonCode
from iop_shared.logging import get_logger

from . import events
from .deps import Deps
from .planning import session_variables

log = get_logger(__name__)
# The notices a reschedule storm produces; routine reminders skip the extra reads on the hot path.
NOTICES = frozenset({"session_changed", "session_cancelled"})


async def latest(deps: Deps, req: repo.RequestRow, out: Outgoing) -> Outgoing | None:
    """The message as the latest session revisions say it; None when it no longer holds."""
    if req.recipient_kind != "patient" or req.purpose not in NOTICES or req.is_reply:
        return out
    async with deps.pool.acquire() as conn:
        patient = await repo.patient(conn, req.recipient_id)
        clinic = await repo.clinic(conn, req.clinic_id or (patient.clinic_id if patient else None))
        known = await repo.sessions(conn, req.session_ids)
    if patient is None or clinic is None or not known:
        return out
    live = [s for s in known if not s.cancelled]
    # A cancellation no longer holds once every session is on again; any other notice once all are cancelled
    # (the cancellation's own notice says so).
    if (len(live) == len(known)) if req.purpose == "session_cancelled" else not live:
        return None
    message = render(req.purpose, patient.locale, session_variables(req, clinic, patient, known))
    if message != out.message:
        log.info("notice_rerendered", notification_id=out.notification_id, purpose=req.purpose)
    return replace(out, message=message)


async def withdraw(deps: Deps, req: repo.RequestRow, out: Outgoing) -> None:
    """A claimed message that no longer holds is not sent; its ledger row says why (not counted in caps)."""
    async with deps.pool.acquire() as conn, conn.transaction():
        now = deps.clock.now()
        await conn.execute(Q["mark_failed"], out.notification_id, None, "withdrawn_stale", now)
        await repo.set_request_state(conn, req.id, "done")
        await events.suppressed(conn, source_event_id=req.source_event_id, kind=req.recipient_kind,
                                recipient_id=req.recipient_id, reason=ReasonCode.superseded, at=now,
                                channel=NotificationChannel(out.channel))
    log.info("notice_withdrawn", notification_id=out.notification_id, purpose=req.purpose)

"""What a signed-in user does: acknowledge or resolve a flag (the attendance service owns flags and publishes the
outcome) and open a concern (the notifier holds its text).

The dashboard never changes a flag locally: its page updates when the resulting event comes back from Kafka,
so what it shows is always what the rest of the system saw. Records of another clinic answer 404, exactly as
unknown ones do, so nobody learns which ids exist elsewhere.
"""

from __future__ import annotations

from typing import Any

from .. import metrics
from ..adapters import repository as repo
from ..adapters.attendance import FlagAction, FlagActionError
from ..adapters.db import connection, transaction
from ..adapters.notifier import ConcernError, OpenedConcern
from ..domain.users import User
from .context import Context


async def act_on_flag(ctx: Context, user: User, flag_id: str, action: FlagAction,
                      note: str | None) -> dict[str, Any]:
    """Acknowledge or resolve a flag of one of the user's clinics, recorded as done by the user."""
    try:
        async with connection(ctx.pool) as conn:
            clinic = await repo.flag_clinic(conn, flag_id)
        if not user.sees(clinic):
            raise FlagActionError(404, "no such flag")
        result = await ctx.attendance.act(flag_id, action, user.user_id, note)
    except FlagActionError as exc:
        metrics.FLAG_ACTIONS.labels(action, str(exc.status)).inc()
        raise
    metrics.FLAG_ACTIONS.labels(action, "200").inc()
    return result


async def open_concern(ctx: Context, user: User, concern_id: str) -> OpenedConcern:
    """Fetch the concern's text from the notifier for this user and mark it opened in the read model."""
    async with connection(ctx.pool) as conn:
        clinic = await repo.concern_clinic(conn, concern_id)
    if clinic is None or not user.sees(clinic):
        metrics.CONCERNS_OPENED.labels("404").inc()
        raise ConcernError(404, "no such concern")
    try:
        opened = await ctx.notifier.open_concern(concern_id, clinic, user.user_id)
    except ConcernError as exc:
        metrics.CONCERNS_OPENED.labels(str(exc.status)).inc()
        raise
    async with transaction(ctx.pool) as conn:
        if await repo.concern_opened(conn, concern_id, opened.opened_at, opened.opened_by):
            await repo.notify_changed(conn, ctx.channel)
    metrics.CONCERNS_OPENED.labels("200").inc()
    return opened

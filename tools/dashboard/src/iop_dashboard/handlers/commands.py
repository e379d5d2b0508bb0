"""Acknowledge and resolve: performed by the attendance service, which owns flags and publishes the outcome.

The dashboard changes nothing locally: its page updates when the resulting event comes back from Kafka,
so what it shows is always what the rest of the system saw.
"""

from __future__ import annotations

from typing import Any

from .. import metrics
from ..adapters.attendance import FlagAction, FlagActionError
from .context import Context


async def act_on_flag(ctx: Context, flag_id: str, action: FlagAction, by: str | None,
                      note: str | None) -> dict[str, Any]:
    """Ask the attendance service to acknowledge or resolve a flag, as `by` (the configured operator if none)."""
    try:
        result = await ctx.attendance.act(flag_id, action, by or ctx.settings.operator_id, note)
    except FlagActionError as exc:
        metrics.FLAG_ACTIONS.labels(action, str(exc.status)).inc()
        raise
    metrics.FLAG_ACTIONS.labels(action, "200").inc()
    return result

"""The triage queue: texts nobody could read, for the dashboard; opening one shows its text and stops escalation."""

from __future__ import annotations

from typing import Any

from iop_notifier.adapters.sql import Q
from iop_shared.logging import get_logger

from .deps import Deps

log = get_logger(__name__)


async def list_concerns(deps: Deps, clinic_id: str, *, open_only: bool) -> list[dict[str, Any]]:
    """A clinic's concerns, oldest first, without their text."""
    rows = await deps.pool.fetch(Q["concerns"], clinic_id, not open_only)
    return [dict(r) for r in rows]


async def open_concern(deps: Deps, concern_id: str, clinic_id: str, by: str) -> dict[str, Any] | None:
    """Record who opened a concern (the first opener stays) and return it with its raw text; None if unknown."""
    async with deps.pool.acquire() as conn, conn.transaction():
        row = await conn.fetchrow(Q["open_concern"], concern_id, clinic_id, deps.clock.now(), by)
        if row is None:
            return None
        text = await conn.fetchval(Q["inbound_body"], row["message_id"])
    log.info("concern_opened", concern_id=concern_id, clinic_id=clinic_id, by=by)
    out = {k: row[k] for k in ("concern_id", "patient_id", "clinic_id", "received_at", "opened_at", "opened_by")}
    return {**out, "text": text}  # None once the retention period purged it

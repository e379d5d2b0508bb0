"""Server-sent events for dashboards: visit, risk and attendance summaries as they happen (ids, no personal data).

It follows the outbox and the attendance records in PostgreSQL with cursors rather than consuming Kafka, so
every replica serves the same stream and a reconnecting client resumes from its Last-Event-ID.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

from ..adapters.db import connection
from ..adapters.sql import q
from .context import Context

BATCH = 500


def parse_last_event_id(value: str | None) -> tuple[int, int] | None:
    """Our event ids are `<outbox id>-<record seq>`; anything else starts from now."""
    try:
        outbox, records = (value or "").split("-")
        return int(outbox), int(records)
    except ValueError:
        return None


async def events(ctx: Context, clinic_id: str | None, *, start: tuple[int, int] | None = None,
                 poll_seconds: float = 1.0,
                 stopped: Callable[[], Any] | None = None) -> AsyncIterator[dict[str, str]]:
    """Yield SSE dicts (event, id, data) until `stopped()` is true; starts from now unless given cursors."""
    async with connection(ctx.pool) as conn:
        if start is None:
            row = await conn.fetchrow(q("stream_cursors"))
            assert row is not None
            start = (int(row["outbox"]), int(row["records"]))
    outbox_at, records_at = start
    while not (stopped and await _maybe_await(stopped())):
        async with connection(ctx.pool) as conn:
            produced = await conn.fetch(q("stream_outbox"), outbox_at, clinic_id, BATCH)
            records = await conn.fetch(q("stream_records"), records_at, clinic_id, BATCH)
        for r in produced:
            outbox_at = r["id"]
            yield {"event": r["ce_type"], "id": f"{outbox_at}-{records_at}", "data": r["data"]}
        for r in records:
            records_at = r["seq"]
            data = {"session_id": r["session_id"], "patient_id": r["patient_id"], "status": r["status"],
                    "recorded_at": r["recorded_at"].isoformat(), "source": r["source"]}
            yield {"event": "iop.attendance.recorded.v1", "id": f"{outbox_at}-{records_at}",
                   "data": json.dumps(data)}
        if len(produced) < BATCH and len(records) < BATCH:
            await asyncio.sleep(poll_seconds)


async def _maybe_await(value: Any) -> Any:
    return await value if asyncio.iscoroutine(value) else value

"""Moved and cancelled sessions: coalesce the notices about one session so a patient hears the latest once."""

from __future__ import annotations

from datetime import datetime

from ..adapters.repository import Repository
from ..domain.model import Reminder, SessionView
from ..domain.notices import Coalesced, coalesce_cancelled, coalesce_moved
from .deps import Deps
from .planning import record


async def session_moved(repo: Repository, deps: Deps, old: SessionView | None, new: SessionView, now: datetime,
                        zones: dict[str, str]) -> list[Reminder]:
    """Replace (or withdraw) the unsent notices of a session that moved or came back; return the new ones."""
    pending = await repo.pending_notices(new.session_id)
    return await _apply(repo, deps, new.session_id, coalesce_moved(old, new, now, deps.policy, zones, pending))


async def session_cancelled(repo: Repository, deps: Deps, session: SessionView, revision: int, now: datetime,
                            zones: dict[str, str]) -> list[Reminder]:
    """Turn the unsent notices of a cancelled session into one cancellation each (or none)."""
    pending = await repo.pending_notices(session.session_id)
    await repo.withdraw_session_notices(session.session_id)  # nothing else pending about it still holds
    c = coalesce_cancelled(session, revision, now, deps.policy, zones, pending)
    return await _apply(repo, deps, session.session_id, c)


async def _apply(repo: Repository, deps: Deps, session_id: str, c: Coalesced) -> list[Reminder]:
    replaced = sorted(set(c.withdraw) | {n.patient_id for n in c.notices})
    if replaced:
        await repo.withdraw_session_notices(session_id, replaced)
    await repo.insert_notices(c)
    record(deps, c.notices)
    return c.notices

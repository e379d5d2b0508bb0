"""What to do with a claimed, due reminder: send it, or skip it with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .model import Kind


@dataclass(frozen=True)
class DueRow:
    """A claimed plan row joined with the state that decides whether it is still useful."""

    reminder_id: str
    kind: Kind
    purpose: str
    due_at: datetime
    expires_at: datetime
    plan_version: int
    current_plan_version: int
    discharged: bool
    sessions_cancelled: bool


def skip_reason(row: DueRow, now: datetime) -> str | None:
    """None when the reminder should go out now; else why it is no longer useful."""
    if row.discharged:
        return "discharged"
    if row.expires_at <= now:
        return "expired"
    if row.kind is Kind.cadence and row.plan_version != row.current_plan_version:
        return "superseded"
    if row.kind is Kind.cadence and row.sessions_cancelled:
        return "cancelled"
    return None

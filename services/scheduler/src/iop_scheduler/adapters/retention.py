"""The scheduler's retention families, purged by the kernel's retention timer."""

from __future__ import annotations

from datetime import timedelta

from iop_shared.retention import Purge

from ..settings import Settings
from .repository import sql


def purges(settings: Settings) -> list[Purge]:
    """Finished plan rows (SCHEDULER_PLAN_RETENTION); sessions and confirmations (SCHEDULER_SESSION_RETENTION)."""
    sessions = timedelta(seconds=settings.session_retention)
    return [Purge("reminders", sql("purge_reminders"), timedelta(seconds=settings.plan_retention)),
            Purge("sessions", sql("purge_sessions"), sessions),
            Purge("confirmations", sql("purge_confirmations"), sessions)]

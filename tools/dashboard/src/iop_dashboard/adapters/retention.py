"""The dashboard's retention families, purged by the kernel's retention timer.

The dashboard is a read model: the attendance service and the notifier keep the records and audits. It keeps
what its charts and lists show (DASHBOARD_HISTORY_RETENTION) and closed items a while (DASHBOARD_CLOSED_RETENTION);
open flags and unopened concerns are never purged.
"""

from __future__ import annotations

from datetime import timedelta

from iop_shared.retention import Purge

from ..settings import Settings
from .sql import q


def purges(settings: Settings) -> list[Purge]:
    """Sessions, attendance, missed visits and counts (history); resolved flags, opened concerns, notes (closed)."""
    history, closed = timedelta(seconds=settings.history_retention), timedelta(seconds=settings.closed_retention)
    return [Purge("sessions", q("purge_sessions"), history), Purge("attendance", q("purge_attendance"), history),
            Purge("missed_visits", q("purge_missed_visits"), history),
            Purge("notification_counts", q("purge_notification_counts"), history),
            Purge("resolved_flags", q("purge_resolved_flags"), closed),
            Purge("opened_concerns", q("purge_opened_concerns"), closed),
            Purge("unpaged_flags", q("purge_unpaged_flags"), closed)]

"""The attendance service's retention families, purged by the kernel's retention timer.

Visits, records at known sessions, check-ins and flags are the clinical history the care team reads (timelines,
program summaries, acknowledgements): they are kept.
"""

from __future__ import annotations

from datetime import timedelta

from iop_shared.retention import Purge

from ..settings import Settings
from .sql import q


def purges(settings: Settings) -> list[Purge]:
    """Prompts (ATTENDANCE_PROMPT_RETENTION) and records at unknown sessions (ATTENDANCE_ORPHAN_RETENTION)."""
    return [Purge("prompts", q("purge_prompts"), timedelta(seconds=settings.prompt_retention)),
            Purge("orphan_records", q("purge_orphan_records"), timedelta(seconds=settings.orphan_retention))]

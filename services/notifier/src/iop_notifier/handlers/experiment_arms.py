"""Reminder experiments in the notifier: a reminder of an enrolled patient carries its arm's wording and records
the arm it went out under (`experiment_sends`). Arms' cadences are the scheduler's to apply (not yet)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from iop_notifier.adapters import repository as repo
from iop_notifier.adapters.sql import Q
from iop_shared.experiments import Experiment, assign, enrolled

PURPOSES = frozenset({"upcoming_session"})


async def apply_arm(conn: repo.Conn, experiments: list[Experiment], req: repo.RequestRow, clinic_id: str,
                    now: datetime) -> dict[str, Any]:
    """The arm's template variables for this reminder (none outside an experiment), its arm recorded."""
    if req.purpose not in PURPOSES or req.recipient_kind != "patient":
        return {}
    for e in experiments:
        if e.clinic_id == clinic_id and enrolled(e, now):
            arm = assign(e, req.recipient_id)
            await conn.execute(Q["record_arm"], req.id, e.experiment_id, arm.name, req.recipient_id, now)
            return {"variant": arm.template_variant} if arm.template_variant else {}
    return {}

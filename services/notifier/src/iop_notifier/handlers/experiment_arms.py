"""Reminder experiments in the notifier: a reminder of an enrolled patient carries its arm's wording and records
the arm it went out under (`experiment_sends`). Arms' cadences are the scheduler's (SCHEDULER_EXPERIMENTS)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from iop_notifier.adapters import repository as repo
from iop_notifier.adapters.sql import Q
from iop_shared.experiments import Experiment, assign, enrolled

PURPOSES = frozenset({"upcoming_session"})


def arm_of(experiments: list[Experiment], req: repo.RequestRow, clinic_id: str,
           now: datetime) -> tuple[str, str, dict[str, Any]] | None:
    """(experiment id, arm name, the arm's template variables) of this reminder, or None outside an experiment."""
    if req.purpose not in PURPOSES or req.recipient_kind != "patient":
        return None
    for e in experiments:
        if e.clinic_id == clinic_id and enrolled(e, now):
            arm = assign(e, req.recipient_id)
            return e.experiment_id, arm.name, ({"variant": arm.template_variant} if arm.template_variant else {})
    return None


async def record_arm(conn: repo.Conn, req: repo.RequestRow, arm: tuple[str, str] | None, now: datetime) -> None:
    """Record the arm a reminder went out under (in the transaction that claims its send)."""
    if arm is not None:
        await conn.execute(Q["record_arm"], req.id, arm[0], arm[1], req.recipient_id, now)

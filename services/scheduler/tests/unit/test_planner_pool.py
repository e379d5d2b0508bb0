"""Large drain batches planned in worker processes give the in-process plans, in the batch's order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from iop_scheduler.domain.model import PatientView, PlanInput, SessionView
from iop_scheduler.domain.planner import plan_many
from iop_scheduler.domain.policy import Policy, QuietHours
from iop_scheduler.handlers.planner_pool import POOL_MIN, PlannerPool

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def batch(n: int) -> list[tuple[PlanInput, Policy]]:
    """n patients in groups of 4, 12 sessions each; every third group under a clinic's own quiet hours."""
    default, override = Policy(), Policy(quiet_hours=QuietHours(QuietHours().start.replace(hour=10)))
    out = []
    for i in range(n):
        g = i // 4
        start = NOW + timedelta(days=1, hours=12 + g % 5)
        sessions = tuple(SessionView(f"s-{g}-{k}", "c", start + timedelta(days=2 * k),
                                     start + timedelta(days=2 * k, hours=3), tuple(f"p-{g}-{m}" for m in range(4)), 1)
                         for k in range(12))
        inp = PlanInput(PatientView(f"p-{g}-{i % 4}", "c", "America/Chicago"), sessions, zone="America/Chicago")
        out.append((inp, override if g % 3 == 0 else default))
    return out


@pytest.mark.unit
async def test_a_large_batch_planned_by_the_workers_is_the_in_process_plan() -> None:
    items = batch(POOL_MIN + 37)
    pool = PlannerPool(2)
    try:
        assert await pool.plan(items, NOW) == plan_many(items, NOW)
        assert pool.restarts == 0  # planned by the workers, not by the fallback
    finally:
        pool.close()


@pytest.mark.unit
async def test_no_pool_plans_in_process() -> None:
    items = batch(8)
    assert await PlannerPool(0).plan(items, NOW) == plan_many(items, NOW)

"""Reminder experiments of the user's clinics, reported from the attendance service's per-patient outcomes by the
same function as `iopctl experiments report` (iop_shared.experiments.summarize), so both show the same numbers."""

from __future__ import annotations

from typing import Any

from iop_shared.experiments import Experiment, as_json, summarize

from ..adapters.attendance import FlagActionError
from ..domain.users import User
from .context import Context


def visible(ctx: Context, user: User) -> list[Experiment]:
    """The configured experiments of the user's clinics."""
    return [e for e in ctx.settings.experiments if user.sees(e.clinic_id)]


async def report(ctx: Context, user: User, experiment_id: str) -> dict[str, Any]:
    """One experiment's report; another clinic's answers 404, exactly as an unknown one does."""
    found = next((e for e in visible(ctx, user) if e.experiment_id == experiment_id), None)
    if found is None:
        raise FlagActionError(404, "no such experiment")
    return await _report(ctx, found)


async def reports(ctx: Context, user: User) -> list[dict[str, Any]]:
    """The report of every experiment of the user's clinics."""
    return [await _report(ctx, e) for e in visible(ctx, user)]


async def _report(ctx: Context, experiment: Experiment) -> dict[str, Any]:
    rows = summarize(experiment, await ctx.attendance.experiment_outcomes(experiment))
    return {**as_json(experiment, rows), "starts_at": experiment.starts_at.isoformat(),
            "ends_at": experiment.ends_at.isoformat()}

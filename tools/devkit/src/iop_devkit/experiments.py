"""A simulated reminder experiment written straight into an attendance schema: patients of clinic-a assigned by
the experiment's hash, each attending with their arm's probability (and one patient of clinic-b as a decoy)."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta

import asyncpg

from iop_attendance.bootstrap import MIGRATIONS
from iop_shared.db import migrate
from iop_shared.experiments import Experiment, assign

START = datetime(2026, 9, 1, tzinfo=UTC)
ATTEND = {"control": 0.70, "short-note": 0.78, "extra-2h": 0.70}  # the simulated truth per arm
SESSIONS = 4  # per patient


def experiment(clinic_id: str = "clinic-a") -> Experiment:
    """Three arms: the control (weight 2), a wording variant with an effect, a cadence variant without."""
    return Experiment.model_validate({
        "experiment_id": "exp-1", "clinic_id": clinic_id, "starts_at": START.isoformat(),
        "ends_at": (START + timedelta(days=60)).isoformat(), "arms": [
            {"name": "control", "control": True, "weight": 2},
            {"name": "short-note", "template_variant": "A quick note from us"},
            {"name": "extra-2h", "cadence": ["72h", "24h", "2h"]}]})


async def simulate(database_url: str, schema: str, patients: int, *, migrated: bool = False) -> None:
    """Migrate `schema` (unless `migrated`) and write the patients and their past visits."""
    if not migrated:
        await asyncio.to_thread(migrate, database_url, schema, MIGRATIONS)
    rng, e = random.Random(7), experiment()
    conn = await asyncpg.connect(database_url, server_settings={"search_path": schema})
    try:
        await conn.executemany("INSERT INTO patients (patient_id, clinic_id, revision) VALUES ($1, $2, 1)",
                               [(f"p{i}", "clinic-a") for i in range(patients)] + [("other", "clinic-b")])
        visits = []
        for i in range(patients):
            p = ATTEND[assign(e, f"p{i}").name]
            for k in range(SESSIONS):
                at = START + timedelta(days=3 * k + i % 7, hours=18)
                status = "present" if rng.random() < p else "absent"
                visits.append((f"s{k}-{i % 50}", f"p{i}", "prog-1", "group", at, at + timedelta(hours=3), at, status))
        visits.append(("s-b", "other", "prog-1", "group", START, START + timedelta(hours=3), START, "absent"))
        await conn.executemany(
            "INSERT INTO visits (session_id, patient_id, program_id, kind, starts_at, ends_at, due_at, expected,"
            " status) VALUES ($1, $2, $3, $4, $5, $6, $7, true, $8)", visits)
    finally:
        await conn.close()

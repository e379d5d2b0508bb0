"""Test set-up that waits for the notifier's read models, so a test's texts arrive after what it published."""

from __future__ import annotations

from iop_devkit.testing.kafka import eventually, publish
from iop_shared.contracts.cloudevents import Envelope
from iop_shared.contracts.common import Contract

from .runner import Running


async def known(svc: Running, kafka: str, *envs: Envelope[Contract], patients: tuple[str, ...] = (),
                teams: tuple[str, ...] = (), clinics: tuple[str, ...] = ()) -> None:
    """Publish `envs` and wait until the notifier holds these patients, care teams and clinics."""
    await publish(kafka, *envs)
    pool = svc.deps.pool

    async def applied() -> bool:
        got = (await pool.fetchval("SELECT count(*) FROM patients WHERE patient_id = ANY($1::text[])", list(patients)),
               await pool.fetchval("SELECT count(*) FROM care_teams WHERE care_team_id = ANY($1::text[])",
                                   list(teams)),
               await pool.fetchval("SELECT count(*) FROM clinics WHERE clinic_id = ANY($1::text[])", list(clinics)))
        return got == (len(patients), len(teams), len(clinics))
    await eventually(applied)

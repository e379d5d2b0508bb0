"""Acknowledgements published by another service (the notifier, for an on-call member's `ACK` by text).

Attendance owns risk flags, so it records such an acknowledgement as it records the dashboard's (who, note,
when), once: only an open flag moves, so a redelivery or a second event changes nothing. The event speaks for the
clinic in its `ce_source`; a flag of another clinic is refused (dead letter `tenant_mismatch`) and left as it is.
"""

from __future__ import annotations

import asyncpg

from iop_shared.contracts import Contract, ContractError, Envelope
from iop_shared.contracts.outbound import RiskAcknowledged
from iop_shared.contracts.tenancy import require_publisher, same_clinic

from .. import metrics
from ..adapters import repository
from ..adapters import risk_repository as risk_repo
from .context import SOURCE, Context


async def risk_acknowledged(conn: asyncpg.Connection, ctx: Context, envs: list[Envelope[Contract]]) -> list[
        Envelope[Contract]]:
    """Record each acknowledgement on its flag; nothing is published (the event is already on the bus)."""
    for e in envs:
        if e.source == SOURCE:
            continue  # our own, from the dashboard's acknowledgement: recorded when it was published
        assert isinstance(e.data, RiskAcknowledged)
        metrics.FLAGS_ACKNOWLEDGED_BY_EVENT.labels(await _record(conn, require_publisher(e.source), e.data)).inc()
    return []


async def _record(conn: asyncpg.Connection, clinic: str, ack: RiskAcknowledged) -> str:
    flag = await risk_repo.get_flag(conn, ack.flag_id)
    if flag is None:
        return "unknown_flag"  # a notifier alert no flag adopted (a crisis text's page): not ours to record
    if flag["patient_id"] != ack.patient_id:
        raise ContractError("patient_id: is not the flag's patient")
    owner = flag["clinic_id"] or (await repository.patient_owners(conn, [ack.patient_id])).get(ack.patient_id)
    if owner is None:  # raised before its patient was known: no clinic can vouch for it yet, so none may close it
        raise ContractError("flag_id: its clinic is not known yet")
    same_clinic("flag_id", clinic, owner)
    done = await risk_repo.acknowledge(conn, ack.flag_id, ack.by, ack.note, ack.acknowledged_at)
    return "acknowledged" if done else f"already_{flag['status']}"

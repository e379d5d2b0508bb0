"""Nothing dropped silently: each reminder the scheduler planned and will not send is told once, with why."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from iop_shared import outbox
from iop_shared.contracts import Envelope, KafkaRecord
from iop_shared.contracts.cloudevents import CONTENT_TYPE, SPECVERSION
from iop_shared.contracts.outbound import DropReason, ReminderDropped
from iop_shared.contracts.topics import event_type_of

from ..adapters.repository import Repository
from ..domain.drops import reported
from ..domain.model import Dropped, Reminder
from .deps import SOURCE

_DROPPED = event_type_of(ReminderDropped)
_KEY = _DROPPED.topic.key_field  # the record key, as Envelope.key takes it


def dropped_event(r: Reminder, reason: DropReason, now: datetime) -> Envelope[ReminderDropped]:
    """The wire event: ids, the planned time and the reason only."""
    return Envelope(data=ReminderDropped(reminder_id=r.reminder_id, patient_id=r.patient_id, clinic_id=r.clinic_id,
                                         purpose=r.purpose, session_ids=list(r.session_ids), planned_for=r.due_at,
                                         reason=reason),
                    source=SOURCE, id=f"{r.reminder_id}.dropped", time=now)


def dropped_records(drops: list[tuple[Reminder, DropReason]], now: datetime) -> list[tuple[str, KafkaRecord]]:
    """What `encode(dropped_event(...))` gives for each drop, built without a pydantic round trip per drop.

    A first plan reports some 30 drops a patient, so this is on the ingest's hot path; a unit test holds it to
    the encoder's bytes and to the contract's decoder.
    """
    headers = [("ce_specversion", SPECVERSION.encode()), ("ce_id", b""), ("ce_type", _DROPPED.ce_type.encode()),
               ("ce_source", SOURCE.encode()), ("ce_time", _rfc3339(now).encode()),
               ("content-type", CONTENT_TYPE.encode())]
    out = []
    for r, reason in drops:
        event_id = f"{r.reminder_id}.dropped"
        data: dict[str, object] = {"reminder_id": r.reminder_id, "patient_id": r.patient_id}
        if r.clinic_id is not None:
            data["clinic_id"] = r.clinic_id
        data |= {"purpose": str(r.purpose), "session_ids": list(r.session_ids), "planned_for": _rfc3339(r.due_at),
                 "reason": str(reason)}
        own = [headers[0], ("ce_id", event_id.encode()), *headers[2:]]
        out.append((event_id, KafkaRecord(_DROPPED.topic.name, str(data[_KEY]).encode(),
                                          json.dumps(data, separators=(",", ":")).encode(), own)))
    return out


def _rfc3339(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


async def report_drops(repo: Repository, patient_id: str, dropped: tuple[Dropped, ...],
                       now: datetime) -> None:
    """Keep the plan's drops in the plan API; publish those that are new (a replan does not repeat them)."""
    drops = reported(dropped)
    new = set(await repo.record_dropped(patient_id, [(r, str(reason)) for r, reason in drops]))
    events = [dropped_event(r, reason, now) for r, reason in drops if r.reminder_id in new]
    await outbox.add(repo.conn, events)


async def report_drops_many(repo: Repository, dropped: dict[str, tuple[Dropped, ...]], now: datetime) -> None:
    """report_drops for many patients' plans at once."""
    drops = [d for plan in dropped.values() for d in reported(plan)]
    new = set(await repo.record_dropped_many(list(dropped), [(r, str(reason)) for r, reason in drops]))
    await outbox.add_records(repo.conn, dropped_records([(r, why) for r, why in drops if r.reminder_id in new], now))

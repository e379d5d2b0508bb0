"""FHIR R4 Slot -> iop.slot.upserted.v1, validated by fhir.resources (R4B models, the R4 wire format).

The clinic keeps one Schedule per program (`schedule.reference` = `Schedule/<program_id>`), the session kind is
the `appointmentType` code, the seats are the `slot-capacity` extension (else 1 when free) and the revision is
`meta.versionId`. A `busy` (or any not-free) slot offers no seat.
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.slot import Slot

from iop_shared.contracts.inbound import SessionKind
from iop_shared.contracts.reschedule import SlotUpserted

CAPACITY_URL_SUFFIX = "slot-capacity"
STATUSES = frozenset({"busy", "free", "busy-unavailable", "busy-tentative", "entered-in-error"})  # R4 SlotStatus


class FhirSlotError(ValueError):
    """A Slot that is valid FHIR but cannot be mapped: `field` names where (never the value)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _capacity(slot: Slot) -> int:
    if slot.status != "free":
        return 0
    for ext in slot.extension or []:
        if (ext.url or "").endswith(CAPACITY_URL_SUFFIX) and ext.valueInteger is not None:
            return int(ext.valueInteger)
    return 1


def _kind(slot: Slot) -> SessionKind:
    codes = [c.code for c in (slot.appointmentType.coding or [])] if slot.appointmentType else []
    for code in codes:
        if code is not None and code in SessionKind.__members__:
            return SessionKind(code)
    raise FhirSlotError("appointmentType.coding", "needs a session kind code (group, individual, family, ...)")


def _program(slot: Slot) -> str:
    ref = slot.schedule.reference or ""
    if not ref.startswith("Schedule/") or len(ref) <= len("Schedule/"):
        raise FhirSlotError("schedule.reference", "must be Schedule/<program_id>")
    return ref.split("/", 1)[1]


def _revision(slot: Slot) -> int:
    version = slot.meta.versionId if slot.meta else None
    if version is None or not str(version).isdigit():
        raise FhirSlotError("meta.versionId", "must be a non-negative integer: the slot's revision")
    return int(version)


def map_slot(body: dict[str, Any], clinic_id: str) -> SlotUpserted:
    """The slot event of a FHIR Slot of `clinic_id` (pydantic ValidationError or FhirSlotError when invalid)."""
    slot = Slot.model_validate(body)
    if slot.status not in STATUSES:  # fhir.resources checks the code's form, not the value set
        raise FhirSlotError("status", "must be one of " + ", ".join(sorted(STATUSES)))
    if not slot.id:
        raise FhirSlotError("id", "the Slot needs an id: it is the slot id")
    return SlotUpserted.model_validate({
        "slot_id": slot.id, "clinic_id": clinic_id, "program_id": _program(slot), "kind": _kind(slot),
        "starts_at": slot.start, "ends_at": slot.end, "capacity": _capacity(slot), "revision": _revision(slot)})

"""Tenancy on the wire: the publishing clinic named by `ce_source`, and the one error for crossing clinics.

Every clinic-owned entity (clinic, patient, care team, session) belongs to the clinic that first created it.
A write from another clinic is refused: HTTP 403 naming the field, Kafka a dead letter whose reason starts with
`tenant_mismatch`; it never changes the owner.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from .cloudevents import ContractError

REASON = "tenant_mismatch"
SOURCE_FORMAT = "/clinics/<clinic_id>/<system>"
_SOURCE = re.compile(r"^/clinics/(?P<clinic>[A-Za-z0-9._:\-]{1,128})/(?P<system>[A-Za-z0-9._:\-/]{1,128})$")


class TenantMismatch(ContractError):
    """A write that reaches another clinic's data; names the field, never its value."""

    def __init__(self, field: str, message: str = "belongs to another clinic") -> None:
        super().__init__(f"{REASON}: {field}: {message}")
        self.field = field
        self.message = message

    def detail(self) -> list[dict[str, object]]:
        """The HTTP 403 body's `detail`, shaped like a validation error."""
        return [{"loc": ["body", *self.field.split(".")], "msg": self.message, "type": REASON}]


def clinic_source(clinic_id: str, system: str) -> str:
    """The `ce_source` of an event a clinic publishes (or a service publishes on its behalf)."""
    return f"/clinics/{clinic_id}/{system}"


def publisher_of(source: str) -> str | None:
    """The clinic a `ce_source` names, or None when it names none."""
    match = _SOURCE.match(source)
    return match.group("clinic") if match else None


def require_publisher(source: str) -> str:
    """The publishing clinic of an event on a clinic-owned topic; TenantMismatch when `ce_source` names none."""
    clinic = publisher_of(source)
    if clinic is None:
        raise TenantMismatch("ce_source", f"must name the publishing clinic: {SOURCE_FORMAT}")
    return clinic


def same_clinic(field: str, clinic_id: str, owner: str | None) -> None:
    """Refuse when the entity is already owned (`owner` not None) by a clinic other than `clinic_id`."""
    if owner is not None and owner != clinic_id:
        raise TenantMismatch(field)


def foreign(ids: Iterable[str], owners: Mapping[str, str | None], clinic_id: str) -> list[int]:
    """Positions of the ids already known to belong to another clinic (unknown ids are allowed)."""
    return [i for i, pid in enumerate(ids) if owners.get(pid) not in (None, clinic_id)]


def roster_check(attendees: Iterable[str], owners: Mapping[str, str | None], clinic_id: str,
                 field: str = "attendees") -> None:
    """Refuse a roster listing a patient known to belong to another clinic; names the first such position."""
    bad = foreign(attendees, owners, clinic_id)
    if bad:
        raise TenantMismatch(f"{field}.{bad[0]}", "this patient belongs to another clinic")


def check_event_clinic(source: str, clinic_id: str) -> str:
    """The publisher of an event carrying `clinic_id`: refused unless `ce_source` names that very clinic."""
    publisher = require_publisher(source)
    if publisher != clinic_id:
        raise TenantMismatch("clinic_id", "does not match the publishing clinic (ce_source)")
    return publisher

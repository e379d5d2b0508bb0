"""Tenancy and bounds at the contract: the publishing clinic from ce_source, int64 revisions, bounded rosters."""

from __future__ import annotations

import json

import pytest

from iop_shared.contracts import BY_CE_TYPE, ContractError, TenantMismatch, decode, publisher_of
from iop_shared.contracts.examples import EXAMPLES
from iop_shared.contracts.tenancy import check_event_clinic, require_publisher, roster_check, same_clinic

pytestmark = pytest.mark.unit
INT64_MAX = 2**63 - 1


@pytest.mark.parametrize(("source", "clinic"), [
    ("/clinics/clinic-1/ehr", "clinic-1"), ("/clinics/c.2:x/kiosk/front-desk", "c.2:x"),
    ("clinic-1/ehr", None), ("/clinics/clinic-1", None), ("/clinics//ehr", None), ("iop/scheduler", None),
    ("/clinics/a b/ehr", None), ("", None)])
def test_the_publishing_clinic_is_read_from_ce_source(source: str, clinic: str | None) -> None:
    assert publisher_of(source) == clinic


def test_tenant_mismatch_names_the_field_and_is_a_dead_letter_reason() -> None:
    with pytest.raises(TenantMismatch) as refused:
        require_publisher("clinic-1/ehr")
    assert str(refused.value).startswith("tenant_mismatch: ce_source: ") and isinstance(refused.value, ContractError)
    with pytest.raises(TenantMismatch, match=r"^tenant_mismatch: clinic_id: "):
        check_event_clinic("/clinics/clinic-a/ehr", "clinic-b")
    assert check_event_clinic("/clinics/clinic-a/ehr", "clinic-a") == "clinic-a"
    same_clinic("clinic_id", "clinic-a", None)  # a new entity takes its first writer's clinic
    with pytest.raises(TenantMismatch) as foreign:
        roster_check(["p-new", "p-a", "p-b"], {"p-a": "clinic-a", "p-b": "clinic-b"}, "clinic-a")
    assert foreign.value.detail() == [{"loc": ["body", "attendees", "2"], "type": "tenant_mismatch",
                                       "msg": "this patient belongs to another clinic"}]


def _decode(ce_type: str, **changes: object) -> object:
    headers = {"ce_specversion": "1.0", "ce_id": "e-1", "ce_type": ce_type, "ce_source": "/clinics/clinic-1/ehr",
               "ce_time": "2026-12-01T00:00:00Z"}
    return decode(headers, json.dumps({**EXAMPLES[ce_type], **changes}).encode())


@pytest.mark.parametrize("ce_type", [t for t, e in BY_CE_TYPE.items() if "revision" in e.model.model_fields])
def test_revisions_are_non_negative_int64_on_every_upsert(ce_type: str) -> None:
    _decode(ce_type, revision=INT64_MAX)
    for bad in (INT64_MAX + 1, -1, 1.5):
        with pytest.raises(ContractError, match=r"revision: "):
            _decode(ce_type, revision=bad)


def test_rosters_are_bounded_by_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    ce_type = "iop.session.upserted.v1"
    _decode(ce_type, attendees=[f"p{i}" for i in range(500)])
    with pytest.raises(ContractError, match=r"attendees: .*at most 500") as refused:
        _decode(ce_type, attendees=[f"p{i}" for i in range(501)])
    assert "p500" not in str(refused.value)  # names the field, never the values
    monkeypatch.setenv("IOP_MAX_ATTENDEES", "3")
    with pytest.raises(ContractError, match=r"attendees: "):
        _decode(ce_type, attendees=["p1", "p2", "p3", "p4"])

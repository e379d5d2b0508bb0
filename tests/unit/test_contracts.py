"""The wire contract: models validate what they should, reject what they should, and encode as CloudEvents."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from iop_shared.contracts import BY_CE_TYPE, EVENT_TYPES, TOPICS, ContractError, Envelope, decode, encode
from iop_shared.contracts.examples import EXAMPLES
from iop_shared.contracts.export import stale
from iop_shared.contracts.inbound import PatientUpserted, SessionUpserted

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]


def _example(ce_type: str, **changes: object) -> dict[str, object]:
    return {**EXAMPLES[ce_type], **changes}


def test_every_event_type_has_an_example_that_validates() -> None:
    assert set(EXAMPLES) == set(BY_CE_TYPE)
    for event in EVENT_TYPES:
        event.model.model_validate(EXAMPLES[event.ce_type])


@pytest.mark.parametrize("event", EVENT_TYPES, ids=lambda e: e.ce_type)
def test_encode_decode_round_trip(event: object) -> None:
    data = event.model.model_validate(EXAMPLES[event.ce_type])  # type: ignore[attr-defined]
    env = Envelope(data=data, source="iop/test", traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
    record = encode(env)
    headers = {k: v.decode() for k, v in record.headers}
    assert headers["ce_specversion"] == "1.0" and headers["ce_type"] == event.ce_type  # type: ignore[attr-defined]
    assert headers["content-type"] == "application/json" and headers["traceparent"].startswith("00-")
    assert record.key.decode() == env.key
    back = decode(headers, record.value)
    assert back.data == data and back.id == env.id and back.time == env.time


@pytest.mark.parametrize("phone", ["5551234567", "+1 555 555 0123", "+1555", "phone", "+15555550123x"])
def test_phone_must_be_e164(phone: str) -> None:
    with pytest.raises(ValidationError, match="phone"):
        PatientUpserted.model_validate(_example("iop.patient.upserted.v1", phone=phone))


def test_time_zone_must_be_iana() -> None:
    with pytest.raises(ValidationError, match="time zone"):
        PatientUpserted.model_validate(_example("iop.patient.upserted.v1", timezone="EST5EDT-ish"))


def test_timestamps_need_an_offset_and_are_stored_as_utc() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        SessionUpserted.model_validate(_example("iop.session.upserted.v1", starts_at="2026-12-01T18:00:00"))
    ses = SessionUpserted.model_validate(EXAMPLES["iop.session.upserted.v1"])
    assert ses.starts_at == datetime(2026, 12, 1, 23, 0, tzinfo=UTC) and ses.starts_at.tzinfo == UTC
    assert json.loads(ses.model_dump_json())["starts_at"] == "2026-12-01T23:00:00Z"


def test_enums_and_order_are_checked() -> None:
    with pytest.raises(ValidationError, match="kind"):
        SessionUpserted.model_validate(_example("iop.session.upserted.v1", kind="detox"))
    with pytest.raises(ValidationError, match="ends_at must be after starts_at"):
        SessionUpserted.model_validate(_example("iop.session.upserted.v1", ends_at="2026-12-01T17:00:00-05:00"))


def test_unknown_fields_are_ignored_for_additive_changes() -> None:
    ses = SessionUpserted.model_validate(_example("iop.session.upserted.v1", room_colour="blue"))
    assert not hasattr(ses, "room_colour")


@pytest.mark.parametrize(
    ("headers", "value", "reason"),
    [
        ({}, b"{}", "missing CloudEvents headers"),
        ({"ce_type": "iop.nope.v1"}, b"{}", "unknown ce_type"),
        ({}, b"{not json", "not JSON"),
        ({}, b'{"session_id": "s"}', "revision: Field required"),
        ({"ce_time": "yesterday"}, b"{}", "ce_time"),
    ],
)
def test_decode_names_what_is_wrong(headers: dict[str, str], value: bytes, reason: str) -> None:
    base = {"ce_specversion": "1.0", "ce_id": "x", "ce_type": "iop.session.cancelled.v1", "ce_source": "t",
            "ce_time": "2026-11-27T00:00:00Z"}
    if headers == {}:
        base = base if reason != "missing CloudEvents headers" else {}
    with pytest.raises(ContractError, match=reason):
        decode({**base, **headers}, value)


def test_validation_errors_never_echo_personal_values() -> None:
    with pytest.raises(ContractError) as caught:
        decode({"ce_specversion": "1.0", "ce_id": "x", "ce_type": "iop.patient.upserted.v1", "ce_source": "t",
                "ce_time": "2026-11-27T00:00:00Z"},
               json.dumps(_example("iop.patient.upserted.v1", phone="555-867-5309")).encode())
    assert "867" not in str(caught.value) and "phone" in str(caught.value)


def test_topic_registry_declares_partitions_and_compaction() -> None:
    names = [t.name for t in TOPICS]
    assert len(names) == len(set(names))
    # Other tests of the same session may have set a private topic prefix (names are read when asked for).
    prefix = os.environ.get("IOP_TOPIC_PREFIX", "")
    compacted = {t.name.removeprefix(prefix) for t in TOPICS if t.compacted}
    assert compacted == {"iop.clinics.v1", "iop.patients.v1", "iop.care-teams.v1"}
    assert all(t.partitions >= 3 for t in TOPICS)


def test_committed_json_schemas_are_up_to_date() -> None:
    assert stale(ROOT / "docs" / "schemas") == [], "run `uv run iop-schemas` and commit docs/schemas"

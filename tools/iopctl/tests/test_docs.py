"""The committed AsyncAPI and OpenAPI documents say what the code says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iop_ctl.docs import stale

pytestmark = pytest.mark.unit
API = Path(__file__).resolve().parents[3] / "docs" / "api"


def test_published_contracts_are_up_to_date() -> None:
    assert stale(API) == [], "run `uv run iopctl docs` and commit docs/api"


def test_asyncapi_documents_carry_the_event_payloads() -> None:
    scheduler = json.loads((API / "scheduler.asyncapi.json").read_text())
    schemas = scheduler["components"]["schemas"]
    assert {"iop.reminder.due.v1", "iop.session.upserted.v1", "iop.checkin.received.v1"} <= set(schemas)
    sends = [op for op in scheduler["operations"].values() if op["action"] == "send"]
    receives = [op for op in scheduler["operations"].values() if op["action"] == "receive"]
    assert sends and receives

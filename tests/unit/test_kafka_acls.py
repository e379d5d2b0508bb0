"""deploy/kafka-acls.md grants exactly what the code does: each service's AsyncAPI document (docs/api, kept fresh by
`iopctl docs --check`) lists its consumer groups and topics and what it publishes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from iop_shared.contracts.topics import DEADLETTER

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]
ACLS = (ROOT / "deploy" / "kafka-acls.md").read_text()
SERVICES = ("scheduler", "notifier", "attendance", "dashboard")


def _row(principal: str) -> list[set[str]]:
    line = next(li for li in ACLS.splitlines() if li.startswith(f"| `User:{principal}` |"))
    cells = [c.strip() for c in line.strip("|").split("|")][1:]
    return [set(re.findall(r"`([^`]+)`", cell)) for cell in cells]


def _operations(service: str) -> tuple[set[str], set[str], set[str]]:
    """(groups, topics read by consumers, topics published) from the service's AsyncAPI document."""
    ops = json.loads((ROOT / "docs" / "api" / f"{service}.asyncapi.json").read_text())["operations"]
    received = [key.split(":", 1) for key in ops if not key.startswith("publish:")]
    published = {key.removeprefix("publish:") for key in ops if key.startswith("publish:")}
    return {g for g, _ in received}, {t for _, t in received}, published


@pytest.mark.parametrize("service", SERVICES)
def test_each_principal_reads_and_writes_what_its_service_does(service: str) -> None:
    groups, consumed, published = _operations(service)
    read, write, group_cell = _row(f"iop-{service}")
    # The relay's crash recovery reads the partitions it published to: READ covers the outputs too.
    assert read == consumed | published
    assert write == published | {DEADLETTER.base_name}
    [prefix] = group_cell  # one group per consumed topic, under the principal's prefix, the dashboard's too
    assert prefix == f"iop-{service}." and all(g.startswith(prefix) for g in groups)
    assert groups == {f"{prefix}{t}" for t in consumed}


def test_topics_with_personal_data_are_named_with_what_they_carry() -> None:
    carries = {t: line for line in ACLS.splitlines() for t in re.findall(r"^\| `(iop\.[a-z-]+\.v1)`", line)}
    assert "address" in carries["iop.sessions.v1"] and "join_url" in carries["iop.sessions.v1"]
    assert "note" in carries["iop.risk.v1"]
    assert "contact data" in carries["iop.patients.v1"] and "contact data" in carries["iop.care-teams.v1"]
    assert "IOP_DEADLETTER_KEY" in carries["iop.deadletter.v1"] and "sealed" in carries["iop.deadletter.v1"]
    assert "Every other topic carries ids only" not in ACLS

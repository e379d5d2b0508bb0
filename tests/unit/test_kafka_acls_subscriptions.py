"""deploy/kafka-acls.md agrees with the code: every topic a service consumes, every consumer group it joins."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.unit
ACLS = Path(__file__).resolve().parents[2] / "deploy" / "kafka-acls.md"


def documented() -> dict[str, tuple[set[str], set[str], set[str]]]:
    """principal -> (READ topics, WRITE topics, groups) from the markdown tables."""
    rows: dict[str, tuple[set[str], set[str], set[str]]] = {}
    for line in ACLS.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`User:"):
            read, write, groups = (set(re.findall(r"`([^`]+)`", c)) for c in cells[1:])
            rows[cells[0].strip("`")] = (read, write, groups)
    return rows


def subscriptions(monkeypatch: pytest.MonkeyPatch) -> dict[str, set[tuple[str, str]]]:
    """service -> {(topic, group)} as each service's own subscribe function asks for them."""
    from iop_attendance.entrypoints import consumers as attendance
    from iop_dashboard.entrypoints import consumers as dashboard
    from iop_notifier.entrypoints import consumers as notifier
    from iop_scheduler import bootstrap as scheduler

    seen: dict[str, set[tuple[str, str]]] = {}

    def capture(service: str) -> Any:
        def subscribe_events(_: object, *, topic: Any, group_id: str, **__: object) -> None:
            seen.setdefault(service, set()).add((topic.base_name, group_id))
        return subscribe_events

    for name, module in (("scheduler", scheduler), ("attendance", attendance), ("notifier", notifier),
                         ("dashboard", dashboard)):
        monkeypatch.setattr(module, "subscribe_events", capture(name))
    scheduler._subscribe(None, None, "iop-scheduler", None)  # type: ignore[arg-type]
    attendance.subscribe(None, None, "iop-attendance", None, 1)  # type: ignore[arg-type]
    notifier.subscribe_all(None, None, None, "iop-notifier")  # type: ignore[arg-type]
    dashboard.subscribe(None, None, "iop-dashboard", None)  # type: ignore[arg-type]
    return seen


def test_every_consumed_topic_and_group_is_granted(monkeypatch: pytest.MonkeyPatch) -> None:
    acls = documented()
    for service, subs in subscriptions(monkeypatch).items():
        read, write, groups = acls[f"User:iop-{service}"]
        assert {t for t, _ in subs} <= read, service
        for _, group in subs:
            # a prefixed group ACL ends with "." and covers <group>.<topic>; a literal one names the group
            assert any(group == g or (g.endswith(".") and group.startswith(g)) for g in groups), (service, group)
        assert "iop.deadletter.v1" in write, service
        assert write - {"iop.deadletter.v1"} <= read, f"{service}: its relay reads back what it wrote"


def test_clinics_write_only_the_clinic_owned_topics() -> None:
    from iop_shared.contracts.topics import ATTENDANCE, CARE_TEAMS, CLINICS, PATIENTS, SESSIONS, SLOTS

    read, write, groups = documented()["User:clinic-<id>"]
    # A clinic reads no topic: every topic carries every clinic's events (its reschedule requests come over HTTP).
    assert (read, groups) == (set(), set())
    assert write == {t.base_name for t in (CLINICS, PATIENTS, CARE_TEAMS, SESSIONS, ATTENDANCE, SLOTS)}

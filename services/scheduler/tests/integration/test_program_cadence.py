"""Check-in cadence per program over real Kafka and PostgreSQL: each patient's prompt opens their program's check-in."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from iop_devkit.scheduler import patient, session
from iop_devkit.testing.kafka import TopicTail, publish, unique
from iop_shared.contracts import Contract, Envelope
from iop_shared.contracts.outbound import CheckinKind, ReminderDue
from iop_shared.contracts.topics import REMINDERS

CADENCE = {"prog-phq": [{"kind": "phq9", "every_days": 14}, {"kind": "gad7", "every_days": 7}],
           "prog-gad": [{"kind": "gad7", "every_days": 7}],
           "*": []}


def midday_zone(now: datetime) -> str:
    """A fixed-offset zone where it is about noon now: the prompt's day cannot end while the test runs."""
    offset = (now.hour - 12) % 24
    offset = offset - 24 if offset > 12 else offset
    return f"Etc/GMT{offset:+d}" if offset else "UTC"  # Etc/GMT+5 is five hours behind UTC


def prompts(envs: list[Envelope[Contract]]) -> dict[str, list[CheckinKind | None]]:
    out: dict[str, list[CheckinKind | None]] = {}
    for e in envs:
        if isinstance(e.data, ReminderDue) and e.data.purpose == "checkin_prompt":
            out.setdefault(e.data.patient_id, []).append(e.data.checkin_kind)
    return out


@pytest.mark.integration
async def test_each_patient_gets_only_their_programs_checkin(make_service: object, kafka_bootstrap: str) -> None:
    # Prompts go when the session ends (the check-in time is midnight, the window always open).
    await make_service(checkin_enabled=True, checkin_time="00:00",  # type: ignore[operator]
                       checkin_cadence=json.dumps(CADENCE))
    # Only sessions still ahead get a prompt: `now` after the start-up (seconds on a loaded machine), and a lead
    # that outlasts publishing and planning there.
    now = datetime.now(UTC)
    zone = midday_zone(now)
    by_program = {"prog-phq": unique("p"), "prog-gad": unique("p"), "prog-other": unique("p")}
    start = now + timedelta(seconds=4)
    sessions = [session(unique("s"), start, [pid], tz=zone, program_id=program, lasts=timedelta(seconds=2))
                for program, pid in by_program.items()]
    async with TopicTail(kafka_bootstrap, REMINDERS.name) as tail:
        await publish(kafka_bootstrap, *(patient(pid, tz=zone) for pid in by_program.values()), *sessions)
        await tail.wait_for(lambda e: isinstance(e.data, ReminderDue) and e.data.purpose == "checkin_prompt"
                            and e.data.patient_id in by_program.values(), count=3, timeout=20)
        await tail.settle(1.0)
        got = prompts(tail.events())
    assert got == {by_program["prog-phq"]: [CheckinKind.phq9], by_program["prog-gad"]: [CheckinKind.gad7],
                   by_program["prog-other"]: [None]}

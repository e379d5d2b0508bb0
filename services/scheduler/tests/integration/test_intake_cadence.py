"""The check-in cadence over real Kafka and PostgreSQL counts from the stored intake, not the planning window."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from iop_devkit.scheduler import cancel, patient, session
from iop_devkit.testing.kafka import TopicTail, eventually, publish, unique
from iop_scheduler.bootstrap import Service
from iop_scheduler.domain.model import SessionView
from iop_shared.contracts.outbound import CheckinKind, ReminderDue
from iop_shared.contracts.topics import REMINDERS

from .test_program_cadence import midday_zone, prompts

# Counted from the intake, day 28 opens the PHQ-9; counted from the session 3 weeks in, it would open the GAD-7.
CADENCE = {"prog-phq": [{"kind": "phq9", "every_days": 14}, {"kind": "gad7", "every_days": 7}], "*": []}


async def _intakes(service: Service, pid: str) -> dict[str, datetime]:
    async with service.store.transaction() as repo:
        rows = await repo.conn.fetch("SELECT program_key, intake_at FROM patient_intakes WHERE patient_id = $1", pid)
    return {r["program_key"]: r["intake_at"] for r in rows}


@pytest.mark.integration
async def test_a_session_four_weeks_after_intake_opens_the_phq9(make_service: object, kafka_bootstrap: str) -> None:
    now = datetime.now(UTC)
    zone = midday_zone(now)
    service: Service = await make_service(checkin_enabled=True, checkin_time="00:00",  # type: ignore[operator]
                                          checkin_cadence=json.dumps(CADENCE))
    pid, intake_sid = unique("p"), unique("s")
    intake = (now - timedelta(days=28)).replace(microsecond=0)  # outside the window planning reads (2 x gap)
    await publish(kafka_bootstrap, patient(pid, tz=zone),
                  session(intake_sid, intake, [pid], tz=zone, program_id="prog-phq"),
                  session(unique("s"), intake + timedelta(days=21), [pid], tz=zone, program_id="prog-phq"))
    await eventually(lambda: _is(service, pid, intake), timeout=15)
    # a cancelled intake session is still the intake: nothing moves it forward
    await publish(kafka_bootstrap, cancel(intake_sid, 2))
    await eventually(lambda: _cancelled(service, intake_sid), timeout=15)
    assert await _intakes(service, pid) == {"prog-phq": intake, "*": intake}
    # Only a session still ahead gets a prompt: timed from the clock now, not from before the start-up and waits.
    today = session(unique("s"), datetime.now(UTC) + timedelta(seconds=4), [pid], tz=zone, program_id="prog-phq",
                    lasts=timedelta(seconds=2))
    async with TopicTail(kafka_bootstrap, REMINDERS.name) as tail:
        await publish(kafka_bootstrap, today)
        await tail.wait_for(lambda e: isinstance(e.data, ReminderDue) and e.data.purpose == "checkin_prompt"
                            and e.data.patient_id == pid, timeout=20)
        await tail.settle(1.0)
        got = prompts(tail.events())
    assert got == {pid: [CheckinKind.phq9]}


async def _is(service: Service, pid: str, intake: datetime) -> bool:
    return (await _intakes(service, pid)).get("prog-phq") == intake


async def _cancelled(service: Service, sid: str) -> bool:
    async with service.store.transaction() as repo:
        return bool(await repo.conn.fetchval("SELECT cancelled FROM sessions WHERE session_id = $1", sid))


def _view(sid: str, at: datetime, rev: int, program: str | None = "prog-phq") -> SessionView:
    return SessionView(sid, "clinic-a", at, at + timedelta(hours=1), ("p-one", "p-two"), rev, program_id=program)


@pytest.mark.integration
async def test_the_intake_only_ever_moves_earlier(make_service: object) -> None:
    service: Service = await make_service(kafka=False)  # type: ignore[operator]
    t0 = datetime(2026, 3, 2, 15, tzinfo=UTC)
    async with service.store.transaction() as repo:  # the one-by-one path
        await repo.upsert_session(_view("s1", t0, 1), "UTC")
        await repo.upsert_session(_view("s1", t0 + timedelta(days=3), 2), "UTC")  # moved later: intake stays
    assert await _intakes(service, "p-one") == {"prog-phq": t0, "*": t0}
    async with service.store.transaction() as repo:  # the set-based path, with an earlier and a stale write
        await repo.upsert_sessions([(_view("s2", t0 - timedelta(days=1), 1, None), "UTC"),
                                    (_view("s1", t0 - timedelta(days=9), 1), "UTC"),  # stale revision: ignored
                                    (_view("s3", t0 - timedelta(days=2), 1, "prog-gad"), "UTC")])
        await repo.conn.execute("DELETE FROM sessions")  # a purge leaves the intake alone
    assert await _intakes(service, "p-two") == {"prog-phq": t0, "prog-gad": t0 - timedelta(days=2),
                                                "*": t0 - timedelta(days=2)}

"""The record that counts, as the SQL that runs decides it: the latest by recorded_at, a positive record at a tie.

Both paths that settle a visit's status are driven here: records arriving in random batches and orders
(`record_attendance`, refresh_visits.sql) and a later session upsert (`upsert_session`, refresh_status.sql).
"""

import asyncio
import random
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from iop_attendance.adapters import repository as repo
from iop_attendance.bootstrap import MIGRATIONS
from iop_attendance.domain.visits import NOT_A_MISS
from iop_devkit.attendance import attendance_recorded, session_upserted
from iop_shared.contracts.inbound import AttendanceStatus
from iop_shared.db import migrate

pytestmark = pytest.mark.integration
START = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
GRACE = timedelta(minutes=15)


def may_count(records: list[tuple[datetime, AttendanceStatus]]) -> set[AttendanceStatus]:
    """What the rule allows: the statuses recorded last, the positive ones among them when there are any."""
    last = max(at for at, _ in records)
    at_last = {status for at, status in records if at == last}
    return (at_last & NOT_A_MISS) or at_last


def cases(rng: random.Random, n: int) -> dict[str, list[tuple[datetime, AttendanceStatus]]]:
    """Sessions with one to four records each, on three instants, so that ties are common."""
    instants = [START + timedelta(minutes=m) for m in (0, 20, 20, 45)]
    return {f"lr-{i}": [(rng.choice(instants), rng.choice(list(AttendanceStatus))) for _ in range(rng.randint(1, 4))]
            for i in range(n)}


async def status_of(conn: asyncpg.Connection) -> dict[str, AttendanceStatus]:
    return {r["session_id"]: AttendanceStatus(r["status"]) for r in await conn.fetch(
        "SELECT session_id, status FROM visits WHERE patient_id = 'lr-p'")}


async def test_the_latest_record_counts_and_a_positive_one_wins_a_tie_on_both_paths(
        database_url: str, pg_schema: str) -> None:
    await asyncio.to_thread(migrate, database_url, pg_schema, MIGRATIONS)
    conn = await asyncpg.connect(database_url, server_settings={"search_path": pg_schema})
    try:
        rng = random.Random(20261202)
        by_session = cases(rng, 300)
        async with conn.transaction():
            for sid in by_session:
                assert await repo.upsert_session(conn, session_upserted(sid, ["lr-p"], START), GRACE, START)
        arriving = [(f"ev-{sid}-{k}", attendance_recorded(sid, "lr-p", status, at))
                    for sid, records in by_session.items() for k, (at, status) in enumerate(records)]
        rng.shuffle(arriving)  # any order, any batching: the outcome is the records', not the arrival's
        while arriving:
            size = rng.randint(1, 40)
            batch, arriving = arriving[:size], arriving[size:]
            async with conn.transaction():
                await repo.record_attendance(conn, batch, GRACE)
        wrong = {sid: s for sid, s in (await status_of(conn)).items() if s not in may_count(by_session[sid])}
        assert not wrong and len(await status_of(conn)) == len(by_session)

        async with conn.transaction():  # a later revision of every session settles the status again
            for sid in by_session:
                assert await repo.upsert_session(conn, session_upserted(sid, ["lr-p"], START, revision=2),
                                                 GRACE, START)
        after = await status_of(conn)
        assert {sid: s for sid, s in after.items() if s not in may_count(by_session[sid])} == {}
        # The control: ties between an absence and a positive record exist, so the tie rule was exercised.
        assert any({AttendanceStatus.absent} < {s for _, s in r} and len({at for at, _ in r}) < len(r)
                   for r in by_session.values())
    finally:
        await conn.close()

"""Runs of events applied set-based: concurrent partitions keep each session's counts exact; redelivery is a no-op."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from iop_dashboard.bootstrap import bootstrap
from iop_dashboard.handlers.batches import handle_batch
from iop_dashboard.settings import Settings
from iop_devkit.dashboard import attendance, missed, patient, session
from iop_shared.contracts.inbound import AttendanceStatus

pytestmark = pytest.mark.integration


async def test_records_of_one_session_from_two_partitions_at_once_are_all_counted(settings: Settings) -> None:
    service = bootstrap(settings, kafka=False, timers=False)
    await service.start()
    assert service.ctx is not None and service.pool is not None
    try:
        now = datetime.now(UTC)
        attendees = [f"p-{i}" for i in range(40)]
        await handle_batch(service.ctx, [patient(p) for p in attendees])
        for round_ in range(5):
            s = session(now + timedelta(minutes=round_), attendees)
            await handle_batch(service.ctx, [s])
            sid = s.data.session_id
            runs = [[attendance(sid, p, AttendanceStatus.present, now) for p in attendees[i::4]] for i in range(4)]
            runs[3].append(missed(sid, attendees[3], now))
            await asyncio.gather(*(handle_batch(service.ctx, run) for run in runs))
            assert await handle_batch(service.ctx, runs[0]) == 0  # redelivered: nothing changes
            counts = await service.pool.fetchrow("SELECT * FROM session_counts WHERE session_id = $1", sid)
            assert (counts["expected"], counts["present"], counts["missed"]) == (40, 40, 1)
    finally:
        await service.stop()

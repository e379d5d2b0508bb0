"""Runs of events applied set-based: concurrent partitions and topics in any order keep each session's counts and
its misses' clinic and kind exact; redelivery is a no-op."""

import asyncio
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from iop_dashboard.adapters import repository as repo
from iop_dashboard.bootstrap import bootstrap
from iop_dashboard.domain.periods import Period
from iop_dashboard.handlers.batches import handle_batch
from iop_dashboard.handlers.context import Context
from iop_dashboard.settings import Settings
from iop_devkit.dashboard import attendance, missed, patient, session
from iop_shared.contracts import Envelope
from iop_shared.contracts.inbound import AttendanceStatus, SessionKind
from iop_shared.contracts.outbound import VisitMissed, VisitMissedRetracted

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


async def test_counts_and_misses_are_right_whatever_order_the_topics_arrive_in(settings: Settings) -> None:
    # Each topic has its own consumer: a session's upsert, its records, its misses and their patients arrive in
    # any order across topics (in order per key), one after another or at once.
    service = bootstrap(settings, kafka=False, timers=False)
    await service.start()
    assert service.ctx is not None and service.pool is not None
    ctx, now, wrong = service.ctx, datetime.now(UTC), []
    try:
        for trial in range(24):
            rnd, clinic = random.Random(trial), f"clinic-t{trial}"
            p1, p2, p3 = (f"p-t{trial}-{i}" for i in (1, 2, 3))  # a patient's clinic is fixed by its first upsert
            s = session(now - timedelta(days=1), [p1, p2, p3], kind=SessionKind.family, clinic_id=clinic)
            sid = s.data.session_id
            gone = missed(sid, p2, now)
            streams = [[patient(p, clinic_id=clinic) for p in (p1, p2, p3)],
                       [s, session(now, ["p-x"], revision=0, session_id=sid, clinic_id=clinic)],
                       [attendance(sid, p1, AttendanceStatus.present, now)],
                       [attendance(sid, p2, AttendanceStatus.absent, now),
                        attendance(sid, p2, AttendanceStatus.late, now + timedelta(minutes=1))],
                       [gone, retraction(gone.data), missed(sid, p3, now)]]
            await _arrive(ctx, streams, rnd, together=trial % 2 == 1)
            c = await service.pool.fetchrow("SELECT * FROM session_counts WHERE session_id = $1", sid)
            week = Period(now - timedelta(days=7), now + timedelta(days=1))
            async with service.pool.acquire() as conn:
                kinds = await repo.no_shows_by_kind(conn, week, [clinic])
                listed = await repo.recent_missed(conn, now - timedelta(days=1), 10, [clinic])
            got = ((c["expected"], c["present"], c["late"], c["absent"], c["missed"]),
                   [(k.kind, k.count) for k in kinds], [(m.patient_id, m.kind) for m in listed])
            if got != ((3, 1, 1, 0, 1), [("family", 1)], [(p3, "family")]):
                wrong.append((trial, got))
    finally:
        await service.stop()
    assert not wrong


def retraction(v: VisitMissed) -> Envelope[VisitMissedRetracted]:
    return Envelope(VisitMissedRetracted(visit_id=v.visit_id, session_id=v.session_id, patient_id=v.patient_id,
                                         detected_at=v.detected_at), source="iop/attendance")


async def _arrive(ctx: Context, streams: list[list[Envelope[Any]]], rnd: random.Random, together: bool) -> None:
    """Each stream in its order; the streams interleaved at random, one event at a time or concurrently."""
    if together:
        async def run(stream: list[Envelope[Any]]) -> None:
            for e in stream:
                await asyncio.sleep(rnd.random() / 100)
                await handle_batch(ctx, [e])
        await asyncio.gather(*(run(s) for s in streams))
        return
    pending = [list(s) for s in streams]
    while any(pending):
        await handle_batch(ctx, [rnd.choice([s for s in pending if s]).pop(0)])

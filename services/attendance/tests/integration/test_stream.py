"""The dashboard event stream follows the outbox and attendance records (no Kafka consumer of its own)."""

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest

from iop_attendance.bootstrap import Service
from iop_attendance.handlers import stream
from iop_devkit.attendance import attendance_recorded, envelope, patient_upserted, session_upserted
from iop_devkit.testing.kafka import publish, unique
from iop_shared.contracts.inbound import AttendanceStatus

pytestmark = pytest.mark.integration


async def test_stream_yields_misses_flags_and_attendance_for_the_clinic(service: Service,
                                                                        kafka_bootstrap: str) -> None:
    assert service.ctx is not None
    patient, missed_session, attended_session = unique("p"), unique("s"), unique("s")
    before = datetime.now(UTC) - timedelta(hours=2)
    seen: list[dict[str, str]] = []
    done = asyncio.Event()

    async def follow(clinic: str) -> None:
        async for item in stream.events(service.ctx, clinic, poll_seconds=0.1, stopped=done.is_set):  # type: ignore[arg-type]
            # A fresh group replays the run's private topics, so other tests' clinic-2 events may pass by here.
            if patient in item["data"]:
                assert clinic == "clinic-1", "another clinic's stream must not carry this patient"
                seen.append(item)
            kinds = {i["event"] for i in seen}
            if {"iop.risk.flagged.v1", "iop.attendance.recorded.v1"} <= kinds and any(
                    i["event"] == "iop.visit.missed.v1" and missed_session in i["data"] for i in seen):
                done.set()

    follower = asyncio.create_task(follow("clinic-1"))
    other_clinic = asyncio.create_task(follow("clinic-2"))
    await asyncio.sleep(0)
    await publish(kafka_bootstrap, envelope(patient_upserted(patient)),
                  envelope(session_upserted(attended_session, [patient], before)),
                  envelope(attendance_recorded(attended_session, patient, AttendanceStatus.present, before)),
                  envelope(session_upserted(missed_session, [patient], before + timedelta(minutes=30))))
    await asyncio.wait_for(follower, timeout=60)  # missed visits wait for the consumers to catch up first
    await asyncio.wait_for(other_clinic, timeout=5)
    missed = [json.loads(i["data"])["session_id"] for i in seen if i["event"] == "iop.visit.missed.v1"]
    assert missed_session in missed
    assert all(stream.parse_last_event_id(i["id"]) is not None for i in seen)
    assert stream.parse_last_event_id("nonsense") is None

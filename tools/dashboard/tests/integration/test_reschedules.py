"""Pending reschedule requests on the dashboard: listed for the user's clinics only, gone once closed."""

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from iop_dashboard.settings import Settings
from iop_devkit.dashboard import sign_in
from iop_devkit.testing.kafka import eventually, publish, unique
from iop_shared.contracts import Envelope
from iop_shared.contracts.reschedule import RescheduleClosed, RescheduleOutcome, RescheduleRequested


def requested(clinic: str, patient: str) -> Envelope[RescheduleRequested]:
    now = datetime.now(UTC).replace(microsecond=0)
    return Envelope(RescheduleRequested(
        hold_id=unique("hold"), offer_id=unique("off"), patient_id=patient, clinic_id=clinic, session_id="ses-1",
        slot_id="slot-1", slot_starts_at=now + timedelta(days=2), hold_expires_at=now + timedelta(hours=1),
        requested_at=now), source="iop/scheduler")


def closed(r: RescheduleRequested) -> Envelope[RescheduleClosed]:
    return Envelope(RescheduleClosed(offer_id=r.offer_id, patient_id=r.patient_id, clinic_id=r.clinic_id,
                                     session_id=r.session_id, slot_id=r.slot_id, hold_id=r.hold_id,
                                     outcome=RescheduleOutcome.confirmed, closed_at=datetime.now(UTC)),
                    source="iop/scheduler")


@pytest.mark.integration
async def test_pending_requests_are_listed_per_clinic_until_closed(
        settings: Settings, serve: Callable[..., AbstractAsyncContextManager[Any]], kafka_bootstrap: str) -> None:
    mine, other, done = requested("clinic-a", "p-a1"), requested("clinic-b", "p-b1"), requested("clinic-a", "p-a2")
    async with serve(settings, timers=False) as app:
        await publish(kafka_bootstrap, mine, other, done, closed(done.data))
        await sign_in(app.http, "nurse-a", "pw-nurse-a-1")
        seen: list[dict[str, Any]] = []

        async def listed() -> bool:
            seen[:] = (await app.http.get("/api/reschedules")).json()
            return [r["hold_id"] for r in seen] == [mine.data.hold_id]
        try:
            await eventually(listed, timeout=30)
        except AssertionError:
            raise AssertionError(f"never listed as expected: {seen}") from None
        assert seen[0]["slot_id"] == "slot-1" and seen[0]["clinic_id"] == "clinic-a"
        await publish(kafka_bootstrap, closed(mine.data))

        async def gone() -> bool:
            return (await app.http.get("/api/reschedules")).json() == []
        await eventually(gone, timeout=20)

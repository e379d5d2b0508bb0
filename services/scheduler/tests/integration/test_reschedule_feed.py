"""The per-clinic reschedule feed over real PostgreSQL: a clinic system reads its own held seats awaiting its
confirmation over HTTP, and never another clinic's (the Kafka topic carries every clinic's)."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from iop_devkit.scheduler import patient, session
from iop_scheduler.bootstrap import Service
from iop_scheduler.entrypoints.http import create_app
from iop_scheduler.handlers import ingest, reschedule
from iop_shared.contracts import Envelope
from iop_shared.contracts.reschedule import RescheduleChosen

from .test_reschedule_holds import T0, slot, svc, wants_other_time

pytestmark = pytest.mark.integration
__all__ = ["svc"]  # the fixture, shared with the holds tests


async def test_a_clinic_lists_its_own_held_seats_and_sees_none_of_another_clinics(svc: Service) -> None:
    d = svc.deps
    await ingest.patient_upserted(d, patient("p-feed"))
    await ingest.session_upserted(d, session("s-feed", T0 + timedelta(days=3), ["p-feed"]))
    await reschedule.slot_upserted(d, slot("slot-feed", T0 + timedelta(days=2)))
    await ingest.checkin_received(d, wants_other_time("p-feed", "s-feed"))
    await reschedule.chosen(d, Envelope(RescheduleChosen(
        offer_id="off-chk-p-feed", patient_id="p-feed", session_id="s-feed", slot_id="slot-feed", choice="A",
        chosen_at=T0), source="iop/notifier"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(svc)), base_url="http://s") as http:
        own = await http.get("/v1/reschedule-requests", headers={"Authorization": "Bearer tok-a"})
        other = await http.get("/v1/reschedule-requests", headers={"Authorization": "Bearer tok-b"})
        stranger = await http.get("/v1/reschedule-requests")
    assert own.status_code == 200, own.text
    [held] = own.json()
    assert (held["patient_id"], held["session_id"], held["slot_id"]) == ("p-feed", "s-feed", "slot-feed")
    assert held["hold_expires_at"] == (T0 + timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    assert other.status_code == 200 and other.json() == []
    assert stranger.status_code == 401

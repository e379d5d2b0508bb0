"""Leases and the reaper run on the database's clock: a replica whose clock is ahead neither takes over a
lease nor fails a send whose provider call is still running."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import pytest

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.clock import ShiftableClock
from iop_devkit.notifier.runner import run_notifier
from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.testing.kafka import TopicTail, eventually, publish
from iop_notifier.handlers.recovery import recover_claims
from iop_notifier.settings import Settings
from iop_shared.contracts.topics import NOTIFICATIONS

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]


async def test_a_replica_two_minutes_ahead_does_not_take_over_a_live_lease(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    ahead = ShiftableClock()
    ahead.advance(timedelta(minutes=2))
    async with run_notifier(make_settings(), ahead) as svc:
        pool = svc.deps.pool
        # Another replica leased this request a moment ago, for 60 s of the database's time.
        request_id = await pool.fetchval(
            "INSERT INTO requests (source_event_id, recipient_kind, recipient_id, purpose, received_at, not_before,"
            " state, lease_until) VALUES ($1, 'patient', $2, 'upcoming_session', now(), now(), 'leased',"
            " now() + interval '60 seconds') RETURNING id", b.uid("rem"), b.uid("pt"))
        before = await pool.fetchval("SELECT lease_until FROM requests WHERE id = $1", request_id)
        await asyncio.sleep(1.5)  # several dispatcher rounds of the replica that is ahead
        row = await pool.fetchrow("SELECT state, lease_until FROM requests WHERE id = $1", request_id)
        assert (row["state"], row["lease_until"]) == ("leased", before)


async def test_the_reaper_of_a_replica_eleven_minutes_ahead_never_fails_a_send_in_flight(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    clock = ShiftableClock()
    twilio.delay_s = 3.0  # the provider call is still running while the reaper looks
    clinic, pid, sid, ph = b.uid("cl"), b.uid("pt"), b.uid("ses"), b.phone()
    rem = b.reminder(pid, clinic, [sid])
    async with TopicTail(kafka_bootstrap, NOTIFICATIONS.name) as tail, \
            run_notifier(make_settings(reaper_after_s=600), clock) as svc:
        await publish(kafka_bootstrap, b.clinic(clinic, quiet=b.all_day()), b.patient(pid, clinic, phone_number=ph),
                      b.session(sid, clinic, [pid]), rem)

        async def in_flight() -> bool:
            return bool(await svc.deps.pool.fetchval(
                "SELECT count(*) FROM ledger WHERE source_event_id = $1 AND call_started_at IS NOT NULL",
                rem.data.reminder_id))
        await eventually(in_flight, timeout=30, interval=0.05)
        clock.advance(timedelta(minutes=11))
        await recover_claims(svc.deps)
        await tail.wait_for(lambda e: e.type == "iop.notification.sent.v1"
                            and e.data.source_event_id == rem.data.reminder_id, timeout=20)
        await tail.settle(1.0)
        assert tail.events(lambda e: e.type == "iop.notification.failed.v1"
                           and e.data.source_event_id == rem.data.reminder_id) == []
        assert len(twilio.to(ph)) == 1

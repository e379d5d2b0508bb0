"""A session notice already claimed for sending, whose session changes again before the provider call, is
re-rendered from the latest revision the notifier knows, or withdrawn: never sent stale."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.runner import run_notifier
from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.testing.kafka import TopicTail, eventually, publish
from iop_notifier.domain.messages import format_when
from iop_notifier.handlers import dispatch
from iop_notifier.settings import Settings
from iop_shared.contracts.cloudevents import Envelope
from iop_shared.contracts.inbound import SessionCancelled
from iop_shared.contracts.outbound import ReminderPurpose
from iop_shared.contracts.tenancy import clinic_source
from iop_shared.contracts.topics import NOTIFICATIONS

NY = ZoneInfo("America/New_York")


def changed_after_claim(monkeypatch: pytest.MonkeyPatch, sql: str, *args: Any) -> None:
    """Apply a newer session revision to the read model between the claim and the send (as a consumer would)."""
    real = dispatch._decide_and_claim

    async def claim_then_change(deps: Any, request_id: int) -> Any:
        claimed = await real(deps, request_id)
        if claimed is not None:
            await deps.pool.execute(sql, *args)
        return claimed

    monkeypatch.setattr(dispatch, "_decide_and_claim", claim_then_change)


@pytest.mark.integration
async def test_a_claimed_change_notice_names_the_latest_time(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings],
        monkeypatch: pytest.MonkeyPatch) -> None:
    clinic, pid, sid, ph = b.uid("cl"), b.uid("pt"), b.uid("ses"), b.phone()
    latest = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(hours=5)
    changed_after_claim(monkeypatch, "UPDATE sessions SET starts_at = $2, revision = 9 WHERE session_id = $1",
                        sid, latest)
    notice = b.reminder(pid, clinic, [sid], urgent=True, purpose=ReminderPurpose.session_changed)
    async with TopicTail(kafka_bootstrap, NOTIFICATIONS.name) as tail, run_notifier(make_settings()):
        await publish(kafka_bootstrap, b.clinic(clinic, quiet=b.all_day()), b.patient(pid, clinic, phone_number=ph),
                      b.session(sid, clinic, [pid], starts_in=timedelta(hours=2)), notice)
        await tail.wait_for(lambda e: e.type == "iop.notification.sent.v1" and e.data.recipient_id == pid)
    [sms] = twilio.to(ph)
    assert format_when(latest, NY, "en") in sms.body


@pytest.mark.integration
async def test_a_claimed_cancellation_notice_of_a_reinstated_session_is_withdrawn(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings],
        monkeypatch: pytest.MonkeyPatch) -> None:
    clinic, pid, sid, ph = b.uid("cl"), b.uid("pt"), b.uid("ses"), b.phone()
    changed_after_claim(monkeypatch, "UPDATE sessions SET cancelled = false, revision = 9 WHERE session_id = $1", sid)
    notice = b.reminder(pid, clinic, [sid], urgent=True, purpose=ReminderPurpose.session_cancelled)
    async with TopicTail(kafka_bootstrap, NOTIFICATIONS.name) as tail, run_notifier(make_settings()) as svc:
        await publish(kafka_bootstrap, b.clinic(clinic, quiet=b.all_day()), b.patient(pid, clinic, phone_number=ph),
                      b.session(sid, clinic, [pid], starts_in=timedelta(hours=2)))
        await publish(kafka_bootstrap, Envelope(SessionCancelled(session_id=sid, revision=2),
                                                        source=clinic_source(clinic, "test")))

        async def cancelled() -> bool:
            return bool(await svc.deps.pool.fetchval("SELECT cancelled FROM sessions WHERE session_id = $1", sid))

        await eventually(cancelled, timeout=20)
        await publish(kafka_bootstrap, notice)
        [gone] = await tail.wait_for(lambda e: e.type == "iop.notification.suppressed.v1"
                                     and e.data.recipient_id == pid)
        state = await svc.deps.pool.fetchval("SELECT error_code FROM ledger WHERE recipient_id = $1", pid)
    assert gone.data.reason_code == "superseded" and state == "withdrawn_stale"
    assert twilio.to(ph) == []

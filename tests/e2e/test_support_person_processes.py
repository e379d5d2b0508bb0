"""A support person, scheduler and notifier as processes: the family session's reminder reaches them (in their
language) and nothing else does; their own STOP stops the next one at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.scheduler import session
from iop_devkit.testing.kafka import publish
from iop_notifier.domain.messages import format_when
from iop_shared.contracts import Envelope
from iop_shared.contracts.inbound import SessionKind, SupportPerson

from .test_reschedule_processes import _reply, _stack

pytestmark = pytest.mark.e2e
NY = ZoneInfo("America/New_York")


def _kind(env: Envelope, kind: SessionKind) -> Envelope:  # type: ignore[type-arg]
    return Envelope(env.data.model_copy(update={"kind": kind}), source=env.source)


async def test_the_support_person_gets_the_family_session_reminder_and_nothing_else(
        kafka_bootstrap: str, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pid, ph, helper = b.uid("pt"), b.phone(), b.phone()
    family, group, later = b.uid("ses"), b.uid("ses"), b.uid("ses")
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    person = SupportPerson(support_id="sup-1", name="Alex", phone=helper, locale="es",
                           consent_recorded_at=now, consent_source="intake", session_kinds=[SessionKind.family])
    base = b.patient(pid, "clinic-a", phone_number=ph)
    with_support = Envelope(base.data.model_copy(update={"support_persons": [person]}), source=base.source)
    async with TwilioFake() as twilio, _stack(kafka_bootstrap, database_url, tmp_path, twilio, monkeypatch,
                                              SCHEDULER_CAP_PER_DAY="0", SCHEDULER_CAP_PER_WEEK="0",
                                              NOTIFIER_CAP_PER_DAY="10", NOTIFIER_CAP_PER_WEEK="10") as urls:
        await publish(kafka_bootstrap, b.clinic("clinic-a", quiet=b.all_day()), with_support,
                        _kind(session(group, now + timedelta(hours=4), [pid]), SessionKind.group),
                        _kind(session(family, now + timedelta(hours=6), [pid]), SessionKind.family))
        try:
            # Both sessions may arrive in one batch and be planned together: one text to the patient may name both.
            await asyncio.wait_for(_until(lambda: len(twilio.to(ph)) >= 1 and twilio.to(helper)), timeout=40)
        except TimeoutError:
            seen = [m.body for m in twilio.to(ph)] + ["--"] + [m.body for m in twilio.to(helper)]
            raise AssertionError(seen) from None
        await asyncio.sleep(3)  # anything else would have arrived by now
        [invite] = twilio.to(helper)
        assert format_when(now + timedelta(hours=6), NY, "es") in invite.body and "le invitamos" in invite.body
        assert format_when(now + timedelta(hours=4), NY, "es") not in invite.body  # never the group session

        await _reply(twilio, urls["notifier"], helper, "STOP")
        await asyncio.sleep(2)
        await publish(kafka_bootstrap, _kind(session(later, now + timedelta(hours=8), [pid]), SessionKind.family))
        await asyncio.wait_for(_until(lambda: any(format_when(now + timedelta(hours=8), NY, "en") in m.body
                                                  for m in twilio.to(ph))), timeout=40)
        await asyncio.sleep(3)
        assert len(twilio.to(helper)) == 1  # stopped at once


async def _until(check: object) -> None:
    while not check():  # type: ignore[operator]  # noqa: ASYNC110 - the Twilio fake offers no event to wait on
        await asyncio.sleep(0.2)

"""Notifier and attendance as processes: an on-call member's `ACK` reply to a page acknowledges attendance's own
flag (who and when, as the dashboard's acknowledgement records it), so the flag list agrees with the page."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from iop_devkit.attendance import checkin_received
from iop_devkit.notifier import builders as b
from iop_devkit.notifier.smtp import SmtpCapture
from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.testing.kafka import eventually, publish
from iop_devkit.testing.service_processes import TOKEN, run_services
from iop_shared.contracts import Envelope
from iop_shared.contracts.outbound import CheckinIntent

from .test_reschedule_processes import PUBLIC, _reply
from .test_telehealth_processes import notifier_env

pytestmark = pytest.mark.e2e


async def test_an_ack_by_text_acknowledges_the_attendance_flag(
        kafka_bootstrap: str, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pid, team, on_call = b.uid("pt"), b.uid("team"), b.phone()
    with SmtpCapture() as smtp:
        async with TwilioFake() as twilio, run_services(
                kafka_bootstrap, database_url, ["notifier", "attendance"], tmp_path,
                extra_env={**notifier_env(twilio, smtp), "NOTIFIER_PUBLIC_BASE_URL": PUBLIC}) as (topics, urls):
            monkeypatch.setenv("IOP_TOPIC_PREFIX", topics)
            await publish(kafka_bootstrap, b.clinic("clinic-a", quiet=b.all_day()),
                          b.patient(pid, "clinic-a", phone_number=b.phone(), care_team_id=team),
                          b.care_team(team, "clinic-a", [("m-on", True, on_call, None)]))
            # A crisis answer: attendance raises a critical flag, the notifier pages the on-call member with a code.
            crisis = checkin_received(pid, CheckinIntent.crisis, datetime.now(UTC))
            await publish(kafka_bootstrap, Envelope(data=crisis, source="iop/notifier"))
            await eventually(lambda: twilio.to(on_call), timeout=30)
            code = re.search(r"Reply ACK (\w{4})", twilio.to(on_call)[0].body)
            assert code, twilio.to(on_call)[0].body
            async with httpx.AsyncClient(base_url=urls["attendance"],
                                         headers={"Authorization": f"Bearer {TOKEN}"}) as http:
                async def flag() -> dict[str, object]:
                    items = (await http.get("/v1/flags")).json()["items"]
                    [mine] = [f for f in items if f["patient_id"] == pid]
                    return dict(mine)

                async def listed() -> bool:  # the notifier pages at once; attendance may list its flag later
                    return any(f["patient_id"] == pid for f in (await http.get("/v1/flags")).json()["items"])
                await eventually(listed, timeout=20)
                assert (await flag())["status"] == "open"
                await _reply(twilio, urls["notifier"], on_call, f"ACK {code.group(1)}")  # signed for PUBLIC

                async def acknowledged() -> bool:
                    return (await flag())["status"] == "acknowledged"
                await eventually(acknowledged, timeout=20)
                assert (await flag())["acknowledged_by"] == "m-on"

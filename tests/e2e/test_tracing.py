"""One trace from `POST /v1/sessions` to the SMS send, across the scheduler and notifier processes.

Each process writes its finished spans to its own JSON-lines file (IOP_TRACE_FILE); the trace id the scheduler's
HTTP server span started must be on the session's publish and consume spans, the reminder's publish span and the
notifier's Twilio call, and no span attribute may carry a phone number, a name or message text.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.scheduler import session
from iop_devkit.testing.kafka import eventually, publish
from iop_devkit.testing.service_processes import TOKEN, run_services

pytestmark = pytest.mark.e2e


def _spans(logs: Path, service: str) -> list[dict[str, Any]]:
    path = logs / f"spans-iop-{service}.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _env(twilio: TwilioFake, logs: Path) -> dict[str, str]:
    return {"IOP_TRACE_FILE": str(logs / "spans-{service}.jsonl"),
            "SCHEDULER_FIRST_OFFSETS": "10s", "SCHEDULER_QUIET_START": "00:00",
            "SCHEDULER_QUIET_END": "23:59:59.999999", "SCHEDULER_CAP_PER_DAY": "0", "SCHEDULER_CAP_PER_WEEK": "0",
            "SCHEDULER_CHECKIN_ENABLED": "false", "SCHEDULER_SWEEP_INTERVAL": "1s",
            "NOTIFIER_TWILIO_ACCOUNT_SID": twilio.account_sid, "NOTIFIER_TWILIO_AUTH_TOKEN": twilio.auth_token,
            "NOTIFIER_TWILIO_MESSAGING_SERVICE_SID": "MG" + "1" * 32, "NOTIFIER_TWILIO_API_BASE_URL": twilio.base_url,
            "NOTIFIER_SMS_RATE_PER_SECOND": "0", "NOTIFIER_DISPATCH_POLL_S": "0.2", "NOTIFIER_TIMER_INTERVAL_S": "0.5"}


async def test_one_trace_from_http_ingest_to_the_sms_send(kafka_bootstrap: str, database_url: str, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    pid, sid, number = b.uid("pt"), b.uid("ses"), b.phone()
    async with TwilioFake() as twilio, run_services(kafka_bootstrap, database_url, ["scheduler", "notifier"],
                                                    tmp_path, _env(twilio, tmp_path)) as (topics, urls):
        monkeypatch.setenv("IOP_TOPIC_PREFIX", topics)
        await publish(kafka_bootstrap, b.clinic("clinic-a", quiet=b.all_day()),
                      b.patient(pid, "clinic-a", phone_number=number, channels=("sms",)))
        body = session(sid, datetime.now(UTC) + timedelta(seconds=16), [pid]).data.model_dump(mode="json")
        async with httpx.AsyncClient(base_url=urls["scheduler"]) as http:
            answer = await http.post("/v1/sessions", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
        assert answer.status_code == 202, answer.text

        async def texted() -> bool:
            return bool(twilio.to(number))
        await eventually(texted, timeout=40, interval=0.3)

        def provider_spans() -> list[dict[str, Any]]:
            return [s for s in _spans(tmp_path, "notifier") if s["name"] == "twilio send"]
        await eventually(provider_spans, timeout=10)
        [sms] = provider_spans()
        text = twilio.to(number)[0].body

    scheduler, notifier = _spans(tmp_path, "scheduler"), _spans(tmp_path, "notifier")
    [ingest] = [s for s in scheduler if s["kind"] == "SERVER" and s["name"] == "POST /v1/sessions"]
    trace = ingest["trace_id"]
    in_trace = [s for s in scheduler + notifier if s["trace_id"] == trace]
    events = {(s["service"], s["kind"], s["attributes"].get("cloudevents.event_type")) for s in in_trace}
    assert ("iop-scheduler", "PRODUCER", "iop.session.upserted.v1") in events  # the relay, from the outbox row
    assert ("iop-scheduler", "CONSUMER", "iop.session.upserted.v1") in events  # the planner's consumer
    assert ("iop-scheduler", "PRODUCER", "iop.reminder.due.v1") in events  # the reminder publish
    assert ("iop-notifier", "CONSUMER", "iop.reminder.due.v1") in events
    assert sms["trace_id"] == trace and sms["kind"] == "CLIENT"
    assert sms["attributes"]["recipient.id"] == pid and sms["attributes"]["notification.channel"] == "sms"

    # No personal data in any span of either process: ids only.
    written = json.dumps(scheduler + notifier)
    for personal in (number, number.lstrip("+"), text, "Riverside Wellness", "+15551234567"):
        assert personal not in written

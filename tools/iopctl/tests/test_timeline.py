"""`iopctl patient timeline` reads the services' real response shapes (captured from running services)."""

from __future__ import annotations

from typing import Any

import pytest

from iop_ctl import services

pytestmark = pytest.mark.unit

SCHEDULER = [{"reminder_id": "rem-1", "purpose": "upcoming_session", "kind": "cadence", "session_ids": ["ses-ctl"],
              "due_at": "2026-11-28T00:19:15Z", "expires_at": "2026-11-28T00:21:15Z", "urgent": False,
              "status": "skipped", "skip_reason": "expired", "dispatched_at": None}]
ATTENDANCE = {"patient_id": "pat-ctl", "rates": {}, "weeks": [], "total": 1, "limit": 100, "offset": 0,
              "visits": [{"session_id": "ses-ctl", "program_id": "prog", "kind": "group",
                          "starts_at": "2026-11-28T00:21:15Z", "ends_at": "2026-11-28T02:18:15Z", "expected": True,
                          "status": "late", "outcome": "attended", "visit_id": None}]}
NOTIFIER = {"delivery": "not sent to a phone", "messages": [
    {"notification_id": "ntf-1", "recipient_kind": "patient", "recipient_id": "pat-ctl", "channel": "sms",
     "body": "Harbor Health: see you at 2:21 PM", "created_at": "2026-11-28T00:19:16+00:00"}]}


def test_timeline_merges_the_three_services_in_time_order(monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    answers = {"/v1/patients/pat-ctl/reminders": SCHEDULER, "/v1/patients/pat-ctl/timeline": ATTENDANCE,
               "/embedded/messages": NOTIFIER}

    def fake_get(base: str, path: str, token: Any, **params: Any) -> Any:
        return answers[path]

    monkeypatch.setattr(services, "_get", fake_get)
    monkeypatch.setattr(services.console, "width", 200)
    services.timeline("pat-ctl")
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "2026-11-28" in line]
    assert "reminder upcoming_session: skipped (expired)" in lines[0]
    assert "sms message recorded" in lines[1] and "see you" not in out  # never the message text
    assert "session ses-ctl (group): attended, recorded late" in lines[2]

"""The dashboard in headless Chromium, with the real attendance service behind its Acknowledge button."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import async_playwright, expect

from iop_devkit.dashboard import attendance, concern, free_port, patient, session, suppressed, wait_ready
from iop_devkit.dashboard_fakes import TEXT, FakeNotifier, notifier_server
from iop_devkit.testing.kafka import TopicTail, publish
from iop_shared.contracts import Envelope
from iop_shared.contracts.inbound import AttendanceStatus, SessionKind
from iop_shared.contracts.outbound import (
    CheckinIntent,
    CheckinReceived,
    NotificationChannel,
    NotificationDelivered,
    NotificationSent,
    ReasonCode,
    RecipientKind,
    RiskAcknowledged,
    RiskFlagged,
)
from iop_shared.contracts.topics import RISK, VISITS

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOT = Path(__file__).resolve().parents[4] / "docs" / "dashboard.png"
TOKEN = "e2e-attendance-token"
PASSWORD = "e2e-password-9"
CONCERN = f"c-e2e-{uuid.uuid4().hex[:8]}"
Spawn = Callable[[str, dict[str, str]], subprocess.Popen[bytes]]


def clinic_day(now: datetime) -> list[Envelope[object]]:
    """Sessions of today: one under way with attendance recorded for some, others later; a few notifications."""
    started = session(now - timedelta(minutes=5), ["p-101", "p-102", "p-103", "p-104"])
    sid = started.data.session_id
    events: list[Envelope[object]] = [
        *(patient(f"p-10{i}", name=f"Pat {i}") for i in range(1, 9)),
        started,
        session(now + timedelta(hours=1), ["p-101", "p-105"], kind=SessionKind.individual),
        session(now + timedelta(hours=2), ["p-106", "p-107", "p-108"], kind=SessionKind.family),
        attendance(sid, "p-101", AttendanceStatus.present, now),
        attendance(sid, "p-102", AttendanceStatus.late, now),
    ]
    for i in range(6):
        kind = NotificationDelivered if i % 2 else NotificationSent
        events.append(Envelope(kind(notification_id=f"n-{i}", source_event_id=f"r-{i}",
                                    recipient_kind=RecipientKind.patient, recipient_id=f"p-10{i}",
                                    channel=NotificationChannel.sms if i < 4 else NotificationChannel.email,
                                    reason_code=ReasonCode.fallback_used if i == 5 else None, occurred_at=now),
                               source="iop/notifier"))
    events += [suppressed("p-107", now, ReasonCode.opted_out, channel=None),
               suppressed("p-108", now, ReasonCode.quiet_hours_deferred),
               concern("p-106", now - timedelta(minutes=12), checkin_id=CONCERN)]
    return events  # type: ignore[return-value]


@pytest.mark.e2e
async def test_acknowledge_a_flag_in_the_browser_reaches_kafka(
        spawn: Spawn, kafka_bootstrap: str, database_url: str, pg_schema: str, second_schema: str, group_id: str,
        topics: str) -> None:
    fake = FakeNotifier(token="e2e-notifier-token")
    async with notifier_server(fake) as notifier_url:
        await _run(spawn, kafka_bootstrap, database_url, pg_schema, second_schema, group_id, fake, notifier_url)


async def _run(spawn: Spawn, kafka_bootstrap: str, database_url: str, pg_schema: str, second_schema: str,
               group_id: str, fake: FakeNotifier, notifier_url: str) -> None:
    att_port, dash_port = free_port(), free_port()
    common = {"KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "DATABASE_URL": database_url,
              "IOP_ENVIRONMENT": "development",
              "LOG_LEVEL": "WARNING"}
    att = spawn("iop_attendance", {
        **common, "ATTENDANCE_HTTP_PORT": str(att_port), "ATTENDANCE_DB_SCHEMA": second_schema,
        "ATTENDANCE_GROUP_ID": f"{group_id}-att", "ATTENDANCE_API_TOKENS": json.dumps({"*": TOKEN}),
        "ATTENDANCE_MISSED_GRACE": "PT1S", "ATTENDANCE_LATE_SESSION_SETTLE": "PT1S",
        "ATTENDANCE_SWEEP_INTERVAL": "PT2S"})
    dash = spawn("iop_dashboard", {
        **common, "DASHBOARD_HTTP_PORT": str(dash_port), "DASHBOARD_DB_SCHEMA": pg_schema,
        "DASHBOARD_GROUP_ID": f"{group_id}-dash", "DASHBOARD_ATTENDANCE_URL": f"http://127.0.0.1:{att_port}",
        "DASHBOARD_ATTENDANCE_TOKEN": TOKEN, "DASHBOARD_NOTIFIER_TOKEN": "e2e-notifier-token",
        "DASHBOARD_NOTIFIER_URL": notifier_url,
        "DASHBOARD_SESSION_SECRET": "e2e-session-secret-0123456789",
        "DASHBOARD_DEV_USERS": json.dumps({"nurse-e2e": {"password": PASSWORD, "clinics": ["clinic-1"],
                                                         "name": "Nurse E2E"}})})
    dash_url = f"http://127.0.0.1:{dash_port}"
    await wait_ready(f"http://127.0.0.1:{att_port}", att)
    await wait_ready(dash_url, dash)

    now = datetime.now(UTC)
    fake.known[CONCERN] = ("p-106", "clinic-1", now - timedelta(minutes=12))
    async with TopicTail(kafka_bootstrap, RISK.name, VISITS.name) as tail:
        await publish(kafka_bootstrap, *clinic_day(now))  # type: ignore[arg-type]
        crisis = CheckinReceived(checkin_id="c-e2e-1", patient_id="p-103", intent=CheckinIntent.crisis,
                                 received_at=now)
        await publish(kafka_bootstrap, Envelope(crisis, source="iop/notifier"))
        raised = await tail.wait_for(
            lambda e: isinstance(e.data, RiskFlagged) and e.data.rule == "crisis_checkin", timeout=60)
        flag_id = raised[0].data.flag_id  # type: ignore[attr-defined]

        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = await browser.new_page(viewport={"width": 1360, "height": 900})
            await page.goto(dash_url)
            await expect(page).to_have_url(f"{dash_url}/login")
            await page.fill("#username", "nurse-e2e")
            await page.fill("#password", PASSWORD)
            await page.get_by_role("button", name="Sign in").click()
            await expect(page.locator("#signed-in")).to_have_text("Signed in as Nurse E2E")
            await expect(page.locator("#connection")).to_have_text("Live updates: on", timeout=20_000)
            row = page.locator(f"#flag-{flag_id}")
            await expect(row).to_contain_text("critical", timeout=30_000)
            await expect(row).to_contain_text("Pat 3")
            await expect(page.locator("#missed-h")).not_to_contain_text(" 0", timeout=60_000)
            await expect(page.locator("#triage-h")).to_contain_text("1", timeout=30_000)
            await expect(page.locator(f"#concern-{CONCERN}")).to_contain_text("12 min")
            await page.get_by_role("button", name="Acknowledge critical flag for patient p-103").click()
            acked = await tail.wait_for(
                lambda e: isinstance(e.data, RiskAcknowledged) and e.data.flag_id == flag_id, timeout=30)
            assert acked[0].data.by == "nurse-e2e"  # type: ignore[attr-defined]
            await expect(row).to_contain_text("acknowledged by nurse-e2e", timeout=30_000)
            await expect(page.locator("#announce")).to_contain_text("Acknowledgement confirmed")
            await expect(page.locator(f"#ack-{flag_id}")).to_have_count(0)
            await page.get_by_role("button", name="Open reply from patient p-106").click()
            await expect(page.locator("#concern-text")).to_contain_text(TEXT)
            await expect(page.locator(f"#concern-{CONCERN}")).to_have_count(0, timeout=30_000)  # opened
            await expect(page.locator("#concern-text")).to_contain_text(TEXT)  # live updates leave it open
            assert fake.seen[-1][2] == {"clinic_id": "clinic-1", "by": "nurse-e2e"}
            SCREENSHOT.parent.mkdir(exist_ok=True)
            await page.screenshot(path=str(SCREENSHOT), full_page=True)
            await browser.close()

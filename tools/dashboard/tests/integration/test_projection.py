import random
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from iop_dashboard.adapters import repository as repo
from iop_dashboard.domain.periods import Period
from iop_dashboard.settings import Settings
from iop_devkit.dashboard import attendance, flagged, missed, patient, session, sign_in, suppressed
from iop_devkit.testing.kafka import eventually, publish
from iop_shared.contracts import Envelope
from iop_shared.contracts.inbound import AttendanceStatus, SessionCancelled, SessionKind
from iop_shared.contracts.outbound import (
    NotificationChannel,
    NotificationDelivered,
    NotificationFailed,
    NotificationSent,
    ReasonCode,
    RecipientKind,
    RiskAcknowledged,
    RiskResolved,
    Severity,
    VisitMissedRetracted,
)


def note(kind: type[NotificationSent | NotificationDelivered | NotificationFailed], at: datetime,
         reason: ReasonCode | None = None) -> Envelope[Any]:
    return Envelope(kind(notification_id="n-1", source_event_id="e-1", recipient_kind=RecipientKind.patient,
                         recipient_id="p-1", channel=NotificationChannel.sms, reason_code=reason, occurred_at=at),
                    source="iop/notifier")


@pytest.mark.integration
async def test_events_from_kafka_build_the_overview_idempotently(
        settings: Settings, serve: Callable[..., AbstractAsyncContextManager[Any]], kafka_bootstrap: str) -> None:
    # Noon of today (UTC, the dashboard's zone here): the sessions stay "today" whatever time the test runs.
    now = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    s1 = session(now - timedelta(minutes=30), ["p-1", "p-2", "p-3"])
    stale = session(now, ["p-x"], revision=0, session_id=s1.data.session_id)
    s2 = session(now + timedelta(minutes=5), ["p-4"], kind=SessionKind.individual)
    cancel = Envelope(SessionCancelled(session_id=s2.data.session_id, revision=2), source="iop/test-clinic")
    sid = s1.data.session_id
    retracted = missed(sid, "p-2", now)
    sentinel = missed(s2.data.session_id, "p-2", now)
    f_open, f_ack, f_done = flagged("p-1", now), flagged("p-2", now, severity=Severity.critical), flagged("p-3", now)
    sent = note(NotificationSent, now)
    events: list[Envelope[Any]] = [
        *(patient(f"p-{i}") for i in (1, 2, 3, 4, 9)),
        s1, stale, s2, cancel,
        attendance(sid, "p-1", AttendanceStatus.present, now),
        attendance(sid, "p-2", AttendanceStatus.absent, now),
        attendance(sid, "p-2", AttendanceStatus.late, now + timedelta(minutes=1)),
        attendance(sid, "p-3", AttendanceStatus.excused, now),
        retracted, missed(sid, "p-9", now),
        Envelope(VisitMissedRetracted(visit_id=retracted.data.visit_id, session_id=sid, patient_id="p-2",
                                      detected_at=now), source="iop/attendance"),
        sentinel,  # same key as the retraction, after it: once it shows, the retraction was applied
        f_open, f_ack, f_done,
        Envelope(RiskAcknowledged(flag_id=f_ack.data.flag_id, patient_id="p-2", by="nurse-1", acknowledged_at=now),
                 source="iop/attendance"),
        Envelope(RiskResolved(flag_id=f_done.data.flag_id, patient_id="p-3", resolved_at=now), source="iop/attendance"),
        sent,
        note(NotificationSent, now), note(NotificationDelivered, now),
        note(NotificationFailed, now, ReasonCode.invalid_address),
        suppressed("p-4", now, ReasonCode.opted_out, channel=None),
    ]
    past = datetime(2001, 1, 1, tzinfo=UTC) + timedelta(weeks=random.randrange(900), hours=10)  # this run's own week
    old = session(past, ["p-1", "p-2"], kind=SessionKind.family)
    dup = note(NotificationSent, past)
    events += [old, attendance(old.data.session_id, "p-1", AttendanceStatus.present, past),
               missed(old.data.session_id, "p-2", past),
               dup, dup,  # the same event twice is counted once; all three keyed p-1, so they arrive in order
               suppressed("p-1", past, ReasonCode.cap_reached)]
    async with serve(settings, timers=False) as app:
        await publish(kafka_bootstrap, *events)
        await sign_in(app.http, "nurse-1", "pw-nurse-1-1")
        seen: dict[str, Any] = {}
        mine = {f_open.data.flag_id, f_ack.data.flag_id, f_done.data.flag_id}

        async def complete() -> bool:
            seen.update((await app.http.get("/api/overview")).json())
            today = {s["session_id"]: s for s in seen["sessions"]}
            flags = {f["flag_id"]: f["status"] for f in seen["flags"] if f["flag_id"] in mine}
            return flags == {f_open.data.flag_id: "open", f_ack.data.flag_id: "acknowledged"} and (
                today.get(sid, {}).get("late") == 1 and today.get(sid, {}).get("excused") == 1
                and today.get(sid, {}).get("present") == 1  # each topic is its own consumer: any order
                and today.get(s2.data.session_id, {}).get("cancelled") is True
                and any(m["patient_id"] == "p-9" and m["session_id"] == sid for m in seen["missed"])
                and any(m["visit_id"] == sentinel.data.visit_id for m in seen["missed"]))

        try:
            await eventually(complete, timeout=45)
        except AssertionError:
            raise AssertionError(f"overview never complete: {seen}") from None
        week = Period(past - timedelta(days=past.weekday(), hours=10), past + timedelta(days=7))
        hour = Period(past, past + timedelta(hours=1))
        async with app.service.pool.acquire() as conn:
            await eventually(lambda: _counted(conn, hour, 2), timeout=15)
            # The old session's record and miss travel on their own partitions: applied once both are in.
            await eventually(lambda: _applied_to(conn, old.data.session_id), timeout=15)
            weeks = await repo.weekly_attendance(conn, week, "UTC", ["clinic-1"])
            kinds = await repo.no_shows_by_kind(conn, week, ["clinic-1"])
            counts = {(n.outcome, n.channel, n.reason): n.count
                      for n in await repo.notification_totals(conn, hour, ["clinic-1"])}
    row = {s["session_id"]: s for s in seen["sessions"]}[sid]
    assert (row["expected"], row["present"], row["late"], row["absent"], row["excused"], row["missed"]) == (
        3, 1, 1, 0, 1, 1)
    assert row["kind"] == "group"
    assert [f["flag_id"] for f in seen["flags"] if f["flag_id"] in mine] == [f_ack.data.flag_id, f_open.data.flag_id]
    assert not [m for m in seen["missed"] if m["visit_id"] == retracted.data.visit_id]
    assert [(w.expected, w.attended, w.rate) for w in weeks] == [(2, 1, 0.5)]
    assert [(k.kind, k.count) for k in kinds] == [("family", 1)]
    assert counts == {("sent", "sms", ""): 1, ("suppressed", "sms", "cap_reached"): 1}


async def _applied_to(conn: Any, session_id: str) -> bool:
    return bool(await conn.fetchval(
        "SELECT (SELECT count(*) FROM attendance WHERE session_id = $1)"
        " + (SELECT count(*) FROM missed_visits WHERE session_id = $1) = 2", session_id))


async def _counted(conn: Any, hour: Period, total: int) -> bool:
    return sum(n.count for n in await repo.notification_totals(conn, hour, ["clinic-1"])) >= total

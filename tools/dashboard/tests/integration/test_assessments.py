"""Questionnaire outcomes on the dashboard: a patient's score trend and a program's completion rate."""

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from iop_dashboard.settings import Settings
from iop_devkit.dashboard import patient, session, sign_in
from iop_devkit.testing.kafka import eventually, publish, unique
from iop_shared.contracts import Envelope
from iop_shared.contracts.outbound import AssessmentCompleted, AssessmentStatus, CheckinKind


def _outcome(pid: str, instrument: CheckinKind, total: int | None, at: datetime,
             status: AssessmentStatus = AssessmentStatus.completed, item9: bool = False) -> Envelope[Any]:
    conv = unique("conv")
    return Envelope(AssessmentCompleted(assessment_id=f"{conv}-{instrument.value}", conversation_id=conv,
                                        patient_id=pid, instrument=instrument, status=status, total=total,
                                        item9_positive=item9, completed_at=at), source="iop/notifier")


@pytest.mark.integration
async def test_score_trend_and_completion_rate_by_program(
        settings: Settings, serve: Callable[..., AbstractAsyncContextManager[Any]], kafka_bootstrap: str) -> None:
    now = datetime.now(UTC)
    pid, other = unique("p"), unique("p")
    events = [patient(pid, name="Sam"), patient(other, clinic_id="clinic-2"), session(now - timedelta(days=1), [pid]),
              _outcome(pid, CheckinKind.phq9, 4, now - timedelta(days=6)),
              _outcome(pid, CheckinKind.phq9, 12, now - timedelta(hours=2), item9=True),
              _outcome(pid, CheckinKind.gad7, None, now - timedelta(hours=1), status=AssessmentStatus.expired),
              _outcome(other, CheckinKind.phq9, 20, now - timedelta(hours=1))]
    async with serve(settings, timers=False) as app:
        await publish(kafka_bootstrap, *events)
        await sign_in(app.http, "nurse-1", "pw-nurse-1-1")
        seen: dict[str, Any] = {}

        async def shown() -> bool:
            seen.update((await app.http.get("/api/overview")).json())
            # The outcomes (one partition, in order, the GAD-7 last) and the session that gives them their program
            # travel on different topics, each read by its own consumer: until the session is in, they count under
            # no program. Wait for the program's GAD-7 row.
            return any(s["patient_id"] == pid for s in seen["scores"]) and any(
                (c["program_id"], c["instrument"]) == ("prog-1", "gad7") for c in seen["completion"])
        await eventually(shown, timeout=30)
        page = (await app.http.get("/")).text
    [trend] = [s for s in seen["scores"] if s["patient_id"] == pid]
    assert (trend["instrument"], trend["totals"], trend["item9_positive"]) == ("phq9", [4, 12], True)
    assert all(s["patient_id"] != other for s in seen["scores"])  # another clinic's patient is not shown
    rates = {(c["program_id"], c["instrument"]): (c["offered"], c["completed"]) for c in seen["completion"]}
    assert rates[("prog-1", "phq9")] == (2, 2) and rates[("prog-1", "gad7")] == (1, 0)
    assert "4 → 12" in page and "Completion by program" in page

"""A user of clinic A never sees clinic B's patients, flags, visits, sessions, concerns or counts (page and API)."""

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from iop_dashboard.settings import Settings
from iop_devkit.dashboard import concern, flagged, missed, nobody_paged, patient, session, sign_in, suppressed
from iop_devkit.testing.kafka import eventually, publish
from iop_shared.contracts.outbound import ReasonCode


def clinic_records(tag: str, clinic: str, name: str, now: datetime) -> dict[str, Any]:
    pid = f"p-scope-{tag}"
    s = session(now - timedelta(minutes=10), [pid], clinic_id=clinic)
    return {"patient": patient(pid, clinic, name=name), "session": s, "flag": flagged(pid, now),
            "missed": missed(s.data.session_id, pid, now),
            "concern": concern(pid, datetime.now(UTC) - timedelta(minutes=7)),
            "note": suppressed(pid, now, ReasonCode.opted_out)}


@pytest.mark.integration
async def test_page_and_api_show_only_the_users_clinics(
        settings: Settings, serve: Callable[..., AbstractAsyncContextManager[Any]], kafka_bootstrap: str) -> None:
    now = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    a, b = clinic_records("a", "clinic-a", "Alma", now), clinic_records("b", "clinic-b", "Bruno", now)
    # A takeover attempt over Kafka: clinic B re-publishes A's patient under its own clinic, with a higher revision.
    takeover = patient("p-scope-a", "clinic-b", name="Taken", revision=99)
    unpaged = nobody_paged(a["flag"].data.flag_id, "team-clinic-a", now)
    async with serve(settings, timers=False) as app:
        # Counts take the recipient's clinic when applied (they keep no patient id), so patients come first.
        await publish(kafka_bootstrap, a["patient"], b["patient"])
        await eventually(lambda: _patients(app, 2), timeout=30)
        await publish(kafka_bootstrap, *(v for k, v in a.items() if k != "patient"),
                      *(v for k, v in b.items() if k != "patient"), takeover, unpaged)
        await sign_in(app.http, "nurse-a", "pw-nurse-a-1")
        seen: dict[str, Any] = {}

        async def complete() -> bool:
            seen.update(_own((await app.http.get("/api/overview")).json()))
            return bool(seen["flags"] and seen["flags"][0]["nobody_paged"] and seen["concerns"] and seen["missed"]
                        and seen["sessions"] and seen["notifications"])

        try:
            await eventually(complete, timeout=45)
        except AssertionError:
            raise AssertionError(f"overview never complete: {seen}") from None
        page = (await app.http.get("/")).text
        lead = await _lead_sees_both(app)
    assert [f["flag_id"] for f in seen["flags"]] == [a["flag"].data.flag_id]
    assert seen["flags"][0]["preferred_name"] == "Alma" and seen["flags"][0]["clinic_id"] == "clinic-a"
    assert [c["concern_id"] for c in seen["concerns"]] == [a["concern"].data.checkin_id]
    assert [m["visit_id"] for m in seen["missed"]] == [a["missed"].data.visit_id]
    # Other tests of this session publish clinic-a sessions on the same topics: B's must not be here, A's must.
    shown = {s["session_id"] for s in seen["sessions"]}
    assert a["session"].data.session_id in shown and b["session"].data.session_id not in shown
    assert sum(n["count"] for n in seen["notifications"]) == 1 and seen["clinics"] == ["clinic-a"]
    assert "Alma" in page and "Nobody paged" in page
    assert '<td class="age">7 min</td>' in page or '<td class="age">8 min</td>' in page
    assert "p-scope-b" not in page and "Bruno" not in page and "Taken" not in page
    assert b["flag"].data.flag_id not in page and b["session"].data.session_id not in page
    assert {a["flag"].data.flag_id, b["flag"].data.flag_id} <= lead


def _own(overview: dict[str, Any]) -> dict[str, Any]:
    """This test's records: the topics are shared by the session's tests, whose clinics are the same."""
    mine = {k: [r for r in overview[k] if str(r.get("patient_id", "")).startswith("p-scope-")]
            for k in ("flags", "concerns", "missed")}
    return {**overview, **mine}


async def _patients(app: Any, n: int) -> bool:
    async with app.service.pool.acquire() as conn:
        found: int = await conn.fetchval("SELECT count(*) FROM patients WHERE patient_id LIKE 'p-scope-%'")
    return found >= n


async def _lead_sees_both(app: Any) -> set[str]:
    """A user of both clinics sees both clinics' flags."""
    async with httpx.AsyncClient(base_url=app.url, timeout=10) as http:
        await sign_in(http, "lead-ab", "pw-lead-ab-1")
        return {f["flag_id"] for f in (await http.get("/api/overview")).json()["flags"]}

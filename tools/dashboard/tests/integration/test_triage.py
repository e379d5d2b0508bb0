"""The triage queue: a concern published by the notifier shows for its clinic; opening it fetches the text from a
notifier served over real HTTP (a local server speaking the notifier's interface)."""

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from iop_dashboard.settings import Settings
from iop_devkit.dashboard import concern, patient, sign_in
from iop_devkit.dashboard_fakes import TEXT, FakeNotifier, notifier_server
from iop_devkit.testing.kafka import eventually, publish


@pytest.mark.integration
async def test_a_concern_is_queued_for_its_clinic_and_opening_it_shows_the_text(
        settings: Settings, serve: Callable[..., AbstractAsyncContextManager[Any]], kafka_bootstrap: str) -> None:
    now = datetime.now(UTC)
    older, newer = concern("p-tri-a", now - timedelta(minutes=40)), concern("p-tri-a", now - timedelta(minutes=3))
    theirs = concern("p-tri-b", now - timedelta(minutes=5))
    fake = FakeNotifier({c.data.checkin_id: (c.data.patient_id, clinic, c.data.received_at)
                         for c, clinic in ((older, "clinic-a"), (newer, "clinic-a"), (theirs, "clinic-b"))})
    async with notifier_server(fake) as url:
        configured = settings.model_copy(update={"notifier_url": url})
        async with serve(configured, timers=False) as app:
            await publish(kafka_bootstrap, patient("p-tri-a", "clinic-a", name="Alma"),
                          patient("p-tri-b", "clinic-b"), older, newer, theirs)
            csrf = await sign_in(app.http, "nurse-a", "pw-nurse-a-1")

            async def queued() -> list[str]:
                concerns = (await app.http.get("/api/overview")).json()["concerns"]
                return [c["concern_id"] for c in concerns if c["patient_id"] == "p-tri-a"]  # topics are shared

            await eventually(lambda: _equals(queued(), [older.data.checkin_id, newer.data.checkin_id]), timeout=30)
            page = (await app.http.get("/")).text
            assert '<td class="age">40 min</td>' in page and "Alma" in page and TEXT not in page
            headers = {"X-CSRF-Token": csrf, "Origin": app.url}
            no_token = await app.http.post(f"/api/concerns/{older.data.checkin_id}/open", json={})
            assert no_token.status_code == 403
            other = await app.http.post(f"/api/concerns/{theirs.data.checkin_id}/open", json={}, headers=headers)
            assert other.status_code == 404
            assert fake.seen == []  # neither reached the notifier
            opened = await app.http.post(f"/api/concerns/{older.data.checkin_id}/open", json={}, headers=headers)
            assert opened.status_code == 200, opened.text
            assert opened.json()["text"] == TEXT and opened.json()["opened_by"] == "nurse-a"
            assert opened.headers["cache-control"] == "no-store"
            await eventually(lambda: _equals(queued(), [newer.data.checkin_id]), timeout=10)
            form = await app.http.post(f"/concerns/{newer.data.checkin_id}/open", data={"csrf_token": csrf},
                                       headers={"Origin": app.url})
            assert form.status_code == 200 and TEXT in form.text
            async with app.service.pool.acquire() as conn:
                stored = await conn.fetch("SELECT * FROM concerns")
    asked = {"clinic_id": "clinic-a", "by": "nurse-a"}
    assert fake.seen == [(older.data.checkin_id, "Bearer test-notifier-token", asked),
                         (newer.data.checkin_id, "Bearer test-notifier-token", asked)]
    assert {r["concern_id"]: r["opened_by"] for r in stored if r["patient_id"] == "p-tri-a"} == {
        older.data.checkin_id: "nurse-a", newer.data.checkin_id: "nurse-a"}
    assert TEXT not in repr([dict(r) for r in stored])  # the dashboard keeps no text


@pytest.mark.integration
async def test_the_client_maps_the_notifiers_answers() -> None:
    from iop_dashboard.adapters.notifier import ConcernError, NotifierClient

    fake = FakeNotifier({"c-1": ("p-1", "clinic-1", datetime.now(UTC))})
    async with notifier_server(fake) as url:
        good = NotifierClient(url, "test-notifier-token", 2.0)
        opened = await good.open_concern("c-1", "clinic-1", "nurse-1")
        assert opened.text == TEXT and TEXT not in repr(opened)
        with pytest.raises(ConcernError) as unknown:
            await good.open_concern("c-2", "clinic-1", "nurse-1")
        assert unknown.value.status == 404
        await good.aclose()
        wrong = NotifierClient(url, "wrong-token", 2.0)
        with pytest.raises(ConcernError) as refused:
            await wrong.open_concern("c-1", "clinic-1", "nurse-1")
        assert refused.value.status == 502 and "token" in refused.value.detail
        await wrong.aclose()
    gone = NotifierClient(url, "test-notifier-token", 1.0)
    with pytest.raises(ConcernError) as unreachable:
        await gone.open_concern("c-1", "clinic-1", "nurse-1")
    assert unreachable.value.status == 503
    await gone.aclose()


async def _equals(value: Any, expected: object) -> bool:
    return bool(await value == expected)


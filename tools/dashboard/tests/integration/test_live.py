import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from iop_dashboard.settings import Settings
from iop_devkit.dashboard import flagged, patient, sign_in
from iop_devkit.testing.kafka import publish
from iop_shared.contracts import Envelope
from iop_shared.contracts.outbound import RiskAcknowledged


async def sse_events(response: httpx.Response) -> AsyncIterator[tuple[str, str]]:
    """(event, data) pairs of a text/event-stream response."""
    name, data = "", []
    async for line in response.aiter_lines():
        if line.startswith("event:"):
            name = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].removeprefix(" "))
        elif line == "" and data:
            yield name, "\n".join(data)
            name, data = "", []


async def next_matching(stream: AsyncIterator[tuple[str, str]], needle: str, timeout: float = 30,
                        seen: list[str] | None = None) -> str:
    async def find() -> str:
        async for name, data in stream:
            if seen is not None:
                seen.append(data)
            if name == "overview" and needle in data:
                return data
        raise AssertionError("stream ended")

    return await asyncio.wait_for(find(), timeout)


def acknowledged(flag_id: str, patient_id: str, by: str, at: datetime) -> Envelope[RiskAcknowledged]:
    return Envelope(RiskAcknowledged(flag_id=flag_id, patient_id=patient_id, by=by, acknowledged_at=at),
                    source="iop/attendance")


@pytest.mark.integration
async def test_the_stream_pushes_the_new_state_when_a_flag_is_raised_and_acknowledged(
        settings: Settings, serve: Callable[..., AbstractAsyncContextManager[Any]], kafka_bootstrap: str) -> None:
    now = datetime.now(UTC)
    flag = flagged("p-live", now)
    async with serve(settings, timers=False) as app:
        await sign_in(app.http, "nurse-1", "pw-nurse-1-1")
        await publish(kafka_bootstrap, patient("p-live"))
        async with app.http.stream("GET", "/events") as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            stream = sse_events(response)
            first = await next_matching(stream, "Open risk flags")
            assert flag.data.flag_id not in first
            await publish(kafka_bootstrap, flag)
            raised = await next_matching(stream, f'id="flag-{flag.data.flag_id}"')
            assert f'id="ack-{flag.data.flag_id}"' in raised
            await publish(kafka_bootstrap, acknowledged(flag.data.flag_id, "p-live", "nurse-7", now))
            acked = await next_matching(stream, "acknowledged by nurse-7")
            assert f'id="ack-{flag.data.flag_id}"' not in acked
            assert app.service.broadcaster.subscribers == 1


@pytest.mark.integration
async def test_each_stream_carries_only_its_users_clinics(
        settings: Settings, serve: Callable[..., AbstractAsyncContextManager[Any]], kafka_bootstrap: str) -> None:
    now = datetime.now(UTC)
    flag_a, flag_b = flagged("p-sse-a", now), flagged("p-sse-b", now)
    async with serve(settings, timers=False) as app, httpx.AsyncClient(base_url=app.url, timeout=10) as other:
        await sign_in(app.http, "nurse-a", "pw-nurse-a-1")
        await sign_in(other, "nurse-b", "pw-nurse-b-1")
        await publish(kafka_bootstrap, patient("p-sse-a", "clinic-a", name="Alma"),
                      patient("p-sse-b", "clinic-b", name="Bruno"))
        async with app.http.stream("GET", "/events") as a_response, other.stream("GET", "/events") as b_response:
            a_seen: list[str] = []
            a_stream, b_stream = sse_events(a_response), sse_events(b_response)
            await next_matching(a_stream, "Open risk flags", seen=a_seen)
            await next_matching(b_stream, "Open risk flags")
            await publish(kafka_bootstrap, flag_a, flag_b)
            await next_matching(b_stream, f'id="flag-{flag_b.data.flag_id}"')  # B is applied from here on
            await next_matching(a_stream, f'id="flag-{flag_a.data.flag_id}"', seen=a_seen)
            await publish(kafka_bootstrap, acknowledged(flag_a.data.flag_id, "p-sse-a", "nurse-a", now))
            last = await next_matching(a_stream, "acknowledged by nurse-a", seen=a_seen)
            assert "Alma" in last
            assert app.service.broadcaster.subscribers == 2
    assert not [d for d in a_seen if flag_b.data.flag_id in d or "p-sse-b" in d or "Bruno" in d]

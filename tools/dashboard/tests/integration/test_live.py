import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from iop_dashboard.settings import Settings
from iop_dashboard.testing import flagged
from iop_shared.contracts import Envelope
from iop_shared.contracts.outbound import RiskAcknowledged
from iop_shared.testing.kafka import publish


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


async def next_matching(stream: AsyncIterator[tuple[str, str]], needle: str, timeout: float = 30) -> str:
    async def find() -> str:
        async for name, data in stream:
            if name == "overview" and needle in data:
                return data
        raise AssertionError("stream ended")

    return await asyncio.wait_for(find(), timeout)


@pytest.mark.integration
async def test_the_stream_pushes_the_new_state_when_a_flag_is_raised_and_acknowledged(
        settings: Settings, serve: Callable[..., AbstractAsyncContextManager[Any]], kafka_bootstrap: str) -> None:
    now = datetime.now(UTC)
    flag = flagged("p-live", now)
    async with serve(settings, timers=False) as app, app.http.stream("GET", "/events") as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        stream = sse_events(response)
        first = await next_matching(stream, "Open risk flags")
        assert flag.data.flag_id not in first
        await publish(kafka_bootstrap, flag)
        raised = await next_matching(stream, f'id="flag-{flag.data.flag_id}"')
        assert f'id="ack-{flag.data.flag_id}"' in raised
        ack = RiskAcknowledged(flag_id=flag.data.flag_id, patient_id="p-live", by="nurse-7", acknowledged_at=now)
        await publish(kafka_bootstrap, Envelope(ack, source="iop/attendance"))
        acked = await next_matching(stream, "acknowledged by nurse-7")
        assert f'id="ack-{flag.data.flag_id}"' not in acked
        assert app.service.broadcaster.subscribers == 1

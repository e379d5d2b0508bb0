"""The dashboard's JSON API over real HTTP: bodies bounded before parsing, 422s that name fields only."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
import pytest

from iop_dashboard.settings import Settings
from iop_devkit.dashboard import sign_in

pytestmark = pytest.mark.integration
NOTE_BY = "Zebulon Quintavious +15550123987"


def _nowhere(seen: list[httpx.Request]) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    return httpx.MockTransport(answer)


async def _chunks(size: int) -> AsyncIterator[bytes]:
    yield b'{"note": "'
    for _ in range(size // 8192):
        yield b"x" * 8192
    yield b'"}'


async def test_oversized_bodies_are_413_and_invalid_ones_never_echoed(
        settings: Settings, serve: Callable[..., AbstractAsyncContextManager[Any]]) -> None:
    seen: list[httpx.Request] = []
    bounded = settings.model_copy(update={"http_max_body_bytes": 4096})
    async with serve(bounded, kafka=False, timers=False, attendance_transport=_nowhere(seen)) as app:
        url, headers = "/api/flags/f-1/acknowledge", {"Content-Type": "application/json"}
        declared = await app.http.post(url, content=b'{"note": "' + b"x" * 10_000 + b'"}', headers=headers)
        streamed = await app.http.post(url, content=_chunks(50_000), headers=headers)
        csrf = await sign_in(app.http, "nurse-a", "pw-nurse-a-1")  # signed in: the body is validated, not echoed
        invalid = await app.http.post(url, json={"by": NOTE_BY}, headers={"X-CSRF-Token": csrf})
    assert declared.status_code == 413 and streamed.status_code == 413, (declared.text, streamed.text)
    assert declared.json()["detail"] == "request body larger than 4096 bytes"
    assert invalid.status_code == 422 and invalid.json()["detail"][0]["loc"] == ["body", "by"]
    assert NOTE_BY not in invalid.text and "Zebulon" not in invalid.text
    assert seen == []  # nothing reached the attendance service

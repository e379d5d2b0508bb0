import json

import httpx
import pytest

from iop_dashboard.adapters.attendance import AttendanceClient, FlagActionError


def client(handler: httpx.MockTransport) -> AttendanceClient:
    return AttendanceClient("http://attendance", "tok-1", 1.0, transport=handler)


@pytest.mark.unit
async def test_acknowledge_posts_who_with_the_bearer_token() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"flag_id": "f-1", "status": "acknowledged"})

    result = await client(httpx.MockTransport(answer)).act("f-1", "acknowledge", "nurse-1", None)
    assert result["status"] == "acknowledged"
    assert seen[0].url.path == "/v1/flags/f-1/acknowledge"
    assert seen[0].headers["authorization"] == "Bearer tok-1"
    assert json.loads(seen[0].content) == {"by": "nurse-1"}


@pytest.mark.unit
@pytest.mark.parametrize(("upstream", "expected", "detail"), [
    (404, 404, "no such flag"), (409, 409, "flag is already resolved"), (401, 502, "token"), (500, 502, "500")])
async def test_upstream_errors_become_clear_statuses(upstream: int, expected: int, detail: str) -> None:
    transport = httpx.MockTransport(lambda _: httpx.Response(upstream, json={"detail": detail}))
    with pytest.raises(FlagActionError) as caught:
        await client(transport).act("f-1", "resolve", "nurse-1", "called back")
    assert caught.value.status == expected
    assert detail in caught.value.detail


@pytest.mark.unit
async def test_unreachable_attendance_is_503() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(FlagActionError) as caught:
        await client(httpx.MockTransport(refuse)).act("f-1", "acknowledge", "nurse-1", None)
    assert caught.value.status == 503

"""A local stand-in for Twilio's Messages API, answering the way Twilio does, and posting signed webhooks back.

`POST /2010-04-01/Accounts/{sid}/Messages.json` answers 201 with a message resource (status `queued`), or
Twilio's error JSON `{code, message, more_info, status}` when a test scripted one for the recipient
(21211 invalid number, 21610 unsubscribed, 429 too many requests, 5xx).
Faults after acceptance: ACCEPT_THEN_TIMEOUT creates the message and answers only after `hang_s` (the client
times out first), ACCEPT_THEN_500 creates it and answers 500, ACCEPT_QUEUED_THEN_TIMEOUT leaves it queued,
ACCEPT_THEN_DROP creates it and drops the connection mid-answer. `fault` (a callable, see twilio_faults) scripts
answers by schedule rather than per recipient.
`GET .../Messages.json?To=...&DateSent>=...` lists messages newest first, paged the way Twilio pages them.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from twilio.request_validator import RequestValidator

from ..testing.ports import free_port as free_port

ERRORS = {21211: (400, "The 'To' number is not a valid phone number."),
          21610: (400, "Attempt to send to unsubscribed recipient"),
          20429: (429, "Too Many Requests"), 20500: (500, "Internal Server Error"),
          20503: (503, "Service Unavailable")}
ACCEPT_THEN_TIMEOUT = 1
ACCEPT_THEN_500 = 2
ACCEPT_QUEUED_THEN_TIMEOUT = 3  # as ACCEPT_THEN_TIMEOUT, and the message waits in the queue (no date_sent)
ACCEPT_THEN_DROP = 4  # creates the message, starts the answer and drops the connection mid-response
ACCEPTING = (ACCEPT_THEN_TIMEOUT, ACCEPT_THEN_500, ACCEPT_QUEUED_THEN_TIMEOUT, ACCEPT_THEN_DROP)


@dataclass
class FakeMessage:
    sid: str
    to: str
    body: str
    sender: str
    status_callback: str | None
    accepted_at: float
    queued: bool = False  # still in Twilio's queue: no date_sent yet

    @property
    def marker(self) -> str:
        """Our per-send marker: the recipient and the body's hash (what the notifier's reconciliation matches)."""
        return f"{self.to}:{hashlib.sha256(self.body.encode()).hexdigest()[:16]}"


class TwilioFake:
    def __init__(self, account_sid: str = "AC" + "0" * 32, auth_token: str = "fake-auth-token-0123456789") -> None:  # noqa: S107
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.messages: list[FakeMessage] = []
        self.requests = 0
        self.lists = 0
        self.delay_s = 0.0  # latency of every create, so a test can kill a sender mid-stream
        self.hang_s = 30.0
        self._scripts: dict[str, deque[int]] = defaultdict(deque)
        # Consulted when no script is left for the recipient: a schedule of faults (see twilio_faults).
        self.fault: Callable[[str], int | None] | None = None
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None
        self.app = self._build()

    def script(self, to: str, *codes: int) -> None:
        """The next answers for `to`: Twilio error codes (20429 = HTTP 429, 20500 = 500...) before success."""
        self._scripts[to].extend(codes)

    def to(self, number: str) -> list[FakeMessage]:
        return [m for m in self.messages if m.to == number]

    def _build(self) -> FastAPI:
        app = FastAPI()

        @app.post("/2010-04-01/Accounts/{sid}/Messages.json")
        async def create(sid: str, request: Request) -> Response:
            self.requests += 1
            if not self._authorized(request, sid):
                return _error(20003, 401, "Authenticate")
            form = {k: str(v) for k, v in (await request.form()).items()}
            if self.delay_s:
                await asyncio.sleep(self.delay_s)
            script = self._scripts.get(form.get("To", ""))
            code = script.popleft() if script else self.fault(form.get("To", "")) if self.fault else None
            if code is not None and code not in ACCEPTING:
                status, message = ERRORS.get(code, (400, "error"))
                return _error(code, status, message)
            msg = FakeMessage("SM" + secrets.token_hex(16), form["To"], form["Body"],
                              form.get("MessagingServiceSid") or form.get("From", ""), form.get("StatusCallback"),
                              time.time(), queued=code == ACCEPT_QUEUED_THEN_TIMEOUT)
            self.messages.append(msg)
            if code in (ACCEPT_THEN_TIMEOUT, ACCEPT_QUEUED_THEN_TIMEOUT):
                await asyncio.sleep(self.hang_s)
            if code == ACCEPT_THEN_500:
                return _error(20500, 500, "Internal Server Error")
            if code == ACCEPT_THEN_DROP:
                return _Dropped()
            return JSONResponse(_resource(msg, sid), status_code=201)

        @app.get("/2010-04-01/Accounts/{sid}/Messages.json")
        async def list_messages(sid: str, request: Request) -> JSONResponse:
            self.lists += 1
            if not self._authorized(request, sid):
                return _error(20003, 401, "Authenticate")
            return JSONResponse(self._page(sid, request))

        return app

    def _page(self, sid: str, request: Request) -> dict[str, Any]:
        q = request.query_params
        since = _parse_date(q.get("DateSent>") or q.get("DateSent>="))
        found = [m for m in reversed(self.messages) if (not q.get("To") or m.to == q["To"])
                 and (since is None or (not m.queued and m.accepted_at >= since))]
        size, page = int(q.get("PageSize", "50")), int(q.get("Page", "0"))
        chunk = found[page * size:(page + 1) * size]
        uri = f"/2010-04-01/Accounts/{sid}/Messages.json"
        more = (page + 1) * size < len(found)
        params = "&".join(f"{k}={v}" for k, v in q.items() if k not in ("Page", "PageSize"))
        return {"messages": [_resource(m, sid) for m in chunk], "page": page, "page_size": size,
                "start": page * size, "end": page * size + len(chunk), "uri": uri, "first_page_uri": uri,
                "previous_page_uri": None,
                "next_page_uri": f"{uri}?{params}&PageSize={size}&Page={page + 1}" if more else None}

    def _authorized(self, request: Request, sid: str) -> bool:
        header = request.headers.get("authorization", "")
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return sid == self.account_sid and header == f"Basic {expected}"

    def sign(self, url: str, params: dict[str, str]) -> str:
        return str(RequestValidator(self.auth_token).compute_signature(url, params))

    async def post_status(self, msg: FakeMessage, status: str, *, error_code: str | None = None,
                          token: str | None = None) -> httpx.Response:
        """A status callback as Twilio posts it: form body, X-Twilio-Signature, I-Twilio-Idempotency-Token."""
        assert msg.status_callback
        params = {"MessageSid": msg.sid, "SmsSid": msg.sid, "MessageStatus": status, "SmsStatus": status,
                  "AccountSid": self.account_sid, "To": msg.to, "From": msg.sender, "ApiVersion": "2010-04-01"}
        if error_code:
            params["ErrorCode"] = error_code
        return await self._post(msg.status_callback, params, token or secrets.token_hex(16))

    async def post_inbound(self, url: str, *, from_: str, body: str, to: str = "+15550000000",
                           signature: str | None = None, messaging_service_sid: str | None = None) -> httpx.Response:
        """An incoming SMS webhook; pass `signature` to forge one."""
        sid = "SM" + secrets.token_hex(16)
        params = {"MessageSid": sid, "SmsMessageSid": sid, "AccountSid": self.account_sid, "From": from_,
                  "To": to, "Body": body, "NumMedia": "0", "ApiVersion": "2010-04-01"}
        if messaging_service_sid:
            params["MessagingServiceSid"] = messaging_service_sid
        return await self._post(url, params, secrets.token_hex(16), signature)

    async def post_signed(self, url: str, params: dict[str, str], token: str) -> httpx.Response:
        """A webhook post as Twilio retries it: the same params and idempotency token each time."""
        return await self._post(url, params, token)

    async def _post(self, url: str, params: dict[str, str], token: str,
                    signature: str | None = None) -> httpx.Response:
        headers = {"X-Twilio-Signature": signature if signature is not None else self.sign(url, params),
                   "I-Twilio-Idempotency-Token": token}
        async with httpx.AsyncClient(timeout=10) as client:
            return await client.post(url, data=params, headers=headers)

    async def __aenter__(self) -> TwilioFake:
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_config=None, access_log=False,
                                lifespan="off")
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:  # noqa: ASYNC110 (uvicorn exposes a flag, not an event)
            await asyncio.sleep(0.02)
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._server and self._task
        self._server.should_exit = True
        await self._task


class _Dropped(Response):
    """Sends the status line and headers, then fails: uvicorn closes the connection mid-response."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 201,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", b"512")]})
        raise ConnectionAbortedError("dropped by the fake")


def _error(code: int, status: int, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
                         "status": status}, status_code=status)


def _parse_date(value: str | None) -> float | None:
    """Twilio's DateSent filters: an ISO 8601 date or date-time, UTC when no offset is given."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def _resource(msg: FakeMessage, account_sid: str) -> dict[str, Any]:
    now = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
    sent = datetime.fromtimestamp(msg.accepted_at, UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
    return {"sid": msg.sid, "account_sid": account_sid, "to": msg.to, "from": None, "body": msg.body,
            "messaging_service_sid": msg.sender if msg.sender.startswith("MG") else None, "status": "queued",
            "num_segments": "1", "direction": "outbound-api", "api_version": "2010-04-01", "price": None,
            "error_code": None, "error_message": None, "date_created": sent, "date_updated": now,
            "date_sent": None if msg.queued else sent,
            "uri": f"/2010-04-01/Accounts/{account_sid}/Messages/{msg.sid}.json"}

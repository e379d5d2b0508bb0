"""SMS through Twilio's own SDK (async), rate limited per sender.

Message create is retried only when Twilio proves nothing was created (429, a connection never made); after
a timeout, a reset mid-response or a 5xx the message may exist, so the outcome is reconciled, never resent.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta

import aiohttp
from aiolimiter import AsyncLimiter
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client
from twilio.rest.api.v2010.account.message import MessageInstance

from iop_notifier.metrics import PROVIDER_LATENCY
from iop_notifier.settings import Settings
from iop_shared.contracts.outbound import NotificationChannel, ReasonCode

from .providers import (
    Accepted,
    Lookup,
    Outgoing,
    ProviderAmbiguous,
    ProviderRejected,
    Undecidable,
    digest,
    provider_span,
)

PERMANENT = {"21610": ReasonCode.opted_out, "21211": ReasonCode.invalid_address, "21614": ReasonCode.invalid_address}
CLOCK_SLACK = timedelta(minutes=5)  # Twilio's clock and ours differ a little
# The SDK logs every request's query at INFO: the message list's `To` is a patient's phone.
logging.getLogger("twilio.async_http_client").setLevel(logging.WARNING)


def is_transient(exc: BaseException) -> bool:
    """Safe to send again: Twilio refused before creating anything."""
    if isinstance(exc, TwilioRestException):
        return bool(exc.status == 429)
    return isinstance(exc, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError)


def is_ambiguous(exc: BaseException) -> bool:
    """The message may have been created: a 5xx, a timeout or a connection lost after the request went out."""
    if isinstance(exc, TwilioRestException):
        return bool(exc.status >= 500)
    return isinstance(exc, aiohttp.ClientError | asyncio.TimeoutError | OSError)


class TwilioSms:
    """Sends with Messaging Service SID (or from-number) and a status callback on every message."""

    def __init__(self, settings: Settings) -> None:
        assert settings.twilio_account_sid and settings.twilio_auth_token
        self._http = AsyncTwilioHttpClient(timeout=settings.provider_timeout_s)
        self._client = Client(settings.twilio_account_sid, settings.twilio_auth_token.get_secret_value(),
                              http_client=self._http)
        # The SDK builds every Messages URL from the Api domain's base_url; tests point it at the fake.
        self._client.api.base_url = settings.twilio_api_base_url.rstrip("/")
        self._sender = {"messaging_service_sid": settings.twilio_messaging_service_sid} \
            if settings.twilio_messaging_service_sid else {"from_": settings.twilio_from_number}
        self._callback = settings.public_base_url.rstrip("/") + "/twilio/status"
        rate = settings.sms_rate_per_second
        self._limiter = AsyncLimiter(rate, 1) if rate > 0 else None
        self._attempts = settings.provider_retry_attempts
        self._max_wait = settings.provider_retry_max_wait_s
        self._timeout = settings.provider_timeout_s

    async def send(self, out: Outgoing) -> Accepted:
        try:
            async for attempt in AsyncRetrying(
                    retry=retry_if_exception(is_transient), stop=stop_after_attempt(self._attempts),
                    wait=wait_exponential_jitter(multiplier=0.2, jitter=0.2, max=self._max_wait), reraise=True):
                with attempt:
                    if attempt.retry_state.attempt_number > 1:  # the first one was paced by the dispatcher
                        await self.pace(out)
                    message = await self._create(out)
        except Exception as exc:
            if is_ambiguous(exc) and not is_transient(exc):
                code = str(exc.code or exc.status) if isinstance(exc, TwilioRestException) else type(exc).__name__
                raise ProviderAmbiguous("twilio", code) from exc
            if isinstance(exc, TwilioRestException):
                code = str(exc.code or exc.status)
                raise ProviderRejected("twilio", code, PERMANENT.get(code, ReasonCode.provider_error)) from exc
            if is_transient(exc):
                raise ProviderRejected("twilio", type(exc).__name__, ReasonCode.provider_error) from exc
            # Anything else (an unreadable answer, say) leaves the outcome open: reconcile, never resend.
            raise ProviderAmbiguous("twilio", type(exc).__name__) from exc
        return Accepted("twilio", str(message.sid), str(message.status or "queued"), NotificationChannel.sms)

    async def lookup(self, query: Lookup) -> Accepted | None:
        """Twilio's messages to the number since the call started, matched on the body's hash.

        DateSent stays empty while a message waits in Twilio's queue, so the newest messages to the number
        are searched too (by date_created) before concluding that nothing was created.
        """
        since = query.since - CLOCK_SLACK
        try:
            async with asyncio.timeout(self._timeout):
                found = await self._client.messages.list_async(to=query.address, date_sent_after=since, limit=200)
                if not self._match(query, found):
                    found = [m for m in await self._client.messages.list_async(to=query.address, limit=200)
                             if m.date_created is None or m.date_created >= since]
        except Exception as exc:  # any failure means we still do not know
            raise Undecidable(f"lookup_failed:{type(exc).__name__}") from exc
        sid = self._match(query, found)
        return Accepted("twilio", sid, "queued", NotificationChannel.sms) if sid else None

    @staticmethod
    def _match(query: Lookup, found: list[MessageInstance]) -> str | None:
        for m in found:
            if m.sid not in query.known_ids and m.body is not None and digest(m.body) == query.body_digest:
                return str(m.sid)
        return None

    async def pace(self, out: Outgoing) -> None:
        if self._limiter is not None and not out.urgent:  # a crisis reply never waits behind reminders
            await self._limiter.acquire()

    async def _create(self, out: Outgoing):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            # The SDK hands aiohttp a bare float, which it does not enforce: the deadline is ours.
            with provider_span("twilio", out):
                async with asyncio.timeout(self._timeout):
                    return await self._client.messages.create_async(
                        to=out.address, body=out.message.sms, status_callback=self._callback, **self._sender)
        finally:
            PROVIDER_LATENCY.labels("twilio").observe(time.perf_counter() - started)

    async def close(self) -> None:
        await self._http.close()

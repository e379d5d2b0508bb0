"""Email through a real SMTP client (aiosmtplib): multipart text and HTML, TLS and auth from settings."""

from __future__ import annotations

import time
from email.message import EmailMessage
from email.utils import make_msgid

import aiosmtplib
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from iop_notifier.metrics import PROVIDER_LATENCY
from iop_notifier.settings import Settings
from iop_shared.contracts.outbound import NotificationChannel, ReasonCode

from .providers import Accepted, Lookup, Outgoing, ProviderAmbiguous, ProviderRejected, Undecidable, provider_span
from .smtp_pool import SmtpPool


def is_transient(exc: BaseException) -> bool:
    """Safe to send again: the server answered no (4xx), or we never reached it."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return False
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return 400 <= exc.code < 500
    return isinstance(exc, aiosmtplib.SMTPConnectError | aiosmtplib.SMTPConnectTimeoutError | ConnectionRefusedError)


def is_ambiguous(exc: BaseException) -> bool:
    """A timeout or a lost connection without the server's answer: the mail may have been accepted."""
    if isinstance(exc, aiosmtplib.SMTPResponseException) or is_transient(exc):
        return False
    return isinstance(exc, aiosmtplib.SMTPException | TimeoutError | OSError)


class SmtpEmail:
    def __init__(self, settings: Settings) -> None:
        self._s = settings
        self._pool = SmtpPool(settings)

    def _build(self, out: Outgoing) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self._s.email_from
        msg["To"] = out.address
        msg["Subject"] = out.message.subject
        msg["Message-ID"] = make_msgid(idstring=out.notification_id, domain=self._s.email_from.split("@")[-1])
        msg.set_content(out.message.text)
        msg.add_alternative(out.message.html, subtype="html")
        return msg

    async def send(self, out: Outgoing) -> Accepted:
        msg = self._build(out)
        s = self._s
        try:
            async for attempt in AsyncRetrying(
                    retry=retry_if_exception(is_transient), stop=stop_after_attempt(s.provider_retry_attempts),
                    wait=wait_exponential_jitter(multiplier=0.2, jitter=0.2, max=s.provider_retry_max_wait_s),
                    reraise=True):
                with attempt:
                    started = time.perf_counter()
                    try:
                        with provider_span("smtp", out):
                            async with self._pool.connection() as client:
                                await client.send_message(msg)
                    finally:
                        PROVIDER_LATENCY.labels("smtp").observe(time.perf_counter() - started)
        except Exception as exc:
            if is_ambiguous(exc):  # DATA may have gone through: never sent again blindly
                raise ProviderAmbiguous("smtp", type(exc).__name__) from exc
            if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
                raise ProviderRejected("smtp", "recipient_refused", ReasonCode.invalid_address) from exc
            if isinstance(exc, aiosmtplib.SMTPException | TimeoutError | OSError):
                raise ProviderRejected("smtp", type(exc).__name__, ReasonCode.provider_error) from exc
            raise
        return Accepted("smtp", str(msg["Message-ID"]), "sent", NotificationChannel.email)

    async def lookup(self, query: Lookup) -> Accepted | None:
        """SMTP offers no way to ask a server whether it accepted a Message-ID."""
        raise Undecidable("smtp_no_lookup", final=True)

    async def pace(self, out: Outgoing) -> None:
        return None

    async def close(self) -> None:
        await self._pool.close()

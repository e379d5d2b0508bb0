"""Email through a real SMTP client (aiosmtplib): multipart text and HTML, TLS and auth from settings."""

from __future__ import annotations

import time
from email.message import EmailMessage

import aiosmtplib
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from iop_notifier.metrics import PROVIDER_LATENCY
from iop_notifier.settings import Settings
from iop_shared.contracts.outbound import NotificationChannel, ReasonCode

from .mime import mail_bytes, message_id, plain
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

    def _build(self, out: Outgoing, msg_id: str) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self._s.email_from
        msg["To"] = out.address
        msg["Subject"] = out.message.subject
        msg["Message-ID"] = msg_id
        msg.set_content(out.message.text)
        msg.add_alternative(out.message.html, subtype="html")
        return msg

    async def _deliver(self, client: aiosmtplib.SMTP, out: Outgoing, msg_id: str) -> None:
        if plain(out.address) and self._s.email_from.isascii():  # the usual case: the content's bytes are cached
            sender, data = mail_bytes(self._s.email_from, out.address, msg_id, out.message)
            await client.sendmail(sender, [out.address], data)
        else:
            await client.send_message(self._build(out, msg_id))

    async def send(self, out: Outgoing) -> Accepted:
        msg_id = message_id(out.notification_id, self._s.email_from)
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
                                await self._deliver(client, out, msg_id)
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
        return Accepted("smtp", msg_id, "sent", NotificationChannel.email)

    async def lookup(self, query: Lookup) -> Accepted | None:
        """SMTP offers no way to ask a server whether it accepted a Message-ID."""
        raise Undecidable("smtp_no_lookup", final=True)

    async def pace(self, out: Outgoing) -> None:
        return None

    async def close(self) -> None:
        await self._pool.close()

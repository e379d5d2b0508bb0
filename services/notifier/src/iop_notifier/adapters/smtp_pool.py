"""Open SMTP connections kept for the next mail: one connect, EHLO, STARTTLS and login per connection, not per mail.

A connection that failed in any way is closed, never reused; one idle for a while is probed (NOOP) before a
mail goes on it, so a connection the server dropped meanwhile costs a reconnect, not an unknown outcome.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

import aiosmtplib

from iop_notifier.settings import Settings

FRESH_S = 2.0  # used again this soon, a connection is trusted without a probe


class SmtpPool:
    """At most `smtp_pool_size` connections; `async with pool.connection() as smtp:` lends one."""

    def __init__(self, settings: Settings) -> None:
        self._s = settings
        self._slots = asyncio.Semaphore(settings.smtp_pool_size)
        self._idle: list[tuple[aiosmtplib.SMTP, float]] = []

    @contextlib.asynccontextmanager
    async def connection(self) -> AsyncIterator[aiosmtplib.SMTP]:
        async with self._slots:
            client = await self._take()
            try:
                yield client
            except BaseException:
                client.close()  # its state is unknown: never lent again
                raise
            self._idle.append((client, time.monotonic()))

    async def _take(self) -> aiosmtplib.SMTP:
        while self._idle:
            client, since = self._idle.pop()
            if not client.is_connected:
                continue
            if time.monotonic() - since < FRESH_S:
                return client
            try:
                await client.noop()
                return client
            except (aiosmtplib.SMTPException, OSError, TimeoutError):
                client.close()
        s = self._s
        client = aiosmtplib.SMTP(
            hostname=s.smtp_host, port=s.smtp_port, username=s.smtp_username,
            password=s.smtp_password.get_secret_value() if s.smtp_password else None, use_tls=s.smtp_use_tls,
            start_tls=s.smtp_start_tls, validate_certs=s.smtp_validate_certs, timeout=s.provider_timeout_s)
        await client.connect()
        return client

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for client, _ in idle:
            try:
                await client.quit()
            except (aiosmtplib.SMTPException, OSError, TimeoutError):
                client.close()

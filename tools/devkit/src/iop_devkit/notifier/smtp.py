"""A real SMTP server (aiosmtpd) that keeps what it receives, for tests and the benchmark."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller

from .twilio_fake import free_port


@dataclass
class ReceivedMail:
    rcpt: list[str]
    message: Message
    received_at: float


class _Keep:
    def __init__(self) -> None:
        self.mails: list[ReceivedMail] = []
        self.hang_s = 0.0  # keep the mail, then answer this late: the client times out after DATA

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.mails.append(ReceivedMail(list(envelope.rcpt_tos), message_from_bytes(envelope.content), time.time()))
        if self.hang_s:
            await asyncio.sleep(self.hang_s)
        return "250 Message accepted for delivery"


class SmtpCapture:
    """`with SmtpCapture() as smtp:` runs an SMTP server on a free local port."""

    def __init__(self) -> None:
        self.port = free_port()
        self._handler = _Keep()
        self._controller = Controller(self._handler, hostname="127.0.0.1", port=self.port)

    def hang_after_data(self, seconds: float) -> None:
        """Accept every mail but answer DATA only after `seconds` (a timeout after the server took it)."""
        self._handler.hang_s = seconds

    @property
    def mails(self) -> list[ReceivedMail]:
        return self._handler.mails

    def to(self, address: str) -> list[ReceivedMail]:
        return [m for m in self.mails if address in m.rcpt]

    def __enter__(self) -> SmtpCapture:
        self._controller.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._controller.stop()

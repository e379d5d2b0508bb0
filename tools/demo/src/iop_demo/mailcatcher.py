"""A local SMTP server (aiosmtpd) that keeps every email the notifier sends, for the demo and for tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class _Keeper:
    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.original_content))
        return "250 Message accepted for delivery"


class MailCatcher:
    """An SMTP server on loopback that accepts and keeps every message."""

    def __init__(self, port: int) -> None:
        self._keeper = _Keeper()
        self._controller = Controller(self._keeper, hostname="127.0.0.1", port=port)
        self.port = port

    @property
    def messages(self) -> list[Message]:
        return self._keeper.messages

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

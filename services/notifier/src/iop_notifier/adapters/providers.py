"""What every channel adapter takes and answers, and how provider errors are classified."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from iop_notifier.domain.messages import Rendered
from iop_shared.contracts.outbound import NotificationChannel, ReasonCode


@dataclass(frozen=True)
class Outgoing:
    """One message to one address on one channel."""

    notification_id: str
    recipient_kind: str
    recipient_id: str
    channel: str  # sms or email
    address: str
    message: Rendered
    urgent: bool = False


@dataclass(frozen=True)
class Accepted:
    provider: str
    provider_message_id: str
    status: str  # the ledger state after acceptance: queued, sent, recorded
    event_channel: NotificationChannel


class ProviderRejected(Exception):
    """The provider refused the message for good (or kept failing after every retry)."""

    def __init__(self, provider: str, code: str, reason: ReasonCode) -> None:
        super().__init__(f"{provider} rejected the message: {code}")
        self.provider = provider
        self.code = code
        self.reason = reason


class Sender(Protocol):
    async def send(self, out: Outgoing) -> Accepted: ...

    async def close(self) -> None: ...

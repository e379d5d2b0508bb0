"""What every channel adapter takes and answers, and how provider errors are classified."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from opentelemetry.trace import SpanKind

from iop_notifier.domain.messages import Rendered
from iop_shared.contracts.outbound import NotificationChannel, ReasonCode
from iop_shared.tracing import context_from, span


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
    attempt: str = ""  # the ledger claim's fencing token
    traceparent: str | None = None  # the request row's trace context: the provider call is a span of it
    tracestate: str | None = None


@contextmanager
def provider_span(provider: str, out: Outgoing) -> Iterator[object]:
    """A client span around one provider call, in the request's trace; ids only (never the address or text)."""
    with span(f"{provider} send", parent=context_from(
            {k: v for k, v in (("traceparent", out.traceparent), ("tracestate", out.tracestate)) if v}),
              kind=SpanKind.CLIENT, attributes={"notification.id": out.notification_id, "notification.channel":
                                                out.channel, "recipient.kind": out.recipient_kind,
                                                "recipient.id": out.recipient_id, "provider": provider}) as current:
        yield current


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


class ProviderAmbiguous(Exception):
    """The provider may have accepted the message (timeout, reset mid-response, 5xx): find out, never resend."""

    def __init__(self, provider: str, code: str) -> None:
        super().__init__(f"{provider} outcome unknown: {code}")
        self.provider = provider
        self.code = code


class Undecidable(Exception):
    """The provider cannot say whether it received a message; `reason` says why."""

    def __init__(self, reason: str, *, final: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.final = final  # asking again cannot help (the protocol has no lookup)


@dataclass(frozen=True)
class Lookup:
    """What reconciliation searches for: one message to `address` with this body, sent since `since`."""

    notification_id: str
    address: str
    body_digest: str
    since: datetime
    known_ids: frozenset[str] = frozenset()  # provider ids already in the ledger (another notification's)


def digest(body: str) -> str:
    """The body's hash: reconciliation matches on it, the ledger never keeps the text."""
    return hashlib.sha256(body.encode()).hexdigest()


class Sender(Protocol):
    async def pace(self, out: Outgoing) -> None:
        """Wait for the sender's rate limit; the dispatcher calls it before recording that the call starts."""
        ...

    async def send(self, out: Outgoing) -> Accepted: ...

    async def lookup(self, query: Lookup) -> Accepted | None:
        """The message if the provider has it, None if it proves it has none; Undecidable otherwise."""
        ...

    async def close(self) -> None: ...

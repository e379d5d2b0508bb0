"""An operator's test message through the configured channel: proves credentials and routing, says nothing clinical."""

from __future__ import annotations

import uuid

from iop_notifier.adapters.providers import Accepted, Outgoing
from iop_notifier.domain.messages import Rendered
from iop_notifier.handlers.deps import Deps
from iop_shared.logging import get_logger

log = get_logger(__name__)
TEST_TEXT = "This is a test message from your reminder service. No reply is needed."


async def send_test_message(deps: Deps, channel: str, address: str) -> Accepted:
    """Send one neutral message to `address` on `channel` (sms or email); not recorded in the patient ledger."""
    message = Rendered(sms=TEST_TEXT, subject="Test message", text=TEST_TEXT, html=f"<p>{TEST_TEXT}</p>")
    out = Outgoing(notification_id=f"test-{uuid.uuid4().hex}", recipient_kind="operator", recipient_id="operator",
                   channel=channel, address=address, message=message)
    accepted = await deps.senders[channel].send(out)
    log.info("test_message_sent", channel=channel, provider=accepted.provider,
             provider_message_id=accepted.provider_message_id)
    return accepted

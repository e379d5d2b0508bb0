"""An operator's test message through the configured channel: proves credentials and routing, says nothing clinical."""

from __future__ import annotations

import uuid

from iop_notifier.adapters.providers import Accepted, Outgoing, ProviderAmbiguous, ProviderRejected
from iop_notifier.domain.messages import Rendered
from iop_notifier.handlers.deps import Deps
from iop_shared.contracts.outbound import ReasonCode
from iop_shared.logging import get_logger

log = get_logger(__name__)
TEST_TEXT = "This is a test message from your reminder service. No reply is needed."


async def send_test_message(deps: Deps, channel: str, address: str) -> Accepted:
    """Send one neutral message to `address` on `channel` (sms or email); not recorded in the patient ledger."""
    message = Rendered(sms=TEST_TEXT, subject="Test message", text=TEST_TEXT, html=f"<p>{TEST_TEXT}</p>")
    out = Outgoing(notification_id=f"test-{uuid.uuid4().hex}", recipient_kind="operator", recipient_id="operator",
                   channel=channel, address=address, message=message)
    sender = deps.senders[channel]
    await sender.pace(out)
    try:
        accepted = await sender.send(out)
    except ProviderAmbiguous as exc:  # the operator is told; nothing is sent again
        raise ProviderRejected(exc.provider, f"outcome_unknown:{exc.code}", ReasonCode.provider_error) from exc
    log.info("test_message_sent", channel=channel, provider=accepted.provider,
             provider_message_id=accepted.provider_message_id)
    return accepted

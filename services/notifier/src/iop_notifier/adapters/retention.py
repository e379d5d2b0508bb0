"""The notifier's retention families, purged by the kernel's retention timer."""

from __future__ import annotations

from datetime import timedelta

from iop_shared.retention import Purge

from ..settings import Settings
from .sql import Q


def purges(settings: Settings) -> list[Purge]:
    """Ledger and requests (NOTIFIER_LEDGER_RETENTION); receipts and early callbacks (NOTIFIER_WEBHOOK_RETENTION);
    reply texts, embedded messages and unknown senders (NOTIFIER_INBOUND_RETENTION_DAYS, an older setting in days).
    """
    ledger, webhooks = timedelta(seconds=settings.ledger_retention), timedelta(seconds=settings.webhook_retention)
    inbound = timedelta(days=settings.inbound_retention_days)
    return [Purge("ledger", Q["purge_ledger"], ledger), Purge("requests", Q["purge_requests"], ledger),
            Purge("webhook_receipts", Q["purge_receipts"], webhooks),
            Purge("pending_callbacks", Q["purge_pending_callbacks"], webhooks),
            Purge("inbound_messages", Q["purge_inbound_batch"], inbound),
            Purge("embedded_messages", Q["purge_embedded_batch"], inbound),
            Purge("senders", Q["purge_senders_batch"], inbound)]

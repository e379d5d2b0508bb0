"""The notifier's retention families, purged by the kernel's retention timer."""

from __future__ import annotations

from datetime import timedelta

from iop_shared.retention import Purge

from ..settings import Settings
from .sql import Q


def purges(settings: Settings) -> list[Purge]:
    """Ledger and requests (NOTIFIER_LEDGER_RETENTION); receipts and early callbacks (NOTIFIER_WEBHOOK_RETENTION)."""
    ledger, webhooks = timedelta(seconds=settings.ledger_retention), timedelta(seconds=settings.webhook_retention)
    return [Purge("ledger", Q["purge_ledger"], ledger), Purge("requests", Q["purge_requests"], ledger),
            Purge("webhook_receipts", Q["purge_receipts"], webhooks),
            Purge("pending_callbacks", Q["purge_pending_callbacks"], webhooks)]

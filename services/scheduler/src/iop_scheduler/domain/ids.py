"""Deterministic reminder ids: the same inputs always name the same reminder (the notifier's idempotency key)."""

from __future__ import annotations

import hashlib


def reminder_id(*parts: object) -> str:
    """A short, stable id from the parts that identify one message."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:32]
    return f"rem-{digest}"

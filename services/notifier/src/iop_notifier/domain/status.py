"""Delivery statuses in order: callbacks arrive out of order, and a late one never moves a message back."""

from __future__ import annotations

RANK: dict[str, int] = {
    "claimed": 0, "accepted": 1, "queued": 1, "scheduled": 1, "sending": 2, "sent": 3,
    "undelivered": 4, "failed": 4, "delivered": 4, "read": 5,
}
TERMINAL_FAILURES = frozenset({"failed", "undelivered"})


def should_apply(current: str, incoming: str) -> bool:
    """Apply `incoming` only if it moves the message forward (unknown statuses are ignored)."""
    if incoming not in RANK:
        return False
    if current in TERMINAL_FAILURES or current == "delivered":
        return RANK[incoming] > RANK[current] and incoming == "read"
    return RANK[incoming] > RANK.get(current, 0)

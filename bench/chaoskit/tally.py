"""Counts at the Twilio fake and on the topics: exactly once, suppressed with its reason, unknown, duplicate, lost."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from iop_devkit.notifier.twilio_fake import FakeMessage

from .ledger import Ledger

POLICY = {"opted_out", "no_consent", "no_channel", "invalid_address", "discharged", "quiet_hours_expired",
          "cap_reached", "merged", "superseded"}


@dataclass
class Tally:
    reminders: int
    delivered: int = 0
    suppressed_by_policy: int = 0
    unknown_outcome: int = 0
    duplicates: int = 0
    dead_letters: int = 0
    reasons: Counter[str] = field(default_factory=Counter)  # policy suppressions by reason
    lost_by: Counter[str] = field(default_factory=Counter)  # how the lost ones ended
    oddities: Counter[str] = field(default_factory=Counter)  # consistency between the fake and the topics
    lateness_s: list[float] = field(default_factory=list)  # provider acceptance minus planned due time

    def lateness(self) -> str:
        """p50 / p99 / max of how late the delivered reminders reached the provider (capacity, not loss)."""
        if not self.lateness_s:
            return "none delivered"
        ordered = sorted(self.lateness_s)

        def pick(q: float) -> float:
            return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
        return f"p50 {pick(0.5):.1f}s, p99 {pick(0.99):.1f}s, max {ordered[-1]:.1f}s"

    @property
    def lost(self) -> int:
        return self.reminders - self.delivered - self.suppressed_by_policy - self.unknown_outcome

    def summary(self) -> dict[str, Any]:
        return {"reminders": self.reminders, "delivered": self.delivered,
                "suppressed_by_policy": self.suppressed_by_policy, "unknown_outcome": self.unknown_outcome,
                "duplicates": self.duplicates, "lost": self.lost, "dead_letters": self.dead_letters}


def _policy_reason(outcomes: list[tuple[str, dict[str, Any]]]) -> str | None:
    for t, data in outcomes:
        reason = data.get("reason") if t == "iop.reminder.dropped.v1" else data.get("reason_code")
        if t != "iop.notification.sent.v1" and reason in POLICY:
            return f"{t.split('.')[1]}:{reason}"
    return None


def count(phones: dict[str, str], ledger: Ledger, messages: list[FakeMessage],
          due: dict[str, float] | None = None) -> Tally:
    """One reminder per patient; each patient lands in exactly one class (unknown before delivered)."""
    at_fake = Counter(m.to for m in messages)
    first_at: dict[str, float] = {}
    for m in messages:
        first_at.setdefault(m.to, m.accepted_at)
    markers = Counter(m.marker for m in messages)
    outcomes = ledger.outcomes()
    tally = Tally(reminders=len(phones), dead_letters=len(ledger.of("iop.deadletter.v1")))
    tally.duplicates = sum(n - 1 for n in markers.values() if n > 1)
    for pid, phone in phones.items():
        mine = outcomes.get(pid, [])
        sent = sum(1 for t, _ in mine if t == "iop.notification.sent.v1")
        unknown = any(d.get("error_code") == "outcome_unknown" for t, d in mine)
        if sent > 1:
            tally.oddities["sent_event_twice"] += 1
        if at_fake[phone] and not sent and not unknown:
            tally.oddities["received_without_sent_event"] += 1
        if sent and not at_fake[phone]:
            tally.oddities["sent_event_not_received"] += 1
        if unknown:
            tally.unknown_outcome += 1
            if not at_fake[phone]:
                tally.oddities["unknown_but_never_received"] += 1
        elif at_fake[phone]:
            tally.delivered += 1
            if due and pid in due:
                tally.lateness_s.append(first_at[phone] - due[pid])
        elif reason := _policy_reason(mine):
            tally.suppressed_by_policy += 1
            tally.reasons[reason] += 1
        else:
            last = mine[-1] if mine else None
            tally.lost_by[f"{last[0]}:{last[1].get('reason_code') or last[1].get('reason')}" if last
                          else "no_event"] += 1
    return tally


def settled(phones: dict[str, str], ledger: Ledger) -> int:
    """How many patients have a terminal event (sent, failed, suppressed or dropped)."""
    outcomes = ledger.outcomes()
    return sum(1 for pid in phones if outcomes.get(pid))

"""Prometheus metrics of one scheduler process (its own registry, so tests can build several)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.planned = Counter("scheduler_reminders_planned", "Reminders written to the plan, by purpose",
                               ["purpose"], registry=self.registry)
        self.dropped = Counter("scheduler_reminders_dropped", "Planned candidates dropped, by reason",
                               ["reason"], registry=self.registry)
        self.dispatched = Counter("scheduler_reminders_dispatched", "Reminders published to the outbox",
                                  ["purpose"], registry=self.registry)
        self.skipped = Counter("scheduler_reminders_skipped", "Due reminders not sent, by reason",
                               ["reason"], registry=self.registry)
        self.lag = Histogram("scheduler_dispatch_lag_seconds", "From due time to the outbox commit",
                             buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 15, 60, 300, 3600), registry=self.registry)
        self.events = Counter("scheduler_events_applied", "Inbound events, by type and outcome",
                              ["ce_type", "outcome"], registry=self.registry)

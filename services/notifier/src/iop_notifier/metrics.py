"""Prometheus metrics of the notifier."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

SENT = Counter("notifier_sent_total", "Messages accepted by a provider", ["channel"])
DELIVERED = Counter("notifier_delivered_total", "Messages reported delivered")
FAILED = Counter("notifier_failed_total", "Messages that failed", ["reason"])
SUPPRESSED = Counter("notifier_suppressed_total", "Notifications suppressed or deferred", ["reason"])
REPLIES = Counter("notifier_replies_total", "Inbound replies by intent", ["intent"])
PROVIDER_LATENCY = Histogram("notifier_provider_latency_seconds", "Provider call latency", ["provider"])
QUEUE_DEPTH = Gauge("notifier_queue_depth", "Notifications due and not yet sent")

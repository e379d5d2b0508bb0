"""Prometheus metrics of the dashboard."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

EVENTS = Counter("dashboard_events_total", "Events consumed, by type and result (applied, stale, duplicate)",
                 ["ce_type", "result"])
FLAG_ACTIONS = Counter("dashboard_flag_actions_total", "Acknowledge/resolve requests, by action and HTTP status",
                       ["action", "status"])
SSE_CLIENTS = Gauge("dashboard_sse_clients", "Browsers connected to the live stream")
CONCERNS_OPENED = Counter("dashboard_concerns_opened_total", "Concerns opened from the triage queue, by HTTP status",
                          ["status"])

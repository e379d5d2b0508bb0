"""Structured JSON logs that never carry phone numbers, email addresses, names or message text."""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Callable, MutableMapping
from typing import Any

import structlog

PERSONAL_KEYS = frozenset({
    "name", "preferred_name", "phone", "email", "to", "from", "from_", "body", "text", "message",
    "message_text", "address", "callback_phone", "raw", "raw_text",
})
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# E.164 (+ and 8-15 digits, maybe spaced) or a North American number; never an ISO date or a plain count.
_PHONE = re.compile(r"\+\d(?:[\s.-]?\d){7,14}\b|\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b")
_NOT_PERSONAL = frozenset({"timestamp", "event", "level", "service", "logger"})
REDACTED = "[redacted]"


def redact_text(text: str) -> str:
    """Mask anything that looks like an email address or a phone number."""
    return _PHONE.sub(REDACTED, _EMAIL.sub(REDACTED, text))


def _redact(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key, value in list(event_dict.items()):
        if key in PERSONAL_KEYS:
            event_dict[key] = REDACTED
        elif isinstance(value, str) and key not in _NOT_PERSONAL:
            event_dict[key] = redact_text(value)
    return event_dict


class ThirdPartyRateLimit(logging.Filter):
    """At most `burst` lines per logger and message template per `interval` seconds from libraries.

    A broker restart makes aiokafka log one reconnect error per connection attempt, thousands a minute; the first
    lines say what happened, then one line per interval counts what was held back. Our own loggers pass untouched.
    """

    def __init__(self, burst: int = 5, interval: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.burst, self.interval, self.clock = burst, interval, clock
        self._windows: dict[tuple[str, int, str], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("iop_") or record.name == "root":
            return True
        key = (record.name, record.levelno, str(record.msg))
        now = self.clock()
        started, seen = self._windows.get(key, (now, 0))
        if now - started >= self.interval:
            held_back = max(0, seen - self.burst)
            self._windows[key] = (now, 1)
            if held_back:
                record.msg = f"{record.msg} ({held_back} similar lines held back in the last {self.interval:.0f} s)"
            return True
        self._windows[key] = (started, seen + 1)
        return seen < self.burst


def configure_logging(service: str, level: str = "INFO") -> None:
    """JSON lines on stderr with the service name, redacted; also routes the stdlib loggers through it."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        _redact,
    ]
    structlog.configure(
        processors=[*shared, structlog.processors.JSONRenderer()],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.bind_contextvars(service=service)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        processor=structlog.processors.JSONRenderer(), foreign_pre_chain=shared))
    handler.addFilter(ThirdPartyRateLimit())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("aiokafka", "kafka", "uvicorn.access", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def get_logger(name: str) -> Any:
    """A structlog logger; pass ids as keyword fields, never personal data."""
    return structlog.get_logger(name)

"""Dead letters: what a consumer can never apply goes to iop.deadletter.v1 with its reason, always small enough."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaProducer

from .contracts import Envelope, encode, headers_to_dict
from .contracts.outbound import DeadLetter
from .deadletter_crypto import CLEAR_HEADERS, LetterCipher
from .faults import PERMANENT_KAFKA_ERRORS
from .logging import get_logger

log = get_logger(__name__)
# Below the broker's default max.message.bytes (1 MiB) and the producer's max_request_size, with room for
# the envelope's headers: a dead letter that cannot be published would be retried forever.
DEFAULT_MAX_BYTES = 900_000
_MAX_HEADER_CHARS = 1024
_MAX_HEADERS_CHARS = 64 * 1024
_MAX_KEY_BYTES = 1024
_FERNET_OVERHEAD = 128


class DeadLetterPublisher:
    """Publishes what can never be processed to iop.deadletter.v1, with its reason."""

    def __init__(self, producer: AIOKafkaProducer, service: str, *, max_bytes: int = DEFAULT_MAX_BYTES,
                 cipher: LetterCipher | None = None) -> None:
        self._producer = producer
        self._service = service
        self._max_bytes = max_bytes
        # With a cipher every letter is sealed: any topic's value may hold contact data or notes.
        self._cipher = cipher

    async def publish(self, record: Any, error: str) -> None:
        """Publish `record` as a dead letter; a value too large for the topic is cut, with its size and hash."""
        key_bytes = (record.key or b"")[:_MAX_KEY_BYTES]
        letter = self.letter(record, error, self._max_bytes)
        out = encode(Envelope(data=letter, source=f"iop/{self._service}"))
        try:
            await self._producer.send_and_wait(out.topic, out.value, key=key_bytes, headers=out.headers)
        except PERMANENT_KAFKA_ERRORS:
            # Our estimate was off (a broker with a smaller limit): the reason and the hash still go out.
            bare = letter.model_copy(update={"value_b64": "", "headers": {}, "headers_sealed": None,
                                             "value_encrypted": False, "truncated": True})  # nothing left to seal
            out = encode(Envelope(data=bare, source=f"iop/{self._service}"))
            await self._producer.send_and_wait(out.topic, out.value, key=key_bytes, headers=out.headers)
        log.warning("dead_lettered", topic=record.topic, partition=record.partition, offset=record.offset,
                    reason=error[:200], truncated=letter.truncated)

    def letter(self, record: Any, error: str, max_bytes: int) -> DeadLetter:
        """The dead letter for `record`, cut to at most about `max_bytes` once encoded."""
        value: bytes = record.value or b""
        headers, cut_headers = _bounded_headers(headers_to_dict(record.headers or []))
        key = (record.key or b"")[:_MAX_KEY_BYTES].decode("utf-8", "replace") if record.key else None
        letter = DeadLetter(
            source_topic=record.topic, partition=record.partition, offset=record.offset, key=key,
            headers=headers, value_b64="", error=error[:1000], service=self._service,
            failed_at=datetime.now(UTC), truncated=cut_headers, original_size=len(value),
            value_sha256=hashlib.sha256(value).hexdigest())
        if self._cipher is not None:
            return self._sealed(letter, value, max_bytes)
        room = max_bytes - len(letter.model_dump_json(exclude_none=True))
        keep = max(0, room) * 3 // 4  # base64 grows 4/3
        if len(value) > keep:
            return letter.model_copy(update={"value_b64": base64.b64encode(value[:keep]).decode(), "truncated": True})
        return letter.model_copy(update={"value_b64": base64.b64encode(value).decode()})

    def _sealed(self, letter: DeadLetter, value: bytes, max_bytes: int) -> DeadLetter:
        """The letter with value and non-CloudEvents headers encrypted; no hash (it could confirm a guess)."""
        assert self._cipher is not None
        clear = {k: v for k, v in letter.headers.items() if k in CLEAR_HEADERS}
        rest = {k: v for k, v in letter.headers.items() if k not in CLEAR_HEADERS}
        letter = letter.model_copy(update={
            "headers": clear, "headers_sealed": self._cipher.seal_headers(rest) if rest else None,
            "value_encrypted": True, "value_sha256": None})
        room = max_bytes - len(letter.model_dump_json(exclude_none=True))
        keep = max(0, room * 3 // 4 - _FERNET_OVERHEAD)  # a Fernet token is base64 of value + about 73 bytes
        cut = len(value) > keep
        sealed = self._cipher.seal(value[:keep] if cut else value)
        return letter.model_copy(update={"value_b64": sealed, "truncated": letter.truncated or cut})


def _bounded_headers(headers: dict[str, str]) -> tuple[dict[str, str], bool]:
    """Headers with each value and their total size capped; True when anything was cut."""
    kept: dict[str, str] = {}
    total, cut = 0, False
    for name, value in headers.items():
        name, short = name[:_MAX_HEADER_CHARS], value[:_MAX_HEADER_CHARS]
        cut = cut or short != value
        if total + len(name) + len(short) > _MAX_HEADERS_CHARS:
            return kept, True
        kept[name] = short
        total += len(name) + len(short)
    return kept, cut

"""Sealing dead letters: their values (and non-CloudEvents headers) may hold contact data, so they are encrypted.

The key is `IOP_DEADLETTER_KEY` (a Fernet key, `Fernet.generate_key()`); production refuses to start without
one. Elsewhere, without it, one key is generated per local stack and kept next to the stack's data, so the
services and `iopctl deadletters replay` on that machine share it.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from pydantic import SecretStr

from .contracts.outbound import DeadLetter

KEY_ENV = "IOP_DEADLETTER_KEY"
MISSING_KEY = f"{KEY_ENV} is missing; dead letters would keep contact data in clear; refusing to start in production"
# Headers kept readable in a sealed letter: CloudEvents metadata (ids, type, time), never a value's content.
CLEAR_HEADERS = frozenset({"ce_specversion", "ce_id", "ce_type", "ce_source", "ce_time", "content-type",
                           "traceparent", "iop_replayed_from"})


class LetterCipher:
    """Encrypts and decrypts a dead letter's value and headers with one Fernet key."""

    def __init__(self, key: str | bytes) -> None:
        self._fernet = Fernet(key)

    def seal(self, data: bytes) -> str:
        """A Fernet token (URL-safe base64 text) of `data`."""
        return self._fernet.encrypt(data).decode("ascii")

    def open(self, token: str) -> bytes:
        """The bytes sealed in `token`; ValueError when the key does not match."""
        try:
            return self._fernet.decrypt(token.encode("ascii"))
        except (InvalidToken, ValueError) as exc:
            raise ValueError(f"dead letter cannot be decrypted with this {KEY_ENV}") from exc

    def seal_headers(self, headers: dict[str, str]) -> str:
        """Headers as a sealed JSON object."""
        return self.seal(json.dumps(headers, separators=(",", ":")).encode())

    def open_headers(self, token: str) -> dict[str, str]:
        """Headers sealed by seal_headers."""
        value = json.loads(self.open(token))
        return {str(k): str(v) for k, v in value.items()}


def check_deadletter_key(key: SecretStr | None, environment: str) -> None:
    """A key given must be a Fernet key (the error names the setting, never the key).

    Its absence is refused by cipher_for when a production service starts its consumers, not here: settings
    without consumers (tools, one-off commands) need no key.
    """
    if key is None:
        return
    try:
        Fernet(key.get_secret_value())
    except (ValueError, TypeError):
        raise ValueError(f"{KEY_ENV} is not a Fernet key (32 url-safe base64-encoded bytes)") from None


def cipher_for(key: SecretStr | str | None, environment: str) -> LetterCipher:
    """The configured key's cipher; outside production without one, this local stack's generated key."""
    if isinstance(key, SecretStr):
        key = key.get_secret_value()
    if key:
        return LetterCipher(key)
    if environment == "production":
        raise ValueError(MISSING_KEY)
    return LetterCipher(development_key())


def cipher_from_environment() -> LetterCipher:
    """For tools (iopctl): IOP_DEADLETTER_KEY when set, else this local stack's key."""
    return cipher_for(os.environ.get(KEY_ENV) or None, os.environ.get("IOP_ENVIRONMENT", "development"))


def development_key(path: Path | None = None) -> bytes:
    """This stack's key, generated once (atomically, so concurrent services agree on it)."""
    path = path or _key_path()
    with contextlib.suppress(FileNotFoundError):
        return path.read_bytes().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".deadletter-key-")
    try:
        os.write(fd, Fernet.generate_key())
        os.close(fd)
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)  # the first writer wins; the others read its key
    finally:
        os.unlink(tmp)
    return path.read_bytes().strip()


def local_state_home() -> Path:
    """Where a developer's local stack keeps its state (IOP_DEVSTACK_HOME); the dev kit's stack uses the same."""
    # Under root the data must sit where the unprivileged postgres user can reach it.
    shared_tmp = Path("/var/tmp/iop-devstack")  # noqa: S108
    default_home = shared_tmp if os.geteuid() == 0 else Path.home() / ".local/state/iop-devstack"
    return Path(os.environ.get("IOP_DEVSTACK_HOME", default_home))


def _key_path() -> Path:
    return local_state_home() / "deadletter.key"  # only local stacks generate keys


def opened(letter: DeadLetter, cipher: LetterCipher | None) -> tuple[bytes, dict[str, str]]:
    """A dead letter's original value and headers, decrypted when it was sealed (then `cipher` is needed)."""
    if not letter.value_encrypted:
        return base64.b64decode(letter.value_b64), dict(letter.headers)
    if cipher is None:
        raise ValueError(f"dead letter is encrypted: {KEY_ENV} is needed")
    headers = dict(letter.headers)
    if letter.headers_sealed:
        headers.update(cipher.open_headers(letter.headers_sealed))
    return cipher.open(letter.value_b64), headers

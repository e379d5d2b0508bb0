"""Start-up safety rules shared by every service: an explicit environment, real secrets, clean refusals.

Every refusal names the environment variable, never its value: these messages reach logs and terminals.
"""

from __future__ import annotations

import ipaddress
import sys
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar
from urllib.parse import urlsplit

from pydantic import AliasChoices, BaseModel, SecretStr, ValidationError

from .deadletter_crypto import MISSING_KEY

# Two, on purpose: a lenient "test" environment would be a third way to run outside development unsafely.
ENVIRONMENTS = ("development", "production")
MIN_SECRET_LENGTH = 16  # production only: the tests' fixed tokens stay short and readable
PLACEHOLDERS = frozenset({"", "changeme", "change-me", "placeholder", "secret", "xxx", "todo", "dev-token"})
# A value containing one of these was copied from an example, never generated.
PLACEHOLDER_MARKERS = ("changeme", "change-me", "change_me", "placeholder", "replace-me", "replaceme", "dev-token",
                       "example", "xxxx", "todo")

S = TypeVar("S", bound=BaseModel)


def require_environment(value: object) -> object:
    """IOP_ENVIRONMENT has no default: a forgotten variable must not silently mean development."""
    if value in (None, ""):
        raise ValueError(f"IOP_ENVIRONMENT is not set; set it to one of {', '.join(ENVIRONMENTS)}")
    return value


def env_name(model: type[BaseModel], field: str) -> str:
    """The environment variable a settings field is read from."""
    info = model.model_fields[field]
    alias = info.validation_alias
    if isinstance(alias, str):
        return alias.upper()
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0]).upper()
    prefix = str(model.model_config.get("env_prefix", ""))
    return f"{prefix}{field}".upper()


def weakness(secret: str, environment: str) -> str | None:
    """Why a secret is unacceptable in this environment, or None; never the value itself."""
    if environment == "development":
        return None
    normalized = secret.strip().lower()
    if normalized in PLACEHOLDERS:
        return "is missing or a placeholder"
    if any(marker in normalized for marker in PLACEHOLDER_MARKERS):
        return "is missing or a placeholder"
    if len(secret) < MIN_SECRET_LENGTH or len(set(secret)) < 6:
        return f"is too short or too simple (at least {MIN_SECRET_LENGTH} varied characters)"
    return None


def check_secret(name: str, secret: str, environment: str) -> None:
    """Refuse a placeholder or weak secret outside development, naming the setting."""
    reason = weakness(secret, environment)
    if reason:
        raise ValueError(f"{name} {reason}; refusing to start in {environment}")


def check_token_map(name: str, tokens: Mapping[str, str], environment: str) -> None:
    """Every per-clinic token is checked on its own: one placeholder among real ones is still refused."""
    for clinic_id, token in tokens.items():
        check_secret(f"{name} (clinic {clinic_id!r})", token, environment)


def check_secrets(settings: BaseModel, environment: str, skip: Iterable[str] = ()) -> None:
    """Every SecretStr field, at the top level or inside a mapping or list, is a real secret."""
    skipped = set(skip)
    for field, value in settings:
        if field in skipped:
            continue
        name = env_name(type(settings), field)
        if isinstance(value, Mapping):
            check_token_map(name, {str(k): v.get_secret_value() for k, v in value.items()
                                   if isinstance(v, SecretStr)}, environment)
        for secret in _secrets_in(value):
            check_secret(name, secret.get_secret_value(), environment)


def check_url_password(name: str, url: str, environment: str) -> None:
    """A password inside a connection URL is a secret too (a URL without one uses other authentication)."""
    password = urlsplit(url).password
    if password is not None:
        check_secret(f"{name} (its password)", password, environment)


def _secrets_in(value: object) -> list[SecretStr]:
    if isinstance(value, SecretStr):
        return [value]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _secrets_in(v)]
    return []


def is_loopback(host: str) -> bool:
    """localhost, 127.0.0.0/8, ::1 and the unspecified addresses."""
    if host.lower() in ("localhost", "localhost.localdomain") or host.lower().endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def check_public_url(name: str, url: str) -> None:
    """A public address others call (webhooks, signatures): https and not this machine."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise ValueError(f"{name} must be an https URL in production")
    if is_loopback(parts.hostname):
        raise ValueError(f"{name} must not be a loopback address in production")


def load_settings(cls: type[S], **values: Any) -> S:
    """Build a service's settings or exit 2 with one line per refused setting (no values, no traceback)."""
    try:
        settings = cls(**values)
    except ValidationError as exc:
        for error in exc.errors(include_input=False, include_url=False):
            message = str(error["msg"]).removeprefix("Value error, ")
            loc = [str(p) for p in error["loc"]]
            where = env_name(cls, loc[0]) if loc and loc[0] in cls.model_fields else ".".join(loc)
            prefix = f"{where}: " if where and where not in message else ""
            print(f"refusing to start: {prefix}{message}", file=sys.stderr)
        raise SystemExit(2) from None
    if getattr(settings, "environment", None) == "production" and getattr(settings, "deadletter_key", "") is None:
        # Dead letters would keep patients' contact data in clear for 90 days (iop_shared.deadletter_crypto).
        print(f"refusing to start: {MISSING_KEY}", file=sys.stderr)
        raise SystemExit(2)
    return settings

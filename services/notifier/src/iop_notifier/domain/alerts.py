"""Care-team alerts: who is told about a risk flag, on which channels, and who is next when nobody answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Member:
    member_id: str
    on_call: bool


def channels_for(severity: str, by_severity: Mapping[str, Sequence[str]]) -> list[str]:
    """Channels an alert of this severity goes out on (critical and high: SMS and email by default)."""
    return list(by_severity.get(severity, ()))


def escalates(severity: str) -> bool:
    return severity in ("high", "critical")


def members_at_level(members: Sequence[Member], level: int) -> list[str]:
    """Level 0 is every on-call member; each later level adds the next member who is not on call.

    With nobody on call, level 0 is the first member, so a flag is never silent.
    """
    on_call = [m.member_id for m in members if m.on_call]
    others = [m.member_id for m in members if not m.on_call]
    if not on_call:
        on_call, others = others[:1], others[1:]
    if level == 0:
        return on_call
    return others[level - 1:level] if level - 1 < len(others) else []

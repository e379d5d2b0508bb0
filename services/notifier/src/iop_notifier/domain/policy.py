"""What to do with one notification now: send on a channel, defer past quiet hours, or suppress with a reason.

Pure: every input (the clock's `now`, the recipient's state, prior sends) is passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from iop_shared.contracts.outbound import ReasonCode

from .caps import Caps, cap_reached
from .quiet_hours import AllowedWindow, is_allowed, next_allowed


@dataclass(frozen=True)
class Recipient:
    """A patient or care-team member as the notifier knows them."""

    zone: ZoneInfo
    channels: Sequence[str]  # preferred order, e.g. ("sms", "email")
    phone: str | None = None
    email: str | None = None
    consent_sms: bool = True
    consent_email: bool = True
    sms_opted_out: bool = False
    phone_invalid: bool = False
    discharged: bool = False


@dataclass(frozen=True)
class Request:
    """A notification to deliver: why, how urgent, and until when it is still useful."""

    purpose: str
    urgent: bool = False
    bypass_quiet_hours: bool = False  # replies to the patient's own text (crisis, STOP, HELP)
    expires_at: datetime | None = None
    session_starts: Sequence[datetime] = ()
    sessions_cancelled: bool = False  # every session it is about was cancelled
    exclude_channels: frozenset[str] = frozenset()  # channels that already failed for it


@dataclass(frozen=True)
class Policy:
    window: AllowedWindow = field(default_factory=AllowedWindow)
    caps: Caps = field(default_factory=Caps)


@dataclass(frozen=True)
class Send:
    channel: str
    counts_against_cap: bool


@dataclass(frozen=True)
class Defer:
    until: datetime
    reason: ReasonCode = ReasonCode.quiet_hours_deferred


@dataclass(frozen=True)
class Suppress:
    reason: ReasonCode


Decision = Send | Defer | Suppress
SESSION_PURPOSES = frozenset({"upcoming_session", "weekly_schedule"})


def _channel_usable(channel: str, recipient: Recipient) -> bool:
    if channel == "sms":
        blocked = recipient.sms_opted_out or recipient.phone_invalid
        return bool(recipient.phone and recipient.consent_sms and not blocked)
    if channel == "email":
        return bool(recipient.email and recipient.consent_email)
    return False


def usable_channels(recipient: Recipient, exclude: frozenset[str] = frozenset()) -> list[str]:
    """The recipient's channels, in order, that have consent, an address and no opt-out."""
    return [c for c in recipient.channels if c not in exclude and _channel_usable(c, recipient)]


def _why_no_channel(recipient: Recipient) -> ReasonCode:
    wants_sms = "sms" in recipient.channels and recipient.phone
    if wants_sms and recipient.sms_opted_out:
        return ReasonCode.opted_out
    if wants_sms and recipient.phone_invalid:
        return ReasonCode.invalid_address
    if not (recipient.consent_sms or recipient.consent_email):
        return ReasonCode.no_consent
    return ReasonCode.no_channel


def deadline(request: Request) -> datetime | None:
    """After this instant the message is no longer useful."""
    candidates = [t for t in (request.expires_at, *request.session_starts) if t is not None]
    return min(candidates) if candidates else None


def decide(request: Request, recipient: Recipient, now: datetime, prior_sends: Sequence[datetime],
           policy: Policy) -> Decision:
    """The policy for one notification at `now`; `prior_sends` are the recipient's capped sends."""
    if recipient.discharged and not request.bypass_quiet_hours:
        return Suppress(ReasonCode.discharged)
    if request.purpose in SESSION_PURPOSES and request.sessions_cancelled:
        return Suppress(ReasonCode.expired)
    last_useful = deadline(request)
    if last_useful is not None and now >= last_useful:
        return Suppress(ReasonCode.expired)
    channels = usable_channels(recipient, request.exclude_channels)
    if not channels:
        return Suppress(_why_no_channel(recipient))
    if not request.bypass_quiet_hours and not is_allowed(now, recipient.zone, policy.window):
        until = next_allowed(now, recipient.zone, policy.window)
        if last_useful is not None and until >= last_useful:
            return Suppress(ReasonCode.quiet_hours_expired)
        return Defer(until)
    capped = not (request.urgent or request.bypass_quiet_hours)
    if capped and cap_reached(now, prior_sends, recipient.zone, policy.caps):
        return Suppress(ReasonCode.cap_reached)
    return Send(channels[0], counts_against_cap=capped)


# When routine messages for one recipient fall due together, one goes and absorbs the rest (caps allow one a day).
PRIORITY = ("session_cancelled", "session_changed", "upcoming_session", "visit_missed", "weekly_schedule",
            "checkin_prompt")


def merge_winner(candidates: Sequence[tuple[int, str]]) -> int:
    """The id of the message to send among (id, purpose) due together: the most important, then the oldest."""
    def rank(item: tuple[int, str]) -> tuple[int, int]:
        request_id, purpose = item
        return (PRIORITY.index(purpose) if purpose in PRIORITY else len(PRIORITY), request_id)

    return min(candidates, key=rank)[0]

"""The order in which an inbound text is read, kept in this one place.

1. Keywords (STOP, START, HELP) and 2. a crisis: always the ordinary reply path, whatever else is open, so an
   opt-out or a crisis is never taken for an answer to something. One exception, and only while an offer
   with that letter is open: a text that is nothing but an offered letter ("A", "b.", "option c") is the
   answer (the crisis model reads a lone "A" as crisis); with no such offer it is read as before. Likewise a
   lone "YES" (an opt-in keyword) answers an open waitlist offer of a patient who has not opted out.
3. A care-team member's `ACK` to a page (`acks`), then an open offer of the patient's (`offers`: a
   reschedule choice "A", "B" or "C"), then an open check-in conversation (`replies._route`: GO, an answer;
   STOP also closes it, a crisis leaves it open to resume).
4. Everything else: the ordinary parser's intent (confirm, reschedule, score, concern...).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from iop_notifier.adapters import repository as repo
from iop_notifier.domain.offers import parse_choice, parse_yes
from iop_notifier.domain.reply_parser import ParsedReply
from iop_shared.contracts.outbound import CheckinIntent

from .acks import acknowledge_by_text
from .deps import Deps
from .offers import choose_offer

KEYWORDS = frozenset({CheckinIntent.opt_out, CheckinIntent.opt_in, CheckinIntent.help})


class Route(StrEnum):
    care_team_ack = "care_team_ack"
    offer = "offer"


@dataclass(frozen=True)
class Text:
    message_id: str
    text: str
    phone: str | None
    patient: repo.PatientState | None
    received_at: datetime


Step = Callable[[repo.Conn, Deps, Text], Awaitable[bool]]


async def _care_team_ack(conn: repo.Conn, deps: Deps, t: Text) -> bool:
    return await acknowledge_by_text(conn, t.phone, t.text, t.received_at, deps.settings.fallback_care_teams)


async def _offer(conn: repo.Conn, deps: Deps, t: Text) -> bool:
    return t.patient is not None and await choose_offer(conn, t.patient, t.text, t.received_at)


STEPS: tuple[tuple[Route, Step], ...] = ((Route.care_team_ack, _care_team_ack), (Route.offer, _offer))


async def before_parser(conn: repo.Conn, deps: Deps, parsed: ParsedReply, t: Text) -> Route | None:
    """The route that took the text ahead of the ordinary parser, or None (then the parsed intent applies)."""
    if parsed.intent is CheckinIntent.opt_in and parse_yes(t.text) is not None:
        # "YES" is also an opt-in keyword: it takes an open waitlist seat first (STOP still wins over it)
        return Route.offer if await _offer(conn, deps, t) else None
    if parsed.intent in KEYWORDS:
        return None
    if parsed.intent is CheckinIntent.crisis:
        if parse_choice(t.text) is None:
            return None
        return Route.offer if await _offer(conn, deps, t) else None
    for route, step in STEPS:
        if await step(conn, deps, t):
            return route
    return None

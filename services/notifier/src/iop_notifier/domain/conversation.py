"""The check-in conversation: a pure state machine, one question at a time, driven by texts and a clock.

STOP, HELP and crisis texts never reach it: the reply routing (handlers/replies.py) takes them first. What it
returns are effects (ask, record an answer, score, page for item 9, close) that the handler applies in one
transaction; numbers only, never the patient's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from .instrument_set import InstrumentSet

OPEN = ("offered", "asking")
GO_WORDS = frozenset({"go", "ir", "vamos"})
_ANSWER = re.compile(r"^\s*(\d{1,2})\s*[.!]?\s*$")
_WORD = re.compile(r"[^\w]+")


@dataclass(frozen=True)
class Conversation:
    conversation_id: str
    kind: str  # the instrument it opened with
    state: str  # offered, asking, completed, expired, stopped
    instrument: str  # the one being asked now
    expires_at: datetime
    item_index: int = 0
    reasked: bool = False
    answers: dict[str, tuple[int, ...]] = field(default_factory=dict)
    step: int = 0  # one more for every message the conversation sends: their idempotency key


@dataclass(frozen=True)
class Ask:
    instrument: str
    item_index: int  # 0-based within the instrument
    reask: bool
    step: int


@dataclass(frozen=True)
class Answered:
    instrument: str
    item: int  # 1-based
    value: int


@dataclass(frozen=True)
class Scored:
    instrument: str
    status: str  # completed, expired, stopped
    total: int | None
    band: str | None
    item9_positive: bool
    answered: int


@dataclass(frozen=True)
class CriticalItem:
    instrument: str
    item: int
    value: int


@dataclass(frozen=True)
class Finished:
    step: int


Effect = Ask | Answered | Scored | CriticalItem | Finished


@dataclass(frozen=True)
class Outcome:
    conversation: Conversation
    effects: tuple[Effect, ...] = ()
    handled: bool = True  # False: the text is not for the conversation; the ordinary parser reads it


def offer(conversation_id: str, kind: str, now: datetime, window: timedelta) -> Conversation:
    """A new check-in, offered by a neutral message; nothing clinical is sent before GO."""
    return Conversation(conversation_id, kind, "offered", kind, now + window)


def answer_of(text: str, low: int, high: int) -> int | None:
    """The digit answer in a text ("2", " 3. "), None when unclear or out of range."""
    m = _ANSWER.match(text)
    value = int(m.group(1)) if m else None
    return value if value is not None and low <= value <= high else None


def is_go(text: str) -> bool:
    return _WORD.sub(" ", text.lower()).strip() in GO_WORDS


def reply(conv: Conversation, text: str, now: datetime, instruments: InstrumentSet, *,
          unclear: bool = True) -> Outcome:
    """One text in an open conversation. `unclear`: the parser found nothing else in it (worth a re-ask)."""
    if now >= conv.expires_at:
        return replace(close(conv, "expired", instruments), handled=False)
    if conv.state == "offered":
        if not is_go(text):
            return Outcome(conv, handled=False)
        started = replace(conv, state="asking", step=conv.step + 1)
        return Outcome(started, (Ask(started.instrument, started.item_index, False, started.step),))
    scale = instruments.scale_of(conv.instrument)
    value = answer_of(text, scale.min, scale.max)
    if value is None:
        if conv.reasked or not unclear:
            return Outcome(conv, handled=False)
        again = replace(conv, reasked=True, step=conv.step + 1)
        return Outcome(again, (Ask(again.instrument, again.item_index, True, again.step),))
    return _record(conv, value, instruments)


def _record(conv: Conversation, value: int, instruments: InstrumentSet) -> Outcome:
    inst = instruments.instrument(conv.instrument)
    given = (*conv.answers.get(conv.instrument, ()), value)
    answers = {**conv.answers, conv.instrument: given}
    effects: list[Effect] = [Answered(conv.instrument, len(given), value)]
    if inst.critical_item == inst.items[len(given) - 1] and value > 0:
        effects.append(CriticalItem(conv.instrument, len(given), value))  # before scoring: nothing waits
    if len(given) < len(inst.items):
        nxt = replace(conv, answers=answers, item_index=len(given), reasked=False, step=conv.step + 1)
        return Outcome(nxt, (*effects, Ask(nxt.instrument, nxt.item_index, False, nxt.step)))
    total = instruments.total(conv.instrument, list(given))
    effects.append(Scored(conv.instrument, "completed", total, instruments.band(conv.instrument, total),
                          _item9_so_far(instruments, conv.instrument, given), len(given)))
    follow = instruments.next_instrument(conv.instrument, total)
    if follow is None:
        done = replace(conv, answers=answers, state="completed", step=conv.step + 1)
        return Outcome(done, (*effects, Finished(done.step)))
    # The screener's items are the first items of the full form: they are carried over, not asked again.
    follow_items = instruments.instrument(follow).items
    carried = given if follow_items[: len(given)] == inst.items else ()
    answers[follow] = carried
    nxt = replace(conv, answers=answers, instrument=follow, item_index=len(carried), reasked=False,
                  step=conv.step + 1)
    return Outcome(nxt, (*effects, Ask(follow, nxt.item_index, False, nxt.step)))


def close(conv: Conversation, status: str, instruments: InstrumentSet) -> Outcome:
    """Ends an open conversation (expired or stopped); the unfinished instrument counts as unanswered."""
    if conv.state not in OPEN:
        return Outcome(conv, handled=False)
    given = conv.answers.get(conv.instrument, ())
    scored = Scored(conv.instrument, status, None, None, _item9_so_far(instruments, conv.instrument, given),
                    len(given))
    return Outcome(replace(conv, state=status), (scored,))


def _item9_so_far(instruments: InstrumentSet, name: str, given: tuple[int, ...]) -> bool:
    inst = instruments.instrument(name)
    if inst.critical_item is None or inst.items.index(inst.critical_item) >= len(given):
        return False
    return given[inst.items.index(inst.critical_item)] > 0

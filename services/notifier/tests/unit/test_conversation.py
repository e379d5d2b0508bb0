from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from iop_notifier.domain.conversation import (
    Answered,
    Ask,
    Conversation,
    CriticalItem,
    Finished,
    Outcome,
    Scored,
    close,
    offer,
    reply,
)
from iop_notifier.domain.instrument_set import load

T0 = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
WINDOW = timedelta(hours=24)


def _run(conv: Conversation, texts: list[str], at: datetime = T0) -> tuple[Conversation, list[object]]:
    effects: list[object] = []
    for text in texts:
        out = reply(conv, text, at, load())
        conv, effects = out.conversation, effects + list(out.effects)
    return conv, effects


def _of(kind: type, effects: list[object]) -> list[object]:
    return [e for e in effects if isinstance(e, kind)]


@pytest.mark.unit
def test_nothing_is_asked_before_go_and_go_asks_the_first_item() -> None:
    conv = offer("c1", "phq2", T0, WINDOW)
    out = reply(conv, "hello", T0, load())
    assert out.handled is False and out.effects == () and out.conversation == conv
    out = reply(conv, " Go! ", T0, load())
    assert out.conversation.state == "asking" and out.effects == (Ask("phq2", 0, False, 1),)


@pytest.mark.unit
def test_phq2_below_three_completes_without_the_phq9() -> None:
    conv, effects = _run(offer("c1", "phq2", T0, WINDOW), ["GO", "1", "1"])
    assert conv.state == "completed"
    assert _of(Scored, effects) == [Scored("phq2", "completed", 2, None, False, 2)]
    assert _of(Finished, effects) and len(_of(Ask, effects)) == 2


@pytest.mark.unit
def test_phq2_at_three_continues_to_the_phq9_carrying_its_two_answers() -> None:
    conv, effects = _run(offer("c1", "phq2", T0, WINDOW), ["GO", "2", "1"])
    assert conv.state == "asking" and conv.instrument == "phq9" and conv.item_index == 2
    assert conv.answers["phq9"] == (2, 1)
    conv, more = _run(conv, ["1"] * 6 + ["0"])
    scored = _of(Scored, effects + more)
    assert scored[-1] == Scored("phq9", "completed", 9, "mild", False, 9) and conv.state == "completed"
    asked = [(a.instrument, a.item_index) for a in _of(Ask, effects + more)]
    assert asked == [("phq2", 0), ("phq2", 1)] + [("phq9", i) for i in range(2, 9)]  # no item asked twice
    steps = [a.step for a in _of(Ask, effects + more)]
    assert steps == sorted(set(steps))


@pytest.mark.unit
def test_item9_above_zero_is_critical_at_once_and_in_the_score() -> None:
    conv = replace(offer("c1", "phq9", T0, WINDOW), state="asking")
    conv, effects = _run(conv, ["0"] * 8 + ["1"])
    crit = _of(CriticalItem, effects)
    assert crit == [CriticalItem("phq9", 9, 1)]
    assert effects.index(crit[0]) < effects.index(_of(Scored, effects)[0])
    assert _of(Scored, effects)[0] == Scored("phq9", "completed", 1, "minimal", True, 9)


@pytest.mark.unit
def test_item9_zero_is_not_critical() -> None:
    conv = replace(offer("c1", "phq9", T0, WINDOW), state="asking")
    _, effects = _run(conv, ["3"] * 8 + ["0"])
    assert not _of(CriticalItem, effects) and _of(Scored, effects)[0].band == "severe"  # type: ignore[attr-defined]


@pytest.mark.unit
def test_out_of_range_or_unclear_gets_one_short_reask_then_falls_through() -> None:
    conv = replace(offer("c1", "phq9", T0, WINDOW), state="asking")
    out = reply(conv, "7", T0, load())
    assert out.effects == (Ask("phq9", 0, True, 1),) and out.conversation.reasked
    out2 = reply(out.conversation, "maybe", T0, load())
    assert out2.handled is False and out2.effects == ()
    out3 = reply(out2.conversation, "2", T0, load())
    assert out3.effects[0] == Answered("phq9", 1, 2) and not out3.conversation.reasked


@pytest.mark.unit
def test_a_text_the_parser_understood_is_not_reasked() -> None:
    conv = replace(offer("c1", "phq9", T0, WINDOW), state="asking")
    assert reply(conv, "see you tuesday", T0, load(), unclear=False).handled is False


@pytest.mark.unit
def test_craving_takes_zero_to_ten() -> None:
    conv = replace(offer("c1", "craving", T0, WINDOW), state="asking")
    _, effects = _run(conv, ["10"])
    assert _of(Scored, effects) == [Scored("craving", "completed", 10, None, False, 1)]


@pytest.mark.unit
def test_expiry_counts_as_unanswered_and_lets_the_text_through() -> None:
    conv = replace(offer("c1", "phq2", T0, WINDOW), state="asking", answers={"phq2": (1,)}, item_index=1)
    out = reply(conv, "2", T0 + WINDOW, load())
    assert out.handled is False and out.conversation.state == "expired"
    assert out.effects == (Scored("phq2", "expired", None, None, False, 1),)


@pytest.mark.unit
def test_stop_closes_with_what_was_answered_and_a_closed_conversation_stays_closed() -> None:
    conv = replace(offer("c1", "phq9", T0, WINDOW), state="asking", answers={"phq9": (0,) * 8 + (2,)})
    out = close(conv, "stopped", load())
    assert out.conversation.state == "stopped" and out.effects[0] == Scored("phq9", "stopped", None, None, True, 9)
    assert close(out.conversation, "expired", load()) == Outcome(out.conversation, handled=False)

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iop_notifier.domain.reply_parser import Expecting, parse_reply
from iop_notifier.testing.parser_metrics import evaluate, load, table
from iop_shared.contracts.outbound import CheckinIntent as I


@pytest.mark.unit
def test_corpus_is_large_and_crisis_recall_is_perfect() -> None:
    rows = load()
    assert len(rows) >= 150
    scores, wrong = evaluate(rows)
    by_intent = {s.intent: s for s in scores}
    print(table(scores))
    assert by_intent["crisis"].recall == 1.0, [w for w in wrong if w[0].intent == "crisis"]
    assert all(s.recall >= 0.9 and s.precision >= 0.9 for s in scores), table(scores)


@pytest.mark.unit
@pytest.mark.parametrize(("text", "intent"), [
    ("STOP", I.opt_out), ("  s t o p ", I.opt_out), ("Stop all", I.opt_out), ("OPT-OUT", I.opt_out),
    ("ALTO", I.opt_out), ("START", I.opt_in), ("HELP", I.help), ("AYUDA", I.help),
    ("cancel tuesday please", I.other), ("I want to die", I.crisis), ("stop i want to die", I.crisis),
])
def test_keywords_are_case_and_spacing_tolerant_and_crisis_wins(text: str, intent: I) -> None:
    assert parse_reply(text).intent == intent


@pytest.mark.unit
def test_yes_means_opt_in_only_for_someone_opted_out() -> None:
    assert parse_reply("YES").intent == I.confirm
    assert parse_reply("YES", opted_out=True).intent == I.opt_in


@pytest.mark.unit
def test_digits_depend_on_what_was_asked() -> None:
    assert parse_reply("1", Expecting.reminder).intent == I.confirm
    assert parse_reply("2", Expecting.reminder).intent == I.reschedule_request
    assert parse_reply("2", Expecting.mood) == parse_reply("2/10", Expecting.mood)
    assert parse_reply("8", Expecting.craving).value == 8
    assert parse_reply("craving 9", Expecting.mood).intent == I.craving


@pytest.mark.unit
@given(st.text(max_size=200), st.sampled_from(list(Expecting)), st.booleans())
def test_parser_never_fails_and_scores_stay_in_range(text: str, expecting: Expecting, opted_out: bool) -> None:
    parsed = parse_reply(text, expecting, opted_out=opted_out)
    assert parsed.value is None or 0 <= parsed.value <= 10


@pytest.mark.unit
@given(st.sampled_from(["kill myself", "want to die", "suicide", "overdose", "quiero morir", "pastillas"]),
       st.text(alphabet="abc .,!", max_size=20), st.text(alphabet="xyz .?", max_size=20))
def test_crisis_words_are_found_anywhere_in_a_reply(phrase: str, before: str, after: str) -> None:
    assert parse_reply(f"{before} {phrase.upper()} {after}").intent == I.crisis

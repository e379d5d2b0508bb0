"""Plain answers with words around them, emoji answers and acknowledgements (issue 11's answer-recall targets)."""

import pytest

from iop_notifier.domain.crisis import Level, read
from iop_notifier.domain.reply_parser import Expecting, parse_reply
from iop_shared.contracts.outbound import CheckinIntent as I


@pytest.mark.unit
@pytest.mark.parametrize(("text", "intent"), [
    ("two, my car broke down", I.reschedule_request), ("dos - tengo que trabajar", I.reschedule_request),
    ("Two. something came up at work", I.reschedule_request), ("uno, ahí estaré", I.confirm),
    ("one! see you then", I.confirm), ("👍🏽👍🏽", I.confirm), ("✅✅", I.confirm), ("👍 👍", I.confirm),
    ("ahí le caigo, gracias", I.confirm), ("sí, sin falta", I.confirm),
    ("tengo cita con el dentista ese día, ¿me la pasan?", I.reschedule_request),
    ("información por favor", I.help), ("ayuda, ¿qué es esto?", I.help),
])
def test_answers_with_words_around_them(text: str, intent: I) -> None:
    assert parse_reply(text, Expecting.reminder, use_model=False).intent is intent


@pytest.mark.unit
@pytest.mark.parametrize("text", [
    "one more question about my appointment", "two of my kids are sick", "dos cosas: no tengo raite y",
])
def test_a_number_word_inside_a_sentence_is_no_answer(text: str) -> None:
    assert parse_reply(text, Expecting.reminder, use_model=False).intent not in (I.confirm, I.reschedule_request)


@pytest.mark.unit
def test_a_thumbs_up_after_a_mood_prompt_is_no_confirmation() -> None:
    assert parse_reply("👍🏽👍🏽", Expecting.mood, use_model=False).intent is not I.confirm


@pytest.mark.unit
@pytest.mark.parametrize("text", [
    "Got the letter for my employer, thank you so much. My boss was fine with it",
    "just wanted to say group really helped this week. thanks",
    "just letting you know my sister will drive me from now on",
])
def test_a_thank_you_or_fyi_asking_nothing_is_an_acknowledgement(text: str) -> None:
    assert parse_reply(text, Expecting.reminder, use_model=False).intent is I.other


@pytest.mark.unit
@pytest.mark.parametrize("text", [
    "thanks, can someone call me about my insurance", "thank you but the pharmacy lost my refill",
    "gracias, necesito un comprobante para el trabajo", "thanks. when is the next group?",
])
def test_a_thank_you_with_a_request_or_worry_reaches_a_person(text: str) -> None:
    assert parse_reply(text, Expecting.reminder, use_model=False).intent is I.concern


@pytest.mark.unit
def test_a_thank_you_with_the_next_meeting_goes_to_a_person_unless_the_model_reads_it_ordinary() -> None:
    lexical = parse_reply("thanks for everything, see you Thursday", Expecting.reminder, use_model=False)
    assert lexical.intent is I.concern and lexical.if_ordinary is not None
    assert parse_reply("thanks for everything, goodbye", Expecting.reminder).intent is I.crisis


@pytest.mark.unit
@pytest.mark.parametrize("text", ["fue un buen día", "have a lovely day", "bringing my son along", "it was shared",
                                  "my laptop finally died for good"])
def test_ordinary_words_one_letter_from_a_distress_word_are_not_distress(text: str) -> None:
    assert read(text).level is Level.none


@pytest.mark.unit
def test_diez_after_a_mood_prompt_is_a_score() -> None:
    assert parse_reply("diez", Expecting.mood) == parse_reply("10", Expecting.mood)
    assert parse_reply("diez", Expecting.mood).value == 10


@pytest.mark.unit
@pytest.mark.parametrize("text", ["i feel so alone", "me siento sola", "im scared", "fumé otra vez"])
def test_the_distress_words_themselves_still_reach_a_person(text: str) -> None:
    assert read(text).level is Level.concern

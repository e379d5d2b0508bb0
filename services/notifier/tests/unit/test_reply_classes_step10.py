"""Step 10's classes of misread (docs/reply-parser.md), a few new phrasings each, English and Spanish.

test_reply_classes.py holds steps 8 and 9; none of these texts is in an evaluation set: each class was found on
set 7's development half or named by issue 11, and is tested here on wording written for the test.
"""

import pytest

from iop_notifier.domain.reply_parser import Expecting, parse_reply
from iop_shared.contracts.outbound import CheckinIntent as I

pytestmark = pytest.mark.unit


def lexical(text: str, expecting: Expecting = Expecting.reminder) -> tuple[I, int | None]:
    reply = parse_reply(text, expecting, use_model=False)
    return reply.intent, reply.value


@pytest.mark.parametrize("text", [
    "logging off for good, take care of yourselves", "signing off forever", "checking out permanently",
    "it was an honor knowing all of you", "me desconecto para siempre", "fue un honor conocerlos",
    "whats the lethal dose for my sleeping pills", "how many advil would it take to kill me",
    "cuántas pastillas de clonazepam son mortales", "dosis letal de paracetamol",
    "ojalá me atropelle un tráiler", "ojala que me lleve por delante el metro",
    "im afraid of what i might do if im alone tonight", "me da miedo lo que soy capaz de hacer",
])
def test_final_goodbyes_lethal_doses_and_wishing_to_be_run_over_are_crises(text: str) -> None:
    assert lexical(text)[0] is I.crisis
    assert parse_reply(text).intent is I.crisis


@pytest.mark.parametrize(("text", "expecting"), [
    ("1 and goodbye everyone", Expecting.reminder), ("2, tell my kids i loved them", Expecting.reminder),
    ("mood 0 i want to die", Expecting.mood), ("0 ya no quiero vivir", Expecting.mood),
    ("10, gonna end it tonight", Expecting.craving), ("cuiden a mi perro, yo ya no voy a estar", Expecting.reminder),
])
def test_a_crisis_with_a_number_or_a_score_in_it_is_a_crisis(text: str, expecting: Expecting) -> None:
    assert parse_reply(text, expecting).intent is I.crisis


@pytest.mark.parametrize("text", ["signing off for tonight, see you tmrw", "it was an honor to be picked for the panel",
                                  "me desconecto un rato, se me acaba la pila", "ojalá no llueva mañana"])
def test_leaving_for_now_is_no_goodbye(text: str) -> None:
    assert lexical(text)[0] is not I.crisis


@pytest.mark.parametrize(("text", "intent"), [
    ("fri 10am works", I.confirm), ("that works for me", I.confirm), ("el martes a las 3 me funciona", I.confirm),
    ("sí, me queda bien", I.confirm), ("the evening one works better", I.reschedule_request),
    ("can we do the 21st", I.reschedule_request), ("could i come on the 2nd instead", I.reschedule_request),
    ("¿se puede el 18?", I.reschedule_request), ("mejor a las 6", I.reschedule_request),
    ("can it be earlier", I.reschedule_request), ("i get off at 5 can we do 6", I.reschedule_request),
    ("no, el viernes no", I.reschedule_request), ("friday no", I.reschedule_request),
    ("can we do next weds", I.reschedule_request), ("cant tues", I.reschedule_request),
    ("el jue no, ¿el vie?", I.reschedule_request), ("monday is bad for me", I.reschedule_request),
    ("no puedo, trabajo ese día", I.reschedule_request), ("fine by me", I.confirm),
])
def test_a_slot_that_works_or_another_slot_asked_for(text: str, intent: I) -> None:
    assert lexical(text)[0] is intent
    assert parse_reply(text).intent is intent  # the model's "mejor muerto" letters do not make "mejor a las 6" a crisis


@pytest.mark.parametrize(("text", "intent"), [
    ("1 day 60 sober!!", I.confirm), ("1, im on day 9", I.confirm), ("1. ya llevo 20 días limpia", I.confirm),
    ("1 i take my 3 pills first", I.confirm), ("yes, its 2 buses for me", I.confirm),
    ("number 2, my son has a fever", I.reschedule_request), ("2, mis 2 niños están enfermos", I.reschedule_request),
])
def test_numbers_that_count_days_pills_or_buses_are_not_the_answer(text: str, intent: I) -> None:
    assert lexical(text)[0] is intent


@pytest.mark.parametrize(("text", "expecting", "value"), [
    ("7ish", Expecting.mood, 7), ("like 3ish", Expecting.craving, 3),
])
def test_a_hedge_glued_to_a_score_is_the_score(text: str, expecting: Expecting, value: int) -> None:
    assert lexical(text, expecting)[1] == value


@pytest.mark.parametrize(("text", "intent"), [
    ("konfirmo", I.confirm), ("hay estaré", I.confirm), ("ai nos vemos", I.confirm), ("ofc", I.confirm),
    ("YES SEE YOU THEN", I.confirm), ("NO PUEDO EL JUEVES", I.reschedule_request),
    ("ya basta", I.concern), ("basta", I.opt_out), ("vuelvan a mandarme los recordatorios", I.opt_in),
    ("restart my texts please", I.opt_in),
])
def test_misspellings_capitals_and_keywords_in_other_words(text: str, intent: I) -> None:
    assert lexical(text)[0] is intent


@pytest.mark.parametrize(("text", "expecting"), [
    ("maybe", Expecting.reminder), ("tal vez", Expecting.reminder), ("not sure", Expecting.reminder),
    ("probably, depends on my shift", Expecting.reminder), ("yes but ill let you know", Expecting.reminder),
    ("depende de mi jefe", Expecting.reminder), ("a ton lol", Expecting.craving), ("muchísimo", Expecting.craving),
])
def test_replies_that_look_like_answers_but_need_a_person(text: str, expecting: Expecting) -> None:
    assert parse_reply(text, expecting).intent is I.concern


@pytest.mark.parametrize("text", ["my back is bad", "everything is bad for me", "no sé que hacer"])
def test_a_bad_thing_without_a_day_is_no_reschedule(text: str) -> None:
    assert lexical(text)[0] is I.concern

"""Step 11's classes of misread (docs/reply-parser.md), found on set 8's development half and tested on new wording.

None of these texts is in an evaluation set.
"""

import pytest

from iop_notifier.domain.crisis import Level, read
from iop_notifier.domain.reply_parser import Expecting, parse_reply
from iop_shared.contracts.outbound import CheckinIntent as I

pytestmark = pytest.mark.unit


def lexical(text: str, expecting: Expecting = Expecting.reminder) -> tuple[I, int | None]:
    reply = parse_reply(text, expecting, use_model=False)
    return reply.intent, reply.value


@pytest.mark.parametrize("text", [
    "mañana me aviento del puente y ya",
    "ya no aguanto, me lanzo del edificio esta noche",
    "me voy a tirar al metro saliendo del trabajo",
    "pienso tirarme debajo del subte",
    "me cuelgo con una soga hoy",
    "me pego un tiro, ya fue",
    "hoy me doy un balazo",
    "me corto las venas esta noche",
    "estoy en la cochera con el carro prendido y la puerta cerrada",
    "sitting in my car w the engine on, garage door shut",
    "en el garaje con el motor encendido",
])
def test_a_first_person_method_is_a_crisis(text: str) -> None:
    assert read(text).level is Level.crisis
    assert lexical(text)[0] is I.crisis


@pytest.mark.parametrize("text", [
    "tomorrow ill go up to the roof",
    "im gonna walk to the tracks after this",
    "voy a ir a la azotea en un rato",
])
def test_a_future_act_beside_a_danger_is_never_ordinary(text: str) -> None:
    assert parse_reply(text).intent in (I.concern, I.crisis)
    assert lexical(text)[0] in (I.concern, I.crisis)


@pytest.mark.parametrize("text", [
    "ill take the train to group",
    "me tiro al sillón a ver la tele jaja",
    "left the car running in the driveway to warm up, lol",
])
def test_ordinary_trains_sofas_and_engines_are_no_crisis(text: str) -> None:
    assert read(text).level is not Level.crisis


@pytest.mark.parametrize(("text", "expecting", "intent", "value"), [
    ("1 gonna catch the 15 bus so maybe 5 min late", Expecting.reminder, I.confirm, None),
    ("2 😩 tengo turno", Expecting.reminder, I.reschedule_request, None),
    ("2 😫 job stuff", Expecting.reminder, I.reschedule_request, None),
    ("3 😞", Expecting.mood, I.mood, 3),
    ("3 - long night, slept like 2 hours", Expecting.mood, I.mood, 3),
    ("5 por el dolor de espalda", Expecting.mood, I.mood, 5),
    ("7, voy a la junta a las 8", Expecting.craving, I.craving, 7),
    ("9 tbh. heading to a meeting", Expecting.craving, I.craving, 9),
])
def test_a_leading_answer_with_a_comment_is_the_answer(
        text: str, expecting: Expecting, intent: I, value: int | None) -> None:
    assert lexical(text, expecting) == (intent, value)


@pytest.mark.parametrize(("text", "expecting", "intent"), [
    ("1 and goodbye everyone", Expecting.reminder, I.crisis),
    ("2 😞 no quiero vivir", Expecting.mood, I.crisis),
    ("3 bc my back hurts, can someone call me", Expecting.mood, I.concern),
    ("4 or 5", Expecting.mood, I.concern),
    ("1 o 2?", Expecting.reminder, I.concern),
])
def test_a_comment_with_a_crisis_request_or_choice_is_not_just_the_answer(
        text: str, expecting: Expecting, intent: I) -> None:
    assert lexical(text, expecting)[0] is intent


@pytest.mark.parametrize(("text", "intent"), [
    ("ya po, voy", I.confirm),
    ("voy altiro", I.confirm),
    ("earlier in the day if possible, before 10", I.reschedule_request),
    ("different day plz", I.reschedule_request),
    ("¿me la pueden mover para el viernes?", I.reschedule_request),
    ("¿podés cambiarla para la mañana?", I.reschedule_request),
    ("whats the phone number for the office", I.help),
    ("¿qué número marco para la clínica?", I.help),
    ("start please", I.opt_in),
    ("alto porfa, no quiero mas mensajes", I.opt_out),
    ("stop pls i dont want the texts anymore", I.opt_out),
])
def test_plain_answers_and_keywords_in_other_words(text: str, intent: I) -> None:
    assert lexical(text)[0] is intent


@pytest.mark.parametrize("text", ["no quiero los mensajes, ya no quiero vivir", "stop the texts, i want to die"])
def test_an_opt_out_beside_a_crisis_is_a_crisis(text: str) -> None:
    assert lexical(text)[0] is I.crisis


@pytest.mark.parametrize("text", ["careful everyone, the 10 freeway is a mess", "ice on the roads, be safe yall",
                                  "ojo todos, la carretera está cerrada por la nieve"])
def test_a_road_notice_to_the_others_is_no_crisis(text: str) -> None:
    assert parse_reply(text).intent is not I.crisis


@pytest.mark.parametrize("text", ["im going to jump off the bridge, bye everyone",
                                  "me voy a tirar del puente, adios a todos"])
def test_a_bridge_in_the_first_person_is_still_a_crisis(text: str) -> None:
    assert parse_reply(text).intent is I.crisis

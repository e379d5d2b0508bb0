"""Step 8's classes of misread (docs/reply-parser.md), a few typical phrasings each, English and Spanish.

None of these texts is in an evaluation set: each class was found on set 5 and is tested here on new wording.
"""

import pytest

from iop_notifier.domain.crisis import Level, read
from iop_notifier.domain.reply_parser import Expecting, parse_reply
from iop_shared.contracts.outbound import CheckinIntent as I

pytestmark = pytest.mark.unit


def lexical(text: str, expecting: Expecting = Expecting.reminder) -> tuple[I, int | None]:
    reply = parse_reply(text, expecting, use_model=False)
    return reply.intent, reply.value


@pytest.mark.parametrize(("text", "intent"), [
    ("Reply 1 to confirm, 2 to change. STOP to end\n1", I.confirm),
    ("> Reply 1 to confirm or 2 if you need to change it\n2", I.reschedule_request),
    ("Responda 1 para confirmar, 2 para cambiar. ALTO para salir. 1", I.confirm),
    ("see you Tue at 3. Reply 1 to confirm, 2 to change. 2", I.reschedule_request),
])
def test_a_quoted_reminder_instruction_is_not_the_answer(text: str, intent: I) -> None:
    assert lexical(text)[0] is intent


@pytest.mark.parametrize(("text", "intent"), [
    ("uno 👍 llego en el camión", I.confirm), ("one 👍🏽 my sister is driving me", I.confirm),
    ("two 😕 work called me in", I.reschedule_request), ("dos porque tengo que trabajar", I.reschedule_request),
    ("two because my son is sick", I.reschedule_request), ("1, I'll take the bus at 9", I.confirm),
    ("uno, voy a llegar a las 10", I.confirm),
])
def test_a_number_word_set_apart_or_with_a_reason_answers(text: str, intent: I) -> None:
    assert lexical(text)[0] is intent


@pytest.mark.parametrize("text", ["two of us are coming", "dos de mis hijos están enfermos"])
def test_a_number_word_inside_a_sentence_or_asked_is_still_no_answer(text: str) -> None:
    assert lexical(text)[0] not in (I.confirm, I.reschedule_request)


@pytest.mark.parametrize(("text", "expecting", "value"), [
    ("8, really good day", Expecting.mood, 8), ("3. long week but ok", Expecting.mood, 3),
    ("7, me fue bien hoy", Expecting.mood, 7), ("4, cansado nomás", Expecting.mood, 4),
    ("2 not too bad", Expecting.craving, 2), ("5, ando tranquila", Expecting.craving, 5),
])
def test_a_score_with_a_settled_comment_is_the_score(text: str, expecting: Expecting, value: int) -> None:
    assert lexical(text, expecting) == (I(expecting.value), value)


@pytest.mark.parametrize(("text", "expecting"), [
    ("5, not good", Expecting.mood), ("6 but my landlord is evicting me", Expecting.mood),
    ("4, no estoy bien", Expecting.mood), ("3, good but can someone call me", Expecting.mood),
    ("7 pero tengo miedo de recaer", Expecting.craving),
])
def test_a_score_with_a_worry_still_goes_to_a_person(text: str, expecting: Expecting) -> None:
    assert lexical(text, expecting)[0] is I.concern


@pytest.mark.parametrize(("text", "value"), [("0 feeling strong", 0), ("6, me siento bien", 6)])
def test_feeling_after_a_craving_prompt_keeps_the_craving(text: str, value: int) -> None:
    assert lexical(text, Expecting.craving) == (I.craving, value)


@pytest.mark.parametrize(("text", "intent"), [
    ("traffic is slow but ill get there", I.confirm), ("yes, rain is bad but i will get there", I.confirm),
    ("llueve mucho pero igual voy", I.confirm), ("1, running behind but I'll be there", I.confirm),
    ("see you but i might be late", I.concern), ("sí voy pero me siento mal", I.concern),
    ("nada me sale bien, pero ahí voy", I.concern),
])
def test_a_but_that_ends_in_coming_anyway_confirms(text: str, intent: I) -> None:
    assert lexical(text)[0] is intent


@pytest.mark.parametrize(("text", "intent"), [
    ("my son is dropping me off today", I.other), ("my mom will pick me up after, she waits outside", I.other),
    ("hoy me trae mi hermana", I.other), ("mi esposo viene conmigo, se queda afuera", I.other),
    ("my ride cant pick me up today", I.concern), ("nadie me puede traer hoy", I.concern),
    ("who can pick me up?", I.concern),
])
def test_a_ride_fyi_is_an_acknowledgement_unless_something_is_wrong(text: str, intent: I) -> None:
    got = parse_reply(text, Expecting.reminder, use_model=False)
    assert (got.intent if got.if_ordinary is None else I.concern) is intent


@pytest.mark.parametrize(("text", "intent"), [
    ("quítenme de la lista por favor", I.opt_out), ("ya no quiero los mensajes, gracias", I.opt_out),
    ("ya no necesito los mensajes", I.opt_out), ("i dont need the texts anymore", I.opt_out),
    ("start, I'm back in the program", I.opt_in), ("reanudar. ya regresé", I.opt_in),
])
def test_opt_out_and_opt_in_in_a_sentence(text: str, intent: I) -> None:
    assert lexical(text)[0] is intent


@pytest.mark.parametrize("text", [
    "lmao my sister is gonna kill me, i forgot her cake", "lol my kids are gonna kill me",
])
def test_laughter_with_a_distress_idiom_is_left_to_the_model(text: str) -> None:
    reply = parse_reply(text, Expecting.reminder, use_model=False)
    assert reply.intent is I.concern and reply.if_ordinary is not None and reply.if_ordinary.intent is I.other


def test_a_boss_who_is_gonna_kill_me_is_an_idiom_since_step_9() -> None:
    assert lexical("my boss is gonna kill me lol")[0] is I.other  # masked as a figure of speech (crisis.yaml)


@pytest.mark.parametrize("text", [
    "got my refill. going to take all of them at once tonight", "im taking the whole bottle together",
    "gonna swallow a months worth", "voy a tomarme todas de una vez", "me las voy a tragar todas juntas",
    "yes ill be there if im still alive", "ok if i am still breathing by then", "sí voy, si sigo viva",
    "el martes, si todavía estoy con vida",
])
def test_a_supply_taken_at_once_or_survival_as_a_condition_is_a_crisis(text: str) -> None:
    assert read(text).level is Level.crisis


@pytest.mark.parametrize("text", ["can i take both at the same time as food?", "took my pills together with breakfast"])
def test_taking_medication_together_without_all_of_it_is_no_crisis_from_the_lexicon(text: str) -> None:
    assert read(text).level is not Level.crisis


@pytest.mark.parametrize(("text", "intent"), [
    ("i think i left my bag in room 2, can someone look", I.concern), ("2 of my kids have the flu", I.concern),
    ("dejé mi chamarra en la sala 2, ¿me la guardan?", I.concern),
    ("only 2 days of pills left, need a refill", I.concern),
    ("2 please, work", I.reschedule_request), ("número 2", I.reschedule_request), ("1 gracias", I.confirm),
])
def test_a_digit_that_names_a_place_or_counts_something_is_no_answer(text: str, intent: I) -> None:
    got = parse_reply(text, Expecting.reminder, use_model=False)
    assert (got.intent if got.if_ordinary is None else I.concern) is intent


@pytest.mark.parametrize(("text", "intent"), [
    ("my phone number changed, is that a problem?", I.concern),
    ("my insurance changed, do you need the card", I.concern), ("can we change it to friday", I.reschedule_request),
])
def test_changed_is_news_not_a_request_to_move(text: str, intent: I) -> None:
    got = parse_reply(text, Expecting.reminder, use_model=False)
    assert (got.intent if got.if_ordinary is None else I.concern) is intent


@pytest.mark.parametrize(("text", "level"), [
    ("this commute will be the death of me", Level.none), ("overdosed on candy at the party lol", Level.none),
    ("overdosed on my meds last night", Level.crisis),
    ("this job will be the death of me, i want to die", Level.crisis),
])
def test_the_death_of_me_and_food_overdoses_are_figures_of_speech(text: str, level: Level) -> None:
    assert read(text).level is level


@pytest.mark.parametrize(("text", "level"), [
    ("pronto ya no voy a ser un problema para nadie", Level.crisis), ("ya no seré una carga", Level.crisis),
    ("nada va a cambiar, mejor desaparecer", Level.crisis), ("no voy a ser un problema, llego a tiempo", Level.none),
])
def test_a_future_burden_and_better_to_disappear_in_spanish(text: str, level: Level) -> None:
    assert read(text).level is level


# Step 9's classes (found on set 6's development half), each tested on new wording, full parser (model included).
def full(text: str, expecting: Expecting = Expecting.reminder) -> I:
    return parse_reply(text, expecting).intent


@pytest.mark.parametrize(("text", "intent"), [
    ("won", I.confirm), ("number won", I.confirm), ("Won please", I.confirm),
    ("too", I.reschedule_request), ("to please", I.reschedule_request), ("option to thanks", I.reschedule_request),
    ("el numero dos", I.reschedule_request),
])
def test_voice_to_text_homophones_of_one_and_two_answer_a_reminder(text: str, intent: I) -> None:
    assert full(text) is intent


@pytest.mark.parametrize("text", ["me too", "thank you too", "you too!", "going to", "to"])
def test_a_homophone_with_other_words_or_after_a_mood_prompt_is_no_answer(text: str) -> None:
    expecting = Expecting.mood if text == "to" else Expecting.reminder
    assert full(text, expecting) not in (I.confirm, I.reschedule_request)


@pytest.mark.parametrize("text", ["bet", "Bet thanks", "say less", "aight", "yuh", "im down", "yessir", "de una",
                                  "sisas", "ta bien"])
def test_slang_confirms_a_reminder(text: str) -> None:
    assert full(text) is I.confirm


@pytest.mark.parametrize(("text", "intent"), [
    ("i think so", I.confirm), ("hope so!", I.confirm), ("ill try to make it", I.confirm),
    ("creo que sí", I.confirm), ("probablemente sí", I.confirm),
    ("probably not", I.reschedule_request), ("i dont think so", I.reschedule_request),
    ("cant, sorry", I.reschedule_request), ("creo que no", I.reschedule_request), ("lo dudo", I.reschedule_request),
    ("not this time", I.reschedule_request),
])
def test_hedged_and_bare_negative_answers(text: str, intent: I) -> None:
    assert full(text) is intent


@pytest.mark.parametrize(("text", "intent"), [
    ("this is his grandma, hes coming", I.confirm), ("soy su papá, sí va a ir", I.confirm),
    ("habla su esposa, ahí va a estar", I.confirm),
    ("her mom here, she isnt able to come this week", I.reschedule_request),
    ("soy su hermana, no va a poder ir", I.reschedule_request), ("mi hija no puede venir", I.reschedule_request),
])
def test_a_family_member_answering_for_the_patient(text: str, intent: I) -> None:
    assert full(text) is intent


@pytest.mark.parametrize("text", ["car's in the shop, need a new date", "can we bump it a bit",
                                  "could you move me, work came up", "necesito una nueva fecha",
                                  "se me cruzó algo, ¿me dan un nuevo horario?"])
def test_reschedule_requests_with_no_number_or_weekday(text: str) -> None:
    assert full(text) is I.reschedule_request


@pytest.mark.parametrize("text", ["work moved me to days, all good", "they pushed it at work lol"])
def test_a_past_move_is_no_request(text: str) -> None:
    assert full(text) is not I.reschedule_request


@pytest.mark.parametrize(("text", "intent"), [
    ("1 🙁", I.confirm), ("2 😞", I.reschedule_request), ("no puedo ir 😔", I.reschedule_request),
])
def test_a_disappointed_face_beside_an_answer_is_the_answer(text: str, intent: I) -> None:
    assert full(text) is intent


@pytest.mark.parametrize("text", ["2 😭", "😞", "1 😔 everything is falling apart"])
def test_crying_or_a_worry_beside_an_answer_still_goes_to_a_person(text: str) -> None:
    assert full(text) in (I.concern, I.crisis)


@pytest.mark.parametrize(("text", "intent"), [
    ('"Reply 1 to confirm, 2 to reschedule" 1', I.confirm),
    ("reply 1 to confirm 2 to change - 2 sorry", I.reschedule_request),
    ("Responda 1 para confirmar o 2 para cambiar la cita: dos", I.reschedule_request),
])
def test_a_quoted_instruction_with_no_full_stop_before_the_answer(text: str, intent: I) -> None:
    assert full(text) is intent


@pytest.mark.parametrize("text", [
    "i have a plan and a date now", "made my plan with the time picked",
    "dont know if ill make it to tomorrow", "not sure if i can survive through the night",
    "ya tengo mi plan y el día", "hice el plan con la hora", "no sé si aguanto hasta mañana",
    "no se si amanezco a mañana",
])
def test_a_plan_with_its_date_and_doubting_one_lives_to_tomorrow_are_crises(text: str) -> None:
    assert read(text).level is Level.crisis


@pytest.mark.parametrize("text", ["not sure ill make it tomorrow, car trouble", "no sé si llego mañana a tiempo"])
def test_doubting_an_arrival_tomorrow_is_no_crisis(text: str) -> None:
    assert read(text).level is not Level.crisis


@pytest.mark.parametrize("text", [
    "OD'd on coffee before work lol", "my manager is gonna kill me if i miss another shift",
    "finally shot my shot at the gym", "el examen me mató jaja", "mi jefa me va a matar si llego tarde",
])
def test_everyday_figures_of_speech_are_no_crisis(text: str) -> None:
    assert full(text) is not I.crisis


@pytest.mark.parametrize("text", ["my husband is going to kill me", "mi esposo me va a matar",
                                  "i overdosed on my meds", "me mato hoy"])
def test_a_partner_threat_and_a_real_overdose_stay_crises(text: str) -> None:
    assert full(text) is I.crisis


@pytest.mark.parametrize("text", ["do i press 1 or 2 for yes", "¿es el 1 o el 2 para confirmar?"])
def test_a_reply_naming_both_options_asks_about_them(text: str) -> None:
    assert full(text) is I.concern


@pytest.mark.parametrize("text", ["my back is sore from the 10 year reunion, no idea what this text is",
                                  "im a 70 year old man and dont understand these messages"])
def test_a_word_one_letter_from_a_confirm_word_is_no_confirmation(text: str) -> None:
    assert full(text) is not I.confirm


@pytest.mark.parametrize("text", ["please reactivate my texts", "can you turn my reminders back on",
                                  "reactiven mis recordatorios", "quiero recibir recordatorios de nuevo"])
def test_asking_for_the_texts_back_opts_in(text: str) -> None:
    assert full(text) is I.opt_in

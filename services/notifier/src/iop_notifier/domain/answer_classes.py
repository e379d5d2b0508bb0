"""Plain reminder answers by class (step 9): voice-to-text homophones, slang, hedged and bare negative answers, a
family member answering for the patient, and a disappointed face beside an answer.

Each list is a class of wording, not a list of seen texts; the parser calls these only after a reminder and only
after the crisis reading found nothing (a crisis always reads first).
"""

from __future__ import annotations

import re

from iop_shared.contracts.outbound import CheckinIntent

from .lexicon import POLITENESS

# Voice-to-text writes "one" as "won" and "two" as "to"/"too" ("number to please"). Only a reply made of the
# homophone, an optional lead ("number", "option", "press") and politeness reads as the number: "me too", "thank
# you too" and "going to" have other words around them and stay as they were.
HOMOPHONES = {"won": "one", "to": "two", "too": "two"}
_HOMOPHONE_LEADS = frozenset({"number", "numero", "option", "opcion", "press", "reply", "the", "el", "la"})

# Whole-reply confirmations in teen and regional slang (reply_parser reads them only after a reminder): "bet",
# "say less", "fs" (for sure), "aight", "yuh", "im down", "de una" (Colombian "right away"), "sisas".
CONFIRM_SLANG = frozenset({
    "bet", "bet bet", "say less", "fs", "fr", "aight", "ight", "aite", "yuh", "yuhh", "yah", "word", "im down",
    "down", "yessir", "yes sir", "yesir", "yes maam", "sounds like a plan", "okie dokie",
    "de una", "sisas", "sii", "simon que si", "va pues", "ta bien", "esta bien", "a huevo", "fijo", "obvio",
})
# Hedged and bare negative answers: a hedged yes is still a yes for the schedule ("i think so", "creo que sí");
# a hedged or bare no is a request for another time ("probably not", "can't", "creo que no").
HEDGED_YES = frozenset({"i think so", "think so", "i hope so", "hope so", "probably", "probably yes",
                        "most likely", "should be", "i should", "creo que si", "creo que si voy", "espero que si",
                        "probablemente", "probablemente si", "seguramente", "seguro que si", "ill try",
                        "i will try", "ill try to make it", "ill try to be there", "voy a tratar", "lo intentare",
                        "voy a intentar ir"})
HEDGED_NO = frozenset({"probably not", "i dont think so", "dont think so", "prob not", "i doubt it", "doubt it",
                       "cant", "i cant", "no i cant", "nope i cant", "no cant", "nope cant", "sorry i cant",
                       "sorry cant", "no sorry", "creo que no", "no creo", "no creo poder", "lo dudo", "no puedo",
                       "no puedo sorry", "no, no puedo", "imposible", "nope not this time", "not this time",
                       "no esta vez"})
# A family member or carer answering for the patient ("soy su mamá, sí va a ir", "mi hijo no puede ir"): the
# third person of the answer verbs; English third persons already match ("he will be there", "she cant make it").
FAMILY_CONFIRM = (("va", "a", "ir"), ("si", "va"), ("va", "a", "venir"), ("si", "viene"), ("va", "a", "estar"),
                  ("ahi", "estara"), ("alli", "estara"), ("hes", "coming"), ("shes", "coming"), ("is", "coming"),
                  ("they", "will", "be"), ("ahi", "va", "a", "estar"))
FAMILY_RESCHEDULE = (("no", "va", "a", "poder"), ("no", "puede", "ir"), ("no", "puede", "venir"),
                     ("no", "va", "a", "ir"), ("no", "podra"), ("no", "puede", "asistir"), ("isnt", "able"),
                     ("is", "not", "able"), ("wont", "be", "able"), ("no", "puede", "el"), ("no", "puede", "este"))
# Reschedule requests with no number and no weekday ("need a new day", "can we push it", "move me to thursday").
NO_NUMBER_RESCHEDULE = (("new", "day"), ("new", "date"), ("a", "new", "time"), ("another", "date"),
                        ("push", "it"), ("push", "me"), ("bump", "it"), ("bump", "me"), ("move", "me"),
                        ("nueva", "fecha"), ("nuevo", "dia"), ("nuevo", "horario"),
                        ("mover", "mi", "cita"), ("pasar", "mi", "cita"))
# Ordinary words one letter from a confirm word are not typos of it: "an 81 year old woman" says no "yeah", "my
# back is sore" no "sure", "Clara" no "claro".
CONFIRM_REAL_WORDS = frozenset({"year", "years", "sore", "clara", "yeas", "seen"})
# Both options named in one reply ("is it 1 or 2 to say yes?", "do i press 1 or 2") is a question about them.
BOTH_OPTIONS = frozenset({1, 2})
# A disappointed face beside an answer is about missing the session ("2 😔", "can't make it 😞 can we
# reschedule"), and so is a weary face ("2 😩 work", step 11); crying and heartbreak emoji still go to a person.
_DISAPPOINTED = re.compile("[\U0001F61E\U0001F614\U0001F641\u2639\U0001F615\U0001F629\U0001F62B]\uFE0F?")


_NUMBER_ANSWERS = frozenset({"1", "2", "one", "two", "uno", "dos", *HOMOPHONES})


def bare_number(tokens: list[str]) -> bool:
    """Only a 1 or 2 (digit, word or homophone) with a lead or politeness: no wording that could carry a crisis."""
    return sum(t in _NUMBER_ANSWERS for t in tokens) == 1 and all(
        t in _NUMBER_ANSWERS or t in _HOMOPHONE_LEADS or t in POLITENESS for t in tokens)


def homophone_answer(tokens: list[str]) -> list[str]:
    """The tokens with a lone voice-to-text homophone spelled as its number ("number to please" -> "number two")."""
    at = [i for i, t in enumerate(tokens) if t in HOMOPHONES]
    if len(at) != 1:
        return tokens
    i = at[0]
    if all(t in _HOMOPHONE_LEADS for t in tokens[:i]) and all(t in POLITENESS for t in tokens[i + 1:]):
        return [*tokens[:i], HOMOPHONES[tokens[i]], *tokens[i + 1:]]
    return tokens


def whole_answer(norm: str) -> CheckinIntent | None:
    """A whole reply in slang, hedged or bare negative form, politeness trimmed from its end."""
    words = norm.split()
    while len(words) > 1 and words[-1] in POLITENESS:
        words.pop()
    core = " ".join(words)
    if core in CONFIRM_SLANG or core in HEDGED_YES:
        return CheckinIntent.confirm
    if core in HEDGED_NO:
        return CheckinIntent.reschedule_request
    return None


def without_disappointment(text: str) -> str:
    """The reply with disappointed faces removed (the parser rereads it if they were all that worried)."""
    return _DISAPPOINTED.sub(" ", text).strip()


# A first-person future action beside a method or a dangerous place (step 11) is never an ordinary message, even
# when no crisis rule reads it: "tomorrow ill go up to the roof", "mañana voy a ir al puente". Trains and buses are
# left out (people take them to the session every day); the crisis rules read throwing oneself under one.
_FUTURE = (("ill",), ("i", "will"), ("im", "going", "to"), ("im", "gonna"), ("i", "am", "going", "to"),
           ("gonna",), ("voy", "a"), ("me", "voy", "a"), ("vamos", "a"))
_DANGER = frozenset({"bridge", "roof", "rooftop", "ledge", "cliff", "tracks", "rope", "garage", "overpass",
                     "puente", "techo", "azotea", "cornisa", "precipicio", "vias", "soga", "cuerda", "garaje",
                     "cochera", "pistola", "cuchillo", "navaja", "veneno"})


def future_with_danger(tokens: list[str], means: frozenset[str]) -> bool:
    """A first-person future action and a method or dangerous place in one reply: at least a concern."""
    if not any(t in _DANGER or t in means for t in tokens):
        return False
    return any(tuple(tokens[i:i + len(p)]) == p for p in _FUTURE for i in range(len(tokens)))


# A score with its everyday cause or a step of coping beside it is the score (step 11): "1 - rough day, only slept 3
# hours", "4 por el dolor de rodilla", "8 honestly. calling my sponsor". A request or a worry still goes to a person
# ("5 but my landlord is evicting me" names no cause of this kind; "6, my kid is sick" asks for care).
SCORE_CAUSES = frozenset({"slept", "sleep", "sleeping", "insomnia", "tired", "exhausted", "rough", "long", "pain",
                          "headache", "knee", "back", "dormi", "dormir", "sueno", "desvelado", "desvelada",
                          "cansado", "cansada", "cansancio", "dolor", "duele", "rodilla", "espalda", "cabeza",
                          "sponsor", "meeting", "padrino", "madrina", "junta", "reunion", "grupo", "group"})
_CAUSE_LEADS = frozenset({"por", "because", "bc", "cuz", "cause", "coz", "due"})


def ordinary_cause(comment: list[str]) -> bool:
    """The comment after a score gives an everyday cause or a coping step for it."""
    return bool(comment) and (comment[0] in _CAUSE_LEADS or any(t in SCORE_CAUSES for t in comment))


def lead_number(tokens: list[str], found: list[tuple[int, int, bool]]) -> list[tuple[int, int, bool]]:
    """A digit first in the reply is the answer when the later numbers tell of something else ("1 ill take bus 42
    so might be 2 min early", "1 - only slept 3 hours"); a range or a choice ("4 or 5", "1 o 2") stays as it was."""
    if len(found) < 2 or found[0][0] != 0 or found[0][2] or found[1][0] < 2:
        return found
    if any(tokens[at - 1] in ("or", "o", "to", "a", "y", "and") for at, _, _ in found[1:]):
        return found
    return found[:1]

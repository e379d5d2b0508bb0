"""Keywords and plain answers by class (step 11): a keyword with politeness, an opt-out that says why, a question
for the clinic's number, and request and confirm wording from Chile, Argentina and texting shorthand.

Each list is a class of wording, not a list of seen texts; tokens are folded (lowercase, no accents). The parser
reads these only after the crisis reading found nothing.
"""

from __future__ import annotations

from iop_shared.contracts.outbound import CheckinIntent

from .lexicon import POLITENESS

# "start pls", "stop por favor": the keyword with politeness around it is the keyword.
_KEYWORD_POLITENESS = POLITENESS | {"porfis", "porfavor"}  # not "ya": "ya basta" is exasperation
# Not wanting the messages is an opt-out, not a wish about living ("ya no quiero los textos"): the noun says so.
_MESSAGES = frozenset({"texts", "textos", "messages", "mensajes", "msgs", "sms", "reminders", "recordatorios"})
_NOT_WANTING = (("no", "quiero"), ("dont", "want"), ("do", "not", "want"), ("no", "more"), ("no", "mas"),
                ("stop",), ("alto",), ("basta",))
# Asking for the clinic's number is HELP (the keyword's reply gives it): "what number do i call for the clinic".
_NUMBER = frozenset({"number", "numero", "phone", "telefono", "tel", "cel"})
_CLINIC = frozenset({"clinic", "clinica", "office", "oficina", "program", "programa", "front", "desk", "nurse"})
_ASKING = frozenset({"what", "whats", "which", "cual", "cuales", "que", "call", "llamo", "llamar", "marco"})
# Chilean and texting confirmations and requests (a whole reply): "ya, voy", "ya po", "diff day pls".
CONFIRM_WHOLE = frozenset({"ya voy", "ya po", "ya po voy", "voy altiro", "ya voy altiro", "altiro", "ya dale",
                           "ya, voy", "bueno voy", "listo voy", "dale voy"})
RESCHEDULE = (("later", "in", "the", "day"), ("earlier", "in", "the", "day"), ("diff", "day"), ("different", "day"),
              ("diff", "time"), ("different", "time"), ("another", "day"), ("another", "time"), ("otra", "hora"),
              ("otro", "horario"), ("podes", "mover"), ("podes", "cambiar"), ("podes", "pasar"), ("puedes", "mover"),
              ("pueden", "mover"), ("puede", "mover"), ("me", "la", "podes"), ("me", "la", "puedes"),
              ("me", "la", "pueden"), ("me", "la", "mueven"), ("me", "la", "cambian"))


def without_politeness(tokens: list[str]) -> list[str]:
    """The tokens without politeness, unless nothing else is left."""
    kept = [t for t in tokens if t not in _KEYWORD_POLITENESS]
    return kept or tokens


def _has(tokens: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(tokens[i:i + n]) == phrase for i in range(len(tokens) - n + 1))


def keyword(tokens: list[str]) -> CheckinIntent | None:
    """An opt-out that names the messages, or a question for the clinic's number."""
    if any(t in _MESSAGES for t in tokens) and any(_has(tokens, p) for p in _NOT_WANTING):
        return CheckinIntent.opt_out
    if any(t in _NUMBER for t in tokens) and any(t in _CLINIC for t in tokens) and any(t in _ASKING for t in tokens):
        return CheckinIntent.help
    return None


def plain_answer(tokens: list[str]) -> CheckinIntent | None:
    """A Chilean or texting confirmation, or a request for another time in words the other lists lack."""
    if " ".join(tokens) in CONFIRM_WHOLE:
        return CheckinIntent.confirm
    if any(_has(tokens, p) for p in RESCHEDULE):
        return CheckinIntent.reschedule_request
    return None


# A road or weather notice to the group with no first person in it ("be safe driving everyone", "el puente de la 65
# está cerrado, ojo pa los que vienen"): the model's crisis reading of it comes from "bridge" and "safe"; only a
# near-certain reading overrides it. Any "i", "me", "my" or "yo" keeps the ordinary threshold.
_ROAD = frozenset({"bridge", "road", "roads", "highway", "freeway", "traffic", "snow", "snowing", "ice", "icy", "rain",
                   "puente", "calle", "carretera", "autopista", "trafico", "nieve", "lluvia", "driving", "manejen"})
_TO_OTHERS = frozenset({"everyone", "everybody", "yall", "guys", "todos", "ojo", "cuidado", "careful", "heads"})
_FIRST_PERSON = frozenset({"i", "im", "ill", "id", "ive", "me", "my", "mine", "myself", "yo", "mi", "mis", "conmigo",
                           "voy", "quiero", "estoy", "tengo", "puedo", "want", "wanna", "gonna"})


def notice_to_others(tokens: list[str]) -> bool:
    """A road or weather warning for the others, saying nothing of the writer."""
    return (any(t in _ROAD for t in tokens) and any(t in _TO_OTHERS for t in tokens)
            and not any(t in _FIRST_PERSON for t in tokens))

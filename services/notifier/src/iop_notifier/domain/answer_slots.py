"""Plain reminder answers by class (step 10): a slot that "works", a request for another date or time, a refused
weekday, numbers that count days clean, pills or buses rather than answer, and common misspellings of answers.

Each list is a class of wording, not a list of seen texts; the parser calls these only after the crisis reading
found nothing (a crisis always reads first). Tokens are folded (lowercase, no accents or apostrophes).
"""

from __future__ import annotations

import re

# "5ish", "like 7ish": the number with a hedge glued to it is the number ("ish" is a score filler).
_GLUED_HEDGE = re.compile(r"^(\d{1,2})(ish)$")
# Leads that make the next digit an answer even when a counted word follows it ("number 2, kid is sick").
ANSWER_LEADS = frozenset({"number", "numero", "option", "opcion", "press", "reply"})
# A digit right after these counts days or steps of recovery ("day 30 sober", "llevo 40 dias", "cumpli 30").
COUNT_LEADS = frozenset({"day", "dia", "llevo", "cumpli", "cumplo", "week", "semana", "month", "mes", "year",
                         "ano", "step", "paso"})
# A digit right before these counts things, not an answer: pills, buses, days clean ("i take my 2 pills first",
# "im taking 2 buses", "30 dias limpio", "90 days sober").
COUNTED_THINGS = frozenset({
    "pill", "pills", "pastilla", "pastillas", "tablet", "tablets", "dose", "doses", "mg", "buses", "bus",
    "trains", "camiones", "transfers", "rides", "sober", "clean", "limpio", "limpia", "sobrio", "sobria",
    "months", "meses", "years", "anos", "dollars", "bucks", "pesos", "blocks", "cuadras", "miles", "millas",
    "kids", "ninos", "shifts", "turnos", "am", "pm",
})
# A slot that suits ("thurs 3pm works", "that works for me", "el jueves me funciona", "me queda bien"). Third
# person "works" only, or "work for me": "i work thursday" says nothing about the session.
_WORKS = re.compile(r"\b(?:works|work for me|works for me|me funciona|me sirve|me queda bien|me viene bien|"
                    r"me late|me acomoda)\b(?! (?:better|mejor|instead|more))")
# A comparison asks for the other slot ("later in the day works better", "a las 5 mejor", "can it be at 5 instead").
_BETTER = frozenset({"better", "mejor", "instead", "rather", "prefer", "prefiero", "preferible"})
# A date or time named in a request ("can we do the 14th", "se puede el 15", "can we do 7", "later in the day").
_ORDINAL = re.compile(r"^\d{1,2}(?:st|nd|rd|th|ro|vo|to)$")
_CLOCK = re.compile(r"^\d{1,2}(?:am|pm|hrs|h)$")
_DAY_PARTS = frozenset({"later", "earlier", "tarde", "temprano", "noche", "nights", "evening", "morning",
                        "afternoon", "manana", "tomorrow", "weekend", "finde"})
_DATE_LEADS = frozenset({"el", "the", "on", "at", "a", "las", "do", "for", "para"})
# Asking for a slot: "can we do", "could i come", "se puede", "puede ser", "how about", "mejor".
_ASKS = (("can", "we"), ("could", "we"), ("can", "i"), ("could", "i"), ("can", "it", "be"), ("could", "it", "be"),
         ("se", "puede"), ("puede", "ser"), ("podria", "ser"), ("podemos",), ("puedo", "ir"), ("how", "about"),
         ("what", "about"), ("mejor",), ("better",), ("instead",), ("prefer",), ("prefiero",), ("rather",),
         ("is", "there"), ("hay", "chance"), ("any", "chance"))
_REFUSALS = frozenset({"no", "not", "nope", "nah", "nel", "cant", "cannot", "wont"})
_NOT_REFUSING = frozenset({"problem", "prob", "worries", "problema", "hay"})  # "no problem, see you thursday"
# Misspellings of Spanish confirmations that the fuzzy match cannot reach because the first letter changed or the
# word is a homophone: "konfirmo" (k for c, as in "kiero"), "ai/ay/hay estare" for "ahi estare".
TYPO_CONFIRM = (("konfirmo",), ("konfirmado",), ("ai", "estare"), ("ay", "estare"), ("hay", "estare"),
                ("ai", "nos", "vemos"), ("ay", "nos", "vemos"), ("hay", "nos", "vemos"), ("ai", "voy"),
                ("ai", "estoy"), ("ofc",), ("ofcourse",), ("yas",), ("yesh",),
                # and plain forms the phrase list lacked: "confirming", "that's fine", "fine by me".
                ("confirming",), ("thats", "fine"), ("fine", "by", "me"), ("thats", "ok"), ("thats", "okay"))
# Weekdays as people shorten them ("can we do next tues", "not thurs, fri?", "el jue no"); "sun", "mar" and "wed"
# are left out (the sun, March or Spanish "mar", married).
SHORT_WEEKDAYS = frozenset({"mon", "tue", "tues", "weds", "thu", "thur", "thurs", "fri", "sat",
                            "lun", "mie", "jue", "vie", "sab", "dom"})
# A day that does not suit, in words other than a negation ("thursday is bad for me", "trabajo ese dia").
BAD_DAY = (("bad", "for", "me"), ("is", "bad"), ("trabajo", "ese", "dia"), ("trabajo", "ese"),
           ("me", "toca", "trabajar"), ("i", "work", "then"), ("tengo", "turno"))
# A recovery milestone is good news ("30 dias limpio", "day 45 sober"): beside a plain answer or score it needs
# the model as sure as for a short answer before it reads as a crisis.
_MILESTONE = re.compile(r"\b(?:\d+|one|two|three|un|uno|dos|tres) (?:days?|dias?|weeks?|semanas?|months?|meses?|"
                        r"years?|anos?) (?:clean|sober|limpio|limpia|sobrio|sobria|sin (?:tomar|usar|consumir))\b|"
                        r"\bday \d+ (?:clean|sober)\b|\b(?:clean|sober) (?:for )?\d+ days?\b")


def split_glued(tokens: list[str]) -> list[str]:
    """Tokens with a hedge glued to a number split off ("5ish" -> "5", "ish")."""
    out: list[str] = []
    for t in tokens:
        m = _GLUED_HEDGE.match(t)
        out.extend(m.groups() if m else (t,))
    return out


def answer_lead(tokens: list[str], at: int) -> bool:
    """The digit at `at` follows "number", "option" or "press": it is the answer whatever comes after it."""
    return at > 0 and tokens[at - 1] in ANSWER_LEADS


def counts(tokens: list[str], at: int) -> bool:
    """The number at `at` counts days clean, pills or buses ("day 30 sober", "my 2 pills"), unless led as an answer."""
    if answer_lead(tokens, at):
        return False
    before = tokens[at - 1] if at > 0 else ""
    after = tokens[at + 1] if at + 1 < len(tokens) else ""
    return before in COUNT_LEADS or after in COUNTED_THINGS


def not_counting(tokens: list[str], at: int) -> bool:
    """A count word after the digit that does not count it: a lead ("number 2, kid is sick") or a day numbered
    after it ("1 day 30 sober": day 30 is the milestone, 1 the answer)."""
    nxt = tokens[at + 2] if at + 2 < len(tokens) else ""
    return answer_lead(tokens, at) or (tokens[at + 1:at + 2] in (["day"], ["dia"]) and nxt.isdigit())


def answer_numbers(tokens: list[str], found: list[tuple[int, int, bool]]) -> list[tuple[int, int, bool]]:
    """The numbers of a reply without those that count things, when that leaves at least one."""
    kept = [n for n in found if not counts(tokens, n[0])]
    return kept if kept else found


def works(tokens: list[str]) -> bool:
    """A slot that suits, not negated and not compared ("thurs 3pm works"; not "doesnt work", "works better")."""
    return bool(_WORKS.search(" ".join(tokens))) and not any(t in _BETTER for t in tokens)


def _date_or_time(tokens: list[str]) -> bool:
    for i, t in enumerate(tokens):
        if _ORDINAL.match(t) or _CLOCK.match(t) or t in _DAY_PARTS or t in SHORT_WEEKDAYS:
            return True
        if t.isdigit() and len(t) <= 2 and i and tokens[i - 1] in _DATE_LEADS:
            return True
    return False


def _has(tokens: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(tokens[i:i + n]) == phrase for i in range(len(tokens) - n + 1))


def date_request(tokens: list[str]) -> bool:
    """Asking for another date or time ("can we do the 14th", "a las 5 mejor", "se puede el 15")."""
    return _date_or_time(tokens) and any(_has(tokens, p) for p in _ASKS)


def bad_day(tokens: list[str], weekdays: frozenset[str]) -> bool:
    """A day that does not suit, said without a negation ("thursday is bad for me", "i cant, trabajo ese dia");
    only with the day named, so that "my back is bad" stays a worry for a person."""
    day = any(t in weekdays or t in SHORT_WEEKDAYS or t in ("day", "dia", "then") for t in tokens)
    return day and any(_has(tokens, p) for p in BAD_DAY)


def refused_day(tokens: list[str], weekdays: frozenset[str]) -> bool:
    """A short reply refusing the day ("no, el jueves no", "cant thursday", "nope not tues")."""
    if len(tokens) > 5 or not any(t in weekdays or t in SHORT_WEEKDAYS for t in tokens):
        return False
    return any(t in _REFUSALS and (i + 1 >= len(tokens) or tokens[i + 1] not in _NOT_REFUSING)
               for i, t in enumerate(tokens))


def typo_confirm(tokens: list[str]) -> bool:
    """A Spanish confirmation misspelled beyond the fuzzy match ("konfirmo", "ai estare")."""
    return any(_has(tokens, p) for p in TYPO_CONFIRM)


def milestone(norm: str) -> bool:
    """The reply tells of time clean or sober ("ya cumpli 30 dias limpio", "day 45 sober")."""
    return bool(_MILESTONE.search(norm))


SLOT_ONLY_WORDS = 6


def slot_only(tokens: list[str], weekdays: frozenset[str]) -> bool:
    """A short reply that only names or refuses a slot ("a las 5 mejor", "thurs 3pm works", "no, el jueves no"):
    the model's crisis reading of it comes from letters it shares with crisis texts ("mejor" as in "mejor muerto")."""
    return len(tokens) <= SLOT_ONLY_WORDS and (
        date_request(tokens) or works(tokens) or refused_day(tokens, weekdays) or bad_day(tokens, weekdays))


# Replies a person must read although they look like answers (step 10): no lean either way ("maybe", "tal vez"),
# a yes that waits on something ("depends on my shift", "will let you know if"), and an intensity instead of a
# score ("mucho", "a ton"). Each would otherwise be stored as an answer or an acknowledgement that nobody reads.
# Not in it: asking for video (the writers label it a reschedule as often as a question) and a yes with an errand
# beside it ("ill be there w my paperwork" is a yes).
UNSURE = frozenset({"maybe", "idk", "i dont know", "dont know", "not sure", "unsure", "we will see", "well see",
                    "tal vez", "talvez", "quizas", "quiza", "a lo mejor", "no se", "nose", "ya veremos"})
_CONDITIONAL = (("depends",), ("depending",), ("depende",), ("will", "let", "you", "know"),
                ("ill", "let", "you", "know"), ("let", "you", "know", "if"), ("i", "let", "you", "know"))
INTENSITY = frozenset({"mucho", "muchisimo", "bastante", "demasiado", "a lot", "alot", "a ton", "tons",
                       "a million", "too much", "un chingo", "un monton", "off the charts"})


def needs_person(tokens: list[str]) -> bool:
    """A reply that looks like an answer but needs a person: unsure, or a yes that waits on something."""
    return " ".join(tokens) in UNSURE or any(_has(tokens, p) for p in _CONDITIONAL)


def intensity(tokens: list[str], skip: frozenset[str]) -> bool:
    """An amount in words after a score prompt ("mucho", "a million lol"): a strong reading, not a number. Only
    laughter may sit around it ("thanks so much" thanks; "so much" is therefore not in the list)."""
    return " ".join(t for t in tokens if t not in skip) in INTENSITY


def asks_or_refuses_slot(tokens: list[str], weekdays: frozenset[str]) -> bool:
    """Another date or time asked for, or the day refused: a reschedule request."""
    return date_request(tokens) or refused_day(tokens, weekdays) or bad_day(tokens, weekdays)

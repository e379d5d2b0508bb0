"""Word lists of the reply parser, already normalized (lowercase, no accents, no apostrophes or hyphens).

Crisis words follow the prefilter that reached 0.98 sensitivity (npj Digital Medicine 2023): words about
means (pills, gun, rope...) carry more signal than the word "suicide", so they are here on their own.
"""

from __future__ import annotations


def _phrases(*texts: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(t.split()) for t in texts)


CRISIS_WORDS = frozenset({
    # English
    "suicide", "suicidal", "selfharm", "overdose", "overdosed", "overdosing", "pills", "blades", "fentanyl",
    # Spanish
    "suicidio", "suicida", "suicidarme", "matarme", "sobredosis", "pastillas", "pistola", "cuerda",
    "ahorcarme", "navaja", "cuchilla", "morirme",
})
# Short or common-looking words match only exactly ("razor" is one letter from Spanish "razon", "noose" from "nose").
CRISIS_EXACT = frozenset({"od", "oding", "gun", "guns", "rope", "noose", "razor", "razors", "blade", "bleach"})

CRISIS_PHRASES = _phrases(
    "kill myself", "killing myself", "kill me", "end my life", "end it all", "end it", "ending it all",
    "want to die", "wanna die", "wanna dye", "want to dye", "want to be dead", "wish i was dead",
    "wish i were dead", "better off dead",
    "better off without me", "self harm", "hurt myself", "hurting myself", "harm myself", "cut myself",
    "cutting myself", "cutting again", "hang myself", "shoot myself", "jump off", "took too many",
    "take them all", "no reason to live", "cant go on", "cannot go on", "not worth living",
    "dont want to live", "dont want to be here", "dont want to wake up", "not wake up", "say goodbye",
    "goodbye forever", "cant do this anymore", "give up on life", "disappear forever",
    # Spanish
    "quiero morir", "me quiero morir", "quitarme la vida", "acabar con mi vida", "acabar con todo",
    "no quiero vivir", "no quiero seguir", "hacerme dano", "cortarme", "me corte", "tirarme", "mejor muerto",
    "mejor muerta", "no aguanto mas", "desaparecer para siempre", "no vale la pena vivir", "ya no puedo mas",
)

OPT_OUT_KEYWORDS = frozenset({
    "stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout", "remove",
    "alto", "parar", "baja", "cancelar", "detener", "darmedebaja",
})
# These opt out even with a few more words ("stop please", "unsubscribe me"); CANCEL does not ("cancel Tuesday").
OPT_OUT_LEADS = frozenset({"stop", "stopall", "unsubscribe", "optout", "alto"})
OPT_OUT_PHRASES = _phrases(
    "stop texting", "stop sending", "stop messaging", "no more texts", "no more messages", "opt out",
    "dont text me", "leave me alone", "no mas mensajes", "dejen de enviar", "no me escriban",
)
OPT_IN_KEYWORDS = frozenset({"start", "unstop", "yes", "si", "comenzar", "iniciar", "reanudar"})
HELP_KEYWORDS = frozenset({"help", "info", "ayuda", "informacion"})

CONFIRM_PHRASES = _phrases(
    "yes", "yep", "yeah", "si", "ok", "okay", "confirm", "confirmed", "confirmo", "confirmado", "see you",
    "ill be there", "i will be there", "be there", "alli estare", "ahi estare", "claro", "sure", "of course",
    "will come", "voy a ir", "alli estaremos", "perfecto", "sounds good",
)
RESCHEDULE_PHRASES = _phrases(
    "reschedule", "change", "cant make it", "cant come", "cannot come", "cannot make it", "wont make it",
    "another day", "another time", "different time", "move my", "running late", "cambiar", "reprogramar",
    "otro dia", "otra hora", "no puedo ir", "no puedo venir", "no podre", "cambio",
)

CRAVING_WORDS = frozenset({"craving", "cravings", "crave", "urge", "urges", "antojo", "antojos", "ganas", "deseo"})
MOOD_WORDS = frozenset({"mood", "feeling", "feel", "animo", "estado", "siento"})

"""Word lists for ordinary replies (keywords, answers, scores), already folded (lowercase, no accents,
no apostrophes or hyphens). Crisis and concern wording is data: lexicons/crisis.yaml.
"""

from __future__ import annotations


def _phrases(*texts: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(t.split()) for t in texts)


OPT_OUT_KEYWORDS = frozenset({
    "stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout", "remove",
    "alto", "parar", "baja", "cancelar", "detener", "darmedebaja",
    # Step 10: "¡BASTA!" ("enough") typed alone to a texting number is Spanish for STOP; inside a sentence it is not.
    "basta",
})
# These opt out even with a few more words ("stop please", "unsubscribe me"); CANCEL does not ("cancel Tuesday").
OPT_OUT_LEADS = frozenset({"stop", "stopall", "unsubscribe", "unsub", "optout", "alto"})
OPT_OUT_PHRASES = _phrases(
    "stop texting", "stop sending", "stop messaging", "no more texts", "no more messages", "opt out",
    "dont text me", "leave me alone", "remove me", "take me off", "please stop", "dont message me",
    "dont contact me", "unsubscribe", "no mas mensajes", "dejen de enviar", "no me escriban", "dejen de escribir",
    "dejen de escribirme", "dejen de mandar", "no me manden", "no me envien", "no quiero recibir mensajes",
    "no quiero mensajes", "no quiero recibir", "darme de baja", "dar de baja", "sacarme de la lista", "borrarme",
    "cancelar mensajes", "cancelar suscripcion", "cancel these texts", "cancel the texts", "cancel texts",
    "cancel these messages", "cancel the messages", "dejen de mandarme", "dejen de enviarme", "unsub",
    "no longer want these", "dont want these messages", "dont want these texts", "no quiero estos mensajes",
    # 2026-12-02: "take me off the list" in Spanish, and "I no longer want / need the texts" in both languages.
    "quitenme de la lista", "quiteme de la lista", "quitarme de la lista", "sacame de la lista",
    "sacarme de la lista", "ya no quiero los mensajes", "no quiero los mensajes", "ya no quiero mensajes",
    "ya no necesito los mensajes", "no necesito los mensajes", "ya no necesito mensajes", "take me off the list",
    "dont need the texts", "dont need these texts", "dont need the messages", "no longer need the texts",
    "no longer need these texts", "no longer need these messages",
)
# A keyword typed first and set apart by punctuation, then a sentence ("start, ya volví al programa").
LEAD_KEYWORDS = {"start": "opt_in", "unstop": "opt_in", "comenzar": "opt_in", "reanudar": "opt_in",
                 "stop": "opt_out", "alto": "opt_out", "unsubscribe": "opt_out"}
# A lone emoji that answers a reminder with yes.
CONFIRM_EMOJI = frozenset({"👍", "👍🏻", "👍🏼", "👍🏽", "👍🏾", "👍🏿", "✅", "✔️", "✔", "👌", "🆗"})
OPT_IN_KEYWORDS = frozenset({"start", "unstop", "yes", "si", "comenzar", "iniciar", "reanudar", "empezar",
                             "subscribe", "optin", "suscribir", "suscribirme", "activar"})
OPT_IN_PHRASES = _phrases(
    "yes start", "si comenzar", "start again", "start texting", "start texts", "start messages", "resume texts",
    "resume messages", "resume",
    "send texts again", "texts again", "messages again", "reminders again", "opt in", "opt me back in",
    "sign me up", "subscribe me", "volver a recibir", "quiero recibir mensajes", "reanudar mensajes",
    "mensajes otra vez", "mensajes de nuevo", "activar mensajes", "suscribirme de nuevo",
    # Asking for the texts back in other words (step 9): "reactiven los mensajes", "turn my reminders back on".
    "reactiven", "reactivar", "reactivate", "recordatorios otra vez", "recordatorios de nuevo",
    "quiero recibir recordatorios", "texts back on", "reminders back on", "messages back on", "turn texts back",
    # Step 10: asking to restart them ("empiecen de nuevo los mensajes", "vuelvan a mandarme los recordatorios").
    "empiecen de nuevo", "empiecen otra vez", "de nuevo los mensajes", "vuelvan a mandar", "vuelvan a mandarme",
    "vuelvan a enviar", "vuelvan a enviarme", "restart the texts", "restart my texts", "restart texts",
    "restart the reminders", "restart my reminders",
)
HELP_KEYWORDS = frozenset({"help", "info", "ayuda", "informacion"})
HELP_FILLER = frozenset({"please", "pls", "plz", "por", "favor", "porfa", "info", "help", "ayuda", "informacion"})
# After a help keyword, asking what this number or these texts are is still the HELP keyword ("ayuda, ¿qué es esto?").
HELP_QUESTIONS = frozenset({"what is this", "whats this", "who is this", "what are these", "what is this number",
                            "que es esto", "quien es", "que son estos mensajes", "que es este numero"})

# Strong confirm wording counts anywhere in a reply; weak ("ok") only as the whole reply.
CONFIRM_PHRASES = _phrases(
    "ill make it", "i will make it", "will make it", "i can make it", "sip", "simon", "va que va", "orale", "okis",
    "yes", "yep", "yeah", "yup", "yea", "ye", "confirm", "confirmed", "confirmo", "confirmado", "see you",
    "see u", "see ya", "cya", "count me in", "definitely", "absolutely", "for sure", "certainly", "im coming",
    "ill come", "i will come", "will attend", "ill attend", "attending", "yes i will", "asistire", "si asisto",
    "alla estare", "por supuesto", "cuenten conmigo", "ahi estaremos", "ahi nos vemos",
    "ill be there", "i will be there", "be there", "alli estare", "ahi estare", "claro", "sure", "of course",
    "will come", "will do", "voy a ir", "si voy", "ahi voy", "alli estaremos", "perfecto", "sounds good",
    "alli nos vemos", "nos vemos", "de acuerdo", "ill be their", "ill be thr", "be their", "ahi estoy", "alli estoy",
    "aqui estare", "ahi llego",
    # Mexican and Central American "I'll drop by" / "I'll be there for sure".
    "le caigo", "ahi le caigo", "alli le caigo", "sin falta", "ahi andare", "alli andare", "ahi nos vidrios",
    "still coming", "still on for",
    # "snow looks bad but ill get there": arriving despite something.
    "ill get there", "i will get there", "ill still be there", "ill still come", "igual voy", "igual llego",
    "de todos modos voy", "de todas formas voy",
)
# "si" is also Spanish "if": it confirms only as the first word ("si voy", "sí, confirmo").
CONFIRM_FIRST = frozenset({"si"})
# "no" before these is politeness, not a refusal ("no problem, see you").
NOT_A_NEGATION = frozenset({"problem", "worries", "prob", "problema", "hay", "te", "worry"})
CONFIRM_WHOLE = frozenset({"ok", "okay", "okey", "k", "kk", "y", "va", "sale", "vale", "dale", "listo", "voy",
                           "okas", "oki", "coming", "going"})
RESCHEDULE_PHRASES = _phrases(
    "reschedule", "imposible ir", "imposible llegar", "imposible asistir", "doesnt work", "dont work",
    "not work for me", "conflict", "out of town", "doctors appointment",
    "doctor appointment", "cant working", "cant work", "cita con el doctor", "cita medica", "fuera de la ciudad",
    "tengo un compromiso", "podemos mover", "la pueden mover", "no me queda", "no me sirve",
    "no me funciona", "no me acomoda", "instead", "can i come later", "come later", "come in later", "come earlier",
    "a different",
    "change", "cant make it", "cant come", "cannot come", "cannot make it", "wont make it",
    "wont be able to", "not be able to make", "another day", "another time", "different time", "move my",
    "move it", "move the", "next week", "cambiar", "reprogramar", "otro dia", "otra hora", "otra fecha",
    "no puedo ir", "no puedo venir", "no podre", "no voy a poder", "no puedo ese dia", "cambio", "posponer",
    "something came up", "cant do", "cant go", "cant be there", "cant attend", "cant that day", "wont be there",
    "wont come", "not coming", "not gonna make it", "not going to make it", "not able to make", "unable to",
    "have to work", "i work that day", "later time", "a later", "earlier time", "an earlier", "push it back",
    "push back", "move to", "switch", "swap", "different day", "other day", "other time", "postpone", "delay",
    "rain check", "is there another", "any other", "need a different", "need another", "new time",
    "new appointment", "book another", "rebook", "resched", "re schedule", "cancel my", "cancel the appointment",
    "no puedo llegar", "no puedo asistir", "no llego", "se me complica", "tengo trabajo", "otro horario",
    "mas temprano", "cambiarla", "cambiarlo", "moverla", "moverlo", "mover la cita", "recorrer la cita",
    "pasar la cita", "aplazar", "reagendar", "otra cita", "no asistire", "no voy a ir", "no voy", "no alcanzo",
    "no puedo el", "no puedo manana", "no puedo hoy", "no puedo", "cancelar la cita", "cancelar mi cita",
    "me la pasan", "me la pueden pasar", "me la cambian", "me la mueven", "me la recorren", "pasarla", "moverla a",
)
WEEKDAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                      "lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo", "tomorrow",
                      "manana", "tonight", "morning", "afternoon", "evening", "tarde", "week", "semana"})
# A day or time with one of these asks for another slot ("not thursday, maybe monday?", "can we do friday").
RESCHEDULE_LEADS = _phrases(
    "not", "maybe", "instead", "possible", "available", "disponible", "se puede", "how about", "what about", "prefer",
    "works better", "rather", "can we", "could we",
    "can i come", "could i come", "para el", "mejor el", "podemos", "pueden", "puede ser", "prefiero", "seria mejor",
)

# Text-speak in plain answers ("ill b there", "c u", "no mas msjs"); digits keep their meaning here.
ANSWER_TEXTSPEAK = {
    "b": "be", "u": "you", "c": "see", "cu": "see you", "ur": "your", "tmrw": "tomorrow", "tmr": "tomorrow",
    "tomorow": "tomorrow", "msjs": "mensajes", "msj": "mensaje", "msgs": "messages", "msg": "message",
    "txt": "text", "txts": "texts", "stare": "estare", "sii": "si", "okk": "ok", "okok": "ok", "pls": "please",
    "plz": "please", "thx": "thanks", "mñn": "manana", "mnn": "manana", "xfa": "por favor", "porfa": "por favor",
}
NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "cero": 0, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
    "siete": 7, "ocho": 8, "nueve": 9, "diez": 10,
}
# Words that may sit around a score without changing it ("like a 6 today", "un cinco mas o menos").
SCORE_FILLER = frozenset({
    "a", "an", "about", "around", "like", "maybe", "prob", "probably", "today", "tonight", "now", "rn", "right",
    "im", "i", "am", "id", "say", "its", "it", "is", "at", "pretty", "solid", "ish", "so", "just", "guess",
    "feeling", "feel", "mood", "craving", "cravings", "urges", "urge", "are", "my", "the", "no", "out", "of",
    "ok", "okay", "thanks", "thank", "you", "hoy", "un", "una", "como", "mas", "menos", "o", "me", "siento",
    "estoy", "en", "animo", "ganas", "antojo", "antojos", "de", "mi", "es", "diria", "yo", "gracias", "asi",
    "and", "y", "score", "level", "nivel", "would", "honestly", "good", "great", "fine", "better", "meh", "bien",
    "mejor", "regular", "tal", "vez", "quizas", "creo", "que", "ando", "pues", "bueno", "none", "barely", "low",
    "high", "bit", "little", "only", "really", "very", "fairly", "lol", "ya", "aprox", "approx", "todo", "ahorita",
    "this", "week", "morning", "esta", "semana", "manana", "tarde", "noche", "sorry", "perdon", "umm", "um", "hmm",
    "eh", "decent", "alright", "strong", "weak",
    "poquito", "poco", "muy", "bajo", "alto", "fuerte", "hasta", "ahora",
})
# After a craving prompt these mean a score of 0.
NO_CRAVING = frozenset({"none", "nada", "no cravings", "no craving", "no urges", "ninguno", "ninguna", "zero cravings",
                        "no antojos", "ningun antojo", "no ganas"})
# After "pero", "ahí voy" is "I'm getting by", not "I'm coming" ("nada me sale bien, pero ahí voy").
GETTING_BY = frozenset({"ahi voy", "ahi vamos", "alli voy", "ahi la llevo"})
# A comment after a score that says things are fine: the score stands ("9, me fue muy bien en el trabajo",
# "3. long day but ok", "4, ando cansada nomás"). Only the words after the last "but"/"pero" count, and a word
# right after a negation does not ("5, not good").
SETTLED_WORDS = frozenset({
    "good", "great", "fine", "ok", "okay", "alright", "chill", "better", "strong", "managing", "passing", "proud",
    "grateful", "calm", "relaxed", "solid", "excellent", "happy", "bien", "mejor", "tranquilo", "tranquila",
    "feliz", "contento", "contenta", "excelente", "genial", "padre", "chido",
})
SETTLED_PHRASES = _phrases(
    "not bad", "not too bad", "not so bad", "no tan mal", "nada mal", "hanging in there", "just tired",
    "only tired", "a little tired", "bit tired", "cansado nomas", "cansada nomas", "nomas cansado",
    "nomas cansada", "solo cansado", "solo cansada", "un poco cansado", "un poco cansada", "todo bien",
)
# These say "feeling" in general: after a craving prompt they do not turn a craving score into a mood.
LOOSE_MOOD_WORDS = frozenset({"feeling", "feel", "siento"})
CRAVING_WORDS = frozenset({"craving", "cravings", "crave", "urge", "urges", "antojo", "antojos", "ganas", "deseo"})
MOOD_WORDS = frozenset({"mood", "feeling", "feel", "animo", "estado", "siento"})
# Filler around a 1 or 2 after a reminder, or a plain word answer ("two please", "uno gracias").
# After a number word at the start, a reason makes it an answer ("dos porque tengo que trabajar").
ANSWER_REASONS = frozenset({"because", "cause", "cuz", "bc", "since", "porque", "pq", "xq"})
POLITENESS = frozenset({"please", "pls", "plz", "thanks", "thank", "you", "ty", "ok", "okay", "gracias", "por",
                        "favor", "porfa", "sorry"})
ANSWER_FILLER = POLITENESS | {"perdon", "option", "for", "me", "the", "number", "numero", "el", "opcion"}

# A reply made only of these is an acknowledgement with nothing to act on (`other`).
BENIGN_WORDS = frozenset({
    "understood", "roger", "copy", "alright", "noted", "entiendo", "enterado", "enterada",
    "thanks", "thank", "you", "thx", "ty", "tysm", "gracias", "muchas", "mil", "ok", "okay", "okey", "k", "kk",
    "got", "it", "lol", "lmao", "haha", "hahaha", "jaja", "jajaja", "jeje", "have", "a", "good", "great", "nice",
    "night", "day", "weekend", "evening", "morning", "hi", "hello", "hey", "hola", "buenas", "buenos", "noches",
    "dias", "tardes", "cool", "np", "yw", "welcome", "awesome", "entendido", "de", "acuerdo", "sounds",
    "received", "recibido", "bien", "muy", "fine", "im", "all", "todo", "igualmente", "same", "to", "too",
    "much", "so", "very", "appreciate", "bye", "adios", "chao", "feliz", "happy", "dia", "que", "tengas",
    "tenga", "buen", "bueno", "perfect", "running", "late", "on", "my", "way", "omw", "voy", "tarde",
    "llegando", "en", "camino", "sorry", "perdon", "the", "u", "and", "y", "oh", "ah", "wow", "here", "aqui",
    "ya", "llegue", "outside", "afuera", "parking", "arrived", "better", "doing", "well", "okk", "thumbs",
    "up", "love", "saludos", "bendiciones", "god", "bless", "dios", "lo",
    "bendiga", "excelente", "genial", "super", "thanx", "thnx", "tks", "thanku", "cheers",
})
# One of these, no question and at most two other words ("i love this group", "running 5 min late sorry"):
# an acknowledgement. Anything longer or asking something goes to a person.
BENIGN_ANCHORS = frozenset({
    "thanks", "thank", "thx", "ty", "tysm", "gracias", "bye", "adios", "chao", "hasta", "ok", "okay", "cool", "lol",
    "haha", "jaja", "late", "tarde", "omw", "camino", "parking", "estacionando", "here", "llegue", "llegando",
    "night", "noches", "weekend", "love", "reminder", "recordatorio", "heading", "excited",
    "great", "good", "nice", "awesome", "proud", "bien", "buen", "buena", "feliz", "happy", "bendiciones", "saludos",
})
FUNCTION_WORDS = frozenset({
    "i", "im", "ill", "id", "ive", "you", "we", "the", "a", "an", "this", "that", "my", "your", "to", "for", "of",
    "is", "it", "its", "at", "in", "on", "with", "be", "will", "all", "so", "just", "and", "me", "am", "are",
    "was", "el", "la", "los", "las", "de", "del", "por", "para", "mi", "tu", "te", "lo", "un", "una", "y", "en",
    "con", "que", "es", "ya", "muy", "mas", "mucho", "muchas", "al", "see", "now", "ahora", "cant", "today",
    "hoy", "manana", "tomorrow", "llego", "running", "min", "mins", "minutes", "few", "poco", "sorry", "perdon",
})
# Whole replies that are acknowledgements although their words alone are not.
BENIGN_PHRASES = frozenset({"no worries", "no problem", "no prob", "no thanks", "no thank you", "all good",
                            "wrong number", "sorry wrong number", "numero equivocado", "no hay problema",
                            "no te preocupes", "de nada", "no gracias", "not a problem", "te quiero",
                            "te quiero mucho"})
LAUGHTER = frozenset({"lol", "lmao", "lmfao", "haha", "hahaha", "jaja", "jajaja", "jajajaja", "jeje", "xd", "rofl"})
LAUGHTER_EMOJI = ("😂", "🤣", "😆", "😹")
# A lone reminder answer emoji, repeated or skin-toned ("👍🏽👍🏽", "✅✅").
CONFIRM_EMOJI_BASE = frozenset({"👍", "✅", "✔", "👌", "🆗"})
# A thank-you or an FYI with none of these, and no question, has nothing for a person to act on.
GRATITUDE = frozenset({"thanks", "thank", "thx", "ty", "tysm", "gracias", "appreciate", "agradezco", "agradecida",
                       "agradecido", "grateful", "fyi"})
FYI_LEADS = _phrases("just letting you know", "just wanted to let you know", "just wanted to say", "heads up",
                     "just so you know", "solo para avisar", "nomas para avisar", "solo queria avisar",
                     "les aviso que", "le aviso que", "para que sepan")
# Who brings me, who waits ("my wife will be dropping me off", "hoy me acompaña mi esposo"): an FYI when nothing
# in it is negated or asked ("my ride cant pick me up" is for a person).
RIDE_FYI = _phrases("dropping me off", "drop me off", "drops me off", "picking me up", "pick me up", "coming with me",
                    "bringing me", "driving me", "giving me a ride", "me acompana", "me va a acompanar", "me trae",
                    "me va a traer", "me lleva", "me va a llevar", "viene conmigo", "me recoge", "me va a recoger")
RIDE_NEGATION = frozenset({"cant", "cannot", "not", "no", "dont", "didnt", "wont", "nobody", "nadie", "nunca",
                           "couldnt", "isnt", "doesnt"})
REQUEST_CUES = frozenset({
    "need", "needs", "can", "could", "would", "please", "call", "help", "question", "problem", "worried", "issue",
    "when", "where", "how", "what", "why", "who", "send", "ran", "missing", "lost", "wrong", "sick", "hurt",
    "necesito", "ocupo", "puede", "pueden", "podrian", "favor", "llamar", "llamen", "llame", "ayuda", "pregunta",
    "problema", "preocupa", "preocupado", "preocupada", "cuando", "donde", "como", "que", "quien", "porque",
    "manden", "mande", "enfermo", "enferma", "perdi", "falta", "error",
})
# Ordinary words one letter from an answer word: "i can make it" is not "cant make it", "cambié de celular" not
# "cambio". Answer wording only; the crisis lexicon keeps its own typo tolerance.
# "work moved me to nights" asks nothing: past forms are not typos of "move me", "push it", "bump it".
ANSWER_REAL_WORDS = frozenset({"can", "won", "cambie", "changed", "moved", "pushed", "bumped"})
# A digit after these is a clock time ("see you at 2", "a las 2"), not an answer to a reminder.
# A digit that names a place or counts something is no answer to a reminder ("left my jacket in group room 2",
# "2 of my kids are sick", "1 more question", "sala 2", "2 horas tarde").
NUMBERED_PLACES = frozenset({"room", "rooms", "floor", "suite", "door", "building", "bus", "route", "line", "gate",
                             "group", "apt", "apartment", "unit", "step", "level", "cuarto", "sala", "salon", "piso",
                             "camion", "ruta", "linea", "puerta", "grupo", "edificio", "consultorio", "oficina",
                             "office"})
COUNTED = frozenset({"of", "more", "hour", "hours", "hr", "hrs", "min", "mins", "minute", "minutes", "day", "days",
                     "week", "weeks", "kid", "kids", "times", "things", "questions", "people", "de", "mas", "hora",
                     "horas", "minutos", "dia", "dias", "semana", "semanas", "hijos", "hijas", "veces", "cosas",
                     "personas", "preguntas"})
TIME_LEADS = frozenset({"at", "by", "around", "till", "until", "las", "la", "before", "after", "antes", "despues"})

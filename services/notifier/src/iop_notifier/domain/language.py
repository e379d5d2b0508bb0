"""Which language a short text is clearly in, so an unknown sender's answer can be in it alone."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[a-zñ]+")


def _words(block: str) -> list[str]:
    return block.split()


# Frequent function words and crisis-text words that exist in only one of the two languages.
ES = frozenset(_words("""yo mi mis quiero puedo ya mas nada nadie todo todos estoy estar soy ser voy vida morir muerto
muerta matar matarme suicidarme ayuda ayudame por favor porque que pero para con sin hoy manana noche aqui aca tengo
tomar pastillas mejor seria sola solo adios perdon gracias hola bueno dolor cansado cansada siento"""))
EN = frozenset(_words("""i im me my myself want wanna cant dont will would the an and but to of is am
are be kill die dead death life help please anymore tonight today pills everyone nobody better off without
myself goodbye sorry tired hurt end it this that just feel going gonna hi hello thanks"""))


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("ñ", "\0"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("\0", "ñ")


def clear_language(text: str) -> str | None:
    """"en" or "es" when the text is clearly in that language, else None (answer in both)."""
    words = _WORD.findall(_fold(text).replace("'", ""))
    es = sum(w in ES for w in words) + (2 if any(c in text for c in "¿¡ñ") else 0)
    en = sum(w in EN for w in words)
    if es >= 2 and en == 0:
        return "es"
    if en >= 2 and es == 0:
        return "en"
    return None

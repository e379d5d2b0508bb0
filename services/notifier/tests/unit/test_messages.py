import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from iop_notifier.domain.gsm import fits_one_segment, is_gsm7, septets, to_gsm7
from iop_notifier.domain.messages import (
    LOCALES,
    PURPOSES,
    TEMPLATES,
    SessionFacts,
    context,
    format_day_time,
    format_when,
    render,
)
from iop_shared.contracts.inbound import ClinicUpserted, Location, SessionKind
from iop_shared.contracts.lockscreen import clinical_terms, vocabulary

# The one clinical vocabulary (shared/src/iop_shared/contracts/clinical_vocabulary.json), also used at ingest.
CLINICAL = [word for words in vocabulary().values() for word in words]
SESSION_WORDS = [k.value for k in SessionKind] + ["grupo", "familia", "medicamento", "evaluacion", "evaluación"]
TITLE = "Relapse Prevention Group (SUD track)"
PROGRAM = "prog-dual-dx-iop"
LONG_CLINIC = "Riverside Community Wellness Center"  # 35 of the 40 allowed characters
LONG_PLACE = "Building C, 2nd floor, Suite 210 - North entrance"


def _contains_word(text: str, word: str) -> bool:
    return re.search(rf"\b{re.escape(word)}", text.lower()) is not None


def _variables(locale: str, sessions: int = 3) -> dict[str, object]:
    tz = ZoneInfo("America/New_York")
    facts = [SessionFacts(datetime(2026, 11, 4 + 2 * i, 15, 30, tzinfo=UTC), LONG_PLACE if i == 0 else None,
                          telehealth=i > 0) for i in range(sessions)]
    return context(clinic=LONG_CLINIC, callback="+15551234567", zone=tz, locale=locale, sessions=facts,
                   extra={"severity": "critical", "flag_id": "flag-7f3a9c21d4", "rule": "consecutive_misses",
                          "link": "https://clinic.example.org/flags/flag-7f3a9c21d4"})


def _all_rendered() -> list[tuple[str, str, str]]:
    out = []
    for locale in LOCALES:
        for purpose in PURPOSES:
            r = render(purpose, locale, _variables(locale))
            out += [(locale, purpose, text) for text in (r.sms, r.subject, r.text, r.html)]
    return out


@pytest.mark.unit
@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("purpose", PURPOSES)
def test_every_sms_is_one_gsm7_segment_with_long_realistic_values(locale: str, purpose: str) -> None:
    sms = render(purpose, locale, _variables(locale)).sms
    # Both languages cannot fit one segment; a crisis answer to an unknown number may take two.
    assert fits_one_segment(sms) or purpose == "crisis_reply_bilingual", (len(sms), sms)
    assert LONG_CLINIC in sms or purpose == "care_alert"


@pytest.mark.unit
def test_no_template_or_message_shows_clinical_words_kinds_titles_or_programs() -> None:
    files = [(p.name, p.read_text(encoding="utf-8")) for p in TEMPLATES.rglob("*.j2")]
    assert len(files) >= 2 * len(PURPOSES)
    texts = files + [(f"{loc}/{purpose}", text) for loc, purpose, text in _all_rendered()]
    for name, text in texts:
        assert not clinical_terms(text), f"{name} contains {clinical_terms(text)}"
        for word in CLINICAL + SESSION_WORDS:
            assert not _contains_word(text, word.rstrip("*")), f"{name} contains {word!r}"
        assert TITLE.lower() not in text.lower() and PROGRAM not in text


@pytest.mark.unit
def test_patient_messages_offer_digits_and_never_the_word_cancel_as_a_reply() -> None:
    for locale in LOCALES:
        sms = render("upcoming_session", locale, _variables(locale)).sms
        assert " 1 " in sms and " 2 " in sms
        for _, purpose, text in _all_rendered():
            assert not re.search(r"reply cancel|responda cancelar", text.lower()), purpose


@pytest.mark.unit
def test_crisis_reply_names_988_and_911_and_the_clinic_number() -> None:
    for locale in LOCALES:
        for purpose in ("crisis_reply", "crisis_reply_bilingual"):
            sms = render(purpose, locale, _variables(locale)).sms
            assert "988" in sms and "911" in sms and "(555) 123-4567" in sms


@pytest.mark.unit
def test_crisis_reply_without_a_known_clinic_still_names_988_and_911() -> None:
    for locale in LOCALES:
        for purpose in ("crisis_reply", "crisis_reply_bilingual"):
            sms = render(purpose, locale, {"clinic": "", "callback": ""}).sms
            assert "988" in sms and "911" in sms and ":" not in sms


@pytest.mark.unit
def test_times_are_rendered_in_the_recipient_zone_and_locale() -> None:
    tz = ZoneInfo("America/Los_Angeles")
    facts = [SessionFacts(datetime(2026, 3, 9, 17, 0, tzinfo=UTC), "Room 4", False)]
    en = render("upcoming_session", "en", context(clinic="Oak Clinic", callback="+15551234567", zone=tz,
                                                    locale="en", sessions=facts))
    es = render("upcoming_session", "es", context(clinic="Oak Clinic", callback="+15551234567", zone=tz,
                                                    locale="es", sessions=facts))
    assert "Mon Mar 9, 10:00 AM" in en.sms  # PDT began on Mar 8
    assert "lun 9 mar, 10:00" in es.sms
    assert "<p>" in en.html and en.subject
    # Babel's CLDR names and patterns: the weekday form, a PM hour, and Spanish September ("sept").
    evening = datetime(2026, 9, 16, 23, 5, tzinfo=UTC)
    both = {lang: (format_when(evening, tz, lang), format_day_time(evening, tz, lang)) for lang in ("en", "es")}
    assert both == {"en": ("Wed Sep 16, 4:05 PM", "Wed 4:05 PM"), "es": ("mié 16 sept, 16:05", "mié 16:05")}


@pytest.mark.unit
def test_html_email_escapes_values() -> None:
    variables = {**_variables("en"), "clinic": "<b>Oak</b>"}
    assert "<b>Oak</b>" not in render("help_reply", "en", variables).html


@pytest.mark.unit
def test_gsm7_mapping() -> None:
    assert to_gsm7("¿Cómo está? días “hoy”") == "¿Como esta? dias \"hoy\""
    assert is_gsm7("año ñ ü é") and not is_gsm7("á")
    assert septets("€[]") == 6


ADVERSARIAL_CLINICS = ["Addiction Psychiatry", "Centro de Adicción", "SALUD MENTAL Norte", "Harbor Detox"]
ADVERSARIAL_PLACES = ["Addiction Psychiatry Suite", "Sala de Terapia 2", "Counseling Room 4", "IOP wing"]


@pytest.mark.unit
@pytest.mark.parametrize(("clinic", "place"), list(zip(ADVERSARIAL_CLINICS, ADVERSARIAL_PLACES, strict=True)))
def test_adversarial_clinic_values_would_show_and_are_refused_before_they_get_here(clinic: str, place: str) -> None:
    tz = ZoneInfo("America/New_York")
    facts = [SessionFacts(datetime(2026, 11, 4, 15, 30, tzinfo=UTC), place, telehealth=False)]
    for locale in LOCALES:
        variables = context(clinic=clinic, callback="+15551234567", zone=tz, locale=locale, sessions=facts)
        sms = render("upcoming_session", locale, variables).sms
        assert clinical_terms(sms), "the templates repeat clinic text verbatim: only ingest can keep it out"
    with pytest.raises(ValueError, match="public_name"):
        ClinicUpserted(clinic_id="c1", public_name=clinic, callback_phone="+15551234567", timezone="UTC", revision=1)
    with pytest.raises(ValueError, match="public_label"):
        Location(public_label=place)


@pytest.mark.unit
def test_the_vocabulary_matches_whole_words_case_and_accent_insensitively() -> None:
    assert clinical_terms("Addiction Psychiatry Suite") == ["addiction", "psychiatry"]
    assert clinical_terms("ADICCIÓN") == ["adiccion"] and clinical_terms("Recaída") == ["recaida"]
    assert clinical_terms("mental-health center") and clinical_terms("Drugs") and clinical_terms("Counseling")
    for neutral in ("Drugstore Plaza", "Scoop Street", "Harbor Health", LONG_CLINIC, LONG_PLACE, "Soberano 3"):
        assert clinical_terms(neutral) == [], neutral
    assert {"en", "es"} <= set(vocabulary()) and "terapia" in vocabulary()["es"]


def _item(locale: str, index: int, clinic: str = LONG_CLINIC, reask: bool = False) -> str:
    from iop_notifier.domain.checkin_messages import item_variables
    from iop_notifier.domain.instrument_set import load

    tz = ZoneInfo("America/New_York")
    variables = context(clinic=clinic, callback="+15551234567", zone=tz, locale=locale,
                        extra=item_variables(load(), "phq9", index, reask, locale))
    return render("checkin_item", locale, variables).sms


@pytest.mark.unit
@pytest.mark.parametrize("locale", LOCALES)
def test_the_checkin_opener_is_neutral_and_names_go_and_stop(locale: str) -> None:
    sms = render("checkin_ready", locale, _variables(locale)).sms
    assert sms.startswith(f"{LONG_CLINIC}: ") and not clinical_terms(sms)
    assert ("Reply GO to start, or STOP to stop texts" in sms) if locale == "en" else ("IR" in sms and "ALTO" in sms)


@pytest.mark.unit
@pytest.mark.parametrize("locale", LOCALES)
def test_questionnaire_items_show_the_publishers_wording_and_digit_scale(locale: str) -> None:
    # Clinical wording on purpose: sent only to a consented patient, one item at a time, after GO (see
    # messages.QUESTIONNAIRE_PURPOSES); that is why checkin_item is not in PURPOSES and its lock-screen lint.
    from iop_notifier.domain.messages import QUESTIONNAIRE_PURPOSES

    assert "checkin_item" in QUESTIONNAIRE_PURPOSES and "checkin_item" not in PURPOSES
    first, ninth = _item(locale, 0), _item(locale, 8)
    assert first.startswith(("Over the last 2 weeks", "Durante las")) and "1/9" in first
    assert "9/9" in ninth and "Over the last" not in ninth and "Durante" not in ninth
    assert "0=" in ninth and "3=" in ninth
    assert ("better off dead" in ninth) if locale == "en" else ("mejor muerto" in ninth)
    assert _item(locale, 3, reask=True).startswith(("Please reply with one number from 0 to 3",
                                                    "Responda con un numero del 0 al 3"))  # GSM-7 folds accents


@pytest.mark.unit
def test_item_templates_take_no_clinic_text_and_clinic_strings_are_still_refused_at_ingest() -> None:
    # The clinic alias is not part of an item SMS at all; clinic strings still go through the lock-screen check.
    assert "Addiction Psychiatry" not in _item("en", 1, clinic="Addiction Psychiatry")
    for path in TEMPLATES.rglob("checkin_item.j2"):
        sms_block = path.read_text(encoding="utf-8").split("{% endblock %}")[0]
        assert "clinic" not in sms_block and not clinical_terms(sms_block), path
    with pytest.raises(ValueError, match="public_name"):
        ClinicUpserted(clinic_id="c1", public_name="Addiction Psychiatry", callback_phone="+15551234567",
                       timezone="UTC", revision=1)

"""Message rendering: sandboxed Jinja2 templates per locale and purpose, in the recipient's zone.

Only neutral facts reach a template (clinic alias, date and time, place label, callback number); session
kinds, titles and programs are never passed in, so no template can show them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
from babel.dates import format_datetime
from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

from .gsm import SEGMENT, septets, to_gsm7

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
LOCALES = ("en", "es")
PURPOSES = ("upcoming_session", "weekly_schedule", "session_changed", "session_cancelled", "checkin_prompt",
            "visit_missed", "crisis_reply", "crisis_reply_bilingual", "opt_out_confirm", "opt_in_confirm", "help_reply",
            "care_alert", "care_concern", "reschedule_offer", "reschedule_held", "reschedule_released",
            "reschedule_taken", "support_reminder", "checkin_ready", "checkin_done", "waitlist_offer", "waitlist_held")
JOIN_LABEL = {"en": "Join the video visit", "es": "Entrar a la visita por video"}
# Questionnaire items carry the publisher's clinical wording, from the instruments file only: they are sent only
# to a patient with a recorded consent to detailed check-ins, one at a time, after that patient replied GO to a
# neutral `checkin_ready`. Kept apart from PURPOSES, whose every text must be safe on a locked phone.
QUESTIONNAIRE_PURPOSES = ("checkin_item",)
# CLDR patterns (Babel supplies the names): the date and time, and the weekday and time, of each locale.
_WHEN = {"en": ("EEE MMM d, h:mm a", "EEE h:mm a"), "es": ("EEE d MMM, HH:mm", "EEE HH:mm")}


@dataclass(frozen=True)
class SessionFacts:
    """What a patient may see about a session."""

    starts_at: datetime
    place_label: str | None
    telehealth: bool
    join_url: str | None = None  # lock-screen safe (checked at ingest); reminders carry it


@dataclass(frozen=True)
class Rendered:
    sms: str
    subject: str
    text: str
    html: str


_env = SandboxedEnvironment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined,
                            autoescape=select_autoescape(["html.j2"]), trim_blocks=False)


@lru_cache(maxsize=4096)  # a group's patients share a session time: Babel formats it once, not once per message
def format_when(at: datetime, zone: ZoneInfo, locale: str) -> str:
    """Short local date and time: "Tue Mar 4, 10:30 AM" / "mar 4 mar, 10:30"."""
    return format_datetime(at, _WHEN[locale][0], tzinfo=zone, locale=locale)


@lru_cache(maxsize=4096)
def format_day_time(at: datetime, zone: ZoneInfo, locale: str) -> str:
    """Weekday and time only, for a message about this week: "Wed 10:30 AM" / "mié 10:30"."""
    return format_datetime(at, _WHEN[locale][1], tzinfo=zone, locale=locale)


@lru_cache(maxsize=1024)  # the clinic's callback number, parsed once rather than for every message of a burst
def format_phone(e164: str) -> str:
    number = phonenumbers.parse(e164, None)
    style = phonenumbers.PhoneNumberFormat
    return phonenumbers.format_number(number, style.NATIONAL if number.country_code == 1 else style.INTERNATIONAL)


def place_of(session: SessionFacts, locale: str) -> str | None:
    if session.place_label:
        return session.place_label
    if session.telehealth and not session.join_url:  # with a link, the link says how
        return "video"
    return None


def context(*, clinic: str, callback: str, zone: ZoneInfo, locale: str,
            sessions: Sequence[SessionFacts] = (), extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Template variables: only neutral facts."""
    ordered = sorted(sessions, key=lambda s: s.starts_at)
    items = [{"when": format_when(s.starts_at, zone, locale), "day_time": format_day_time(s.starts_at, zone, locale),
              "place": place_of(s, locale), "join_url": s.join_url} for s in ordered]
    first = items[0] if items else {"when": "", "place": None, "join_url": None}
    return {"clinic": clinic, "callback": format_phone(callback), "when": first["when"],
            "place": first["place"], "join_url": first["join_url"], "sessions": items, "locale": locale,
            **(extra or {})}


def _block(name: str, block: str, variables: Mapping[str, Any]) -> str:
    template = _env.get_template(name)
    return "".join(template.blocks[block](template.new_context(dict(variables)))).strip()


def render_sms(purpose: str, locale: str, variables: Mapping[str, Any]) -> str:
    """The SMS text in GSM-7, shortened to one segment where possible (the place label gives way first)."""
    name = f"{locale}/{purpose}.j2"
    text = to_gsm7(_block(name, "sms", variables))
    place = variables.get("place")
    if septets(text) > SEGMENT and place:
        over = septets(text) - SEGMENT
        shorter = place[: max(0, len(place) - over - 1)].rstrip(" ,.-")
        variables = {**variables, "place": shorter if len(shorter) >= 8 else None}
        text = to_gsm7(_block(name, "sms", variables))
    if septets(text) > SEGMENT and variables.get("join_url"):  # a link is never cut: the callback gives way
        compact = to_gsm7(_block(name, "sms", {**variables, "compact": True}))
        text = compact if septets(compact) <= SEGMENT else text  # two segments either way: keep the number
    return text


def render(purpose: str, locale: str, variables: Mapping[str, Any]) -> Rendered:
    """Every form of one message."""
    locale = locale if locale in LOCALES else "en"
    name = f"{locale}/{purpose}.j2"
    subject = _block(name, "subject", variables)
    text = _block(name, "body", variables)
    link = variables.get("join_url")
    html = _env.get_template("_email.html.j2").render(
        locale=locale, subject=subject, button_url=link, button_label=JOIN_LABEL[locale] if link else None,
        lines=[line for line in text.splitlines() if line.strip() and not (link and line.endswith(link))])
    return Rendered(sms=render_sms(purpose, locale, variables), subject=subject, text=text, html=html)

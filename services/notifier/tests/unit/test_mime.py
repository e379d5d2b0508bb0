"""The cached email bytes: what a mail client reads back is the rendered message, to the one recipient."""

from __future__ import annotations

import email
import email.policy

import pytest

from iop_notifier.adapters.mime import content, mail_bytes, message_id, plain
from iop_notifier.domain.messages import Rendered

pytestmark = pytest.mark.unit

ES = Rendered(sms="-", subject="Recordatorio: sesión mañana", text="Hola, tu sesión es mañana a las 10:00.",
              html="<p>Hola, tu sesión es <b>mañana</b></p>")


def test_a_mail_reads_back_as_the_rendered_message_to_its_recipient() -> None:
    msg_id = message_id("ntf-1", "Clinic <reminders@example.org>")
    sender, data = mail_bytes("Clinic <reminders@example.org>", "bp1@example.org", msg_id, ES)
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert sender == "reminders@example.org"
    assert (parsed["To"], parsed["Message-ID"], parsed["Subject"]) == ("bp1@example.org", msg_id, ES.subject)
    assert msg_id.endswith("@example.org>") and "ntf-1" in msg_id
    assert parsed.get_body(("plain",)).get_content().strip() == ES.text  # type: ignore[union-attr]
    assert parsed.get_body(("html",)).get_content().strip() == ES.html  # type: ignore[union-attr]
    assert data.isascii(), "8-bit bytes would need the server's 8BITMIME"


def test_the_content_is_built_once_and_only_the_recipient_differs() -> None:
    content.cache_clear()
    first = mail_bytes("reminders@example.org", "a@example.org", "<1@example.org>", ES)[1]
    second = mail_bytes("reminders@example.org", "b@example.org", "<2@example.org>", ES)[1]
    assert content.cache_info().hits == 1
    assert first.split(b"\r\n", 2)[2] == second.split(b"\r\n", 2)[2]
    assert b"b@example.org" not in first


@pytest.mark.parametrize("address", ["a b@example.org", "x@example.org\r\nBcc: y@example.org", "jé@example.org",
                                     "<x@example.org>", '"q"@example.org', "x@example.org>"])
def test_an_address_that_needs_quoting_or_could_inject_a_header_is_not_written_as_it_is(address: str) -> None:
    assert not plain(address)


def test_a_plain_address_is() -> None:
    assert plain("first.last+tag@mail-1.example.org")

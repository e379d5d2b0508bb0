"""An email's bytes built once per message content, with only the recipient's headers written per mail.

A burst sends the same rendered reminder to many patients; building and flattening it with the stdlib's `email`
package costs about 2 ms a mail, most of it header parsing and folding. The content (From, Subject, the text and
HTML parts) is flattened once and cached; To and Message-ID are written per mail. Non-ASCII text is sent
quoted-printable, so the bytes are 7-bit whatever the server's 8BITMIME support.
"""

from __future__ import annotations

import re
from email import policy
from email.message import EmailMessage
from email.utils import make_msgid
from functools import lru_cache

from iop_notifier.domain.messages import Rendered

# What may go into a header and on an SMTP command line as written: a bare ASCII addr-spec, nothing to quote.
PLAIN_ADDRESS = re.compile(r"[!#-'*+\-./0-9=?A-Z^_`a-z{|}~]{1,64}@[A-Za-z0-9.\-]{1,253}")


@lru_cache(maxsize=256)
def content(sender: str, subject: str, text: str, html: str) -> tuple[str, bytes]:
    """(envelope sender, the flattened headers and body shared by every mail of this content)."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["Subject"] = subject
    msg.set_content(text, cte=None if text.isascii() else "quoted-printable")
    msg.add_alternative(html, subtype="html", cte=None if html.isascii() else "quoted-printable")
    return msg["From"].addresses[0].addr_spec, msg.as_bytes(policy=policy.SMTP)


def plain(address: str) -> bool:
    """True when the address can be written into the To header as it is."""
    return PLAIN_ADDRESS.fullmatch(address) is not None


def message_id(notification_id: str, sender: str) -> str:
    """A Message-ID carrying the notification id, on the sender's domain."""
    return make_msgid(idstring=notification_id, domain=sender.split("@")[-1].rstrip(">"))


def mail_bytes(sender: str, to: str, msg_id: str, message: Rendered) -> tuple[str, bytes]:
    """(envelope sender, the whole mail) for a plain `to` (see `plain`)."""
    envelope_from, shared = content(sender, message.subject, message.text, message.html)
    return envelope_from, f"To: {to}\r\nMessage-ID: {msg_id}\r\n".encode("ascii") + shared

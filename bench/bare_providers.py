"""The bare send path the notifier cannot avoid: the real Twilio SDK's message create and aiosmtplib's send.

No Kafka, no PostgreSQL, no notifier: one process, the same concurrency (64 calls, 8 SMTP connections) and the
same providers' process (bench/providers_proc.py) as the fan-out bench, so its rate is that bench's ceiling on
this machine. The email's content is flattened once with the stdlib's `email` package and only To and
Message-ID are written per mail (what the notifier does since issue 14); SMTP's own round trips remain.

    uv run python bench/bare_providers.py [messages] [email share]
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from email import policy
from email.message import EmailMessage

import aiosmtplib
from providers_proc import Endpoints, Providers
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

CONCURRENCY = 64
SMTP_POOL = 8
BODY = "Reminder: your group session is tomorrow at 10:00. Reply STOP to opt out."


def _content() -> bytes:
    msg = EmailMessage()
    msg["From"], msg["Subject"] = "clinic@example.org", "Your session tomorrow"
    msg.set_content(BODY)
    msg.add_alternative(f"<html><body><p>{BODY}</p></body></html>", subtype="html")
    return msg.as_bytes(policy=policy.SMTP)


def _mail(i: int, shared: bytes) -> bytes:
    return f"To: bare{i}@example.org\r\nMessage-ID: <bare-{i}@example.org>\r\n".encode() + shared


async def _sends(p: Endpoints, n: int, email_share: float, concurrency: int) -> float:
    """n messages (the first `email_share` of them emails), `concurrency` at a time; seconds taken."""
    http = AsyncTwilioHttpClient(timeout=10)
    client = Client(p.account_sid, p.auth_token, http_client=http)
    client.api.base_url = p.twilio_base_url
    smtp: asyncio.Queue[aiosmtplib.SMTP] = asyncio.Queue()
    for _ in range(SMTP_POOL):
        conn = aiosmtplib.SMTP(hostname="127.0.0.1", port=p.smtp_port, timeout=10)
        await conn.connect()
        smtp.put_nowait(conn)
    slots, n_email, shared = asyncio.Semaphore(concurrency), int(n * email_share), _content()

    async def one(i: int) -> None:
        async with slots:
            if i < n_email:
                conn = await smtp.get()
                try:
                    await conn.sendmail("clinic@example.org", [f"bare{i}@example.org"], _mail(i, shared))
                finally:
                    smtp.put_nowait(conn)
            else:
                await client.messages.create_async(to=f"+1555{3000000 + i:07d}", body=BODY,
                                                   messaging_service_sid="MG" + "1" * 32,
                                                   status_callback="http://127.0.0.1:9/twilio/status")
    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(n)))
    took = time.perf_counter() - started
    await http.close()
    while not smtp.empty():
        smtp.get_nowait().close()
    return took


async def bare_ceiling(n: int, email_share: float, concurrency: int = CONCURRENCY) -> dict[str, float]:
    """Messages/s of the bare path (the bench's mix), SMS alone and email alone; CPU ms per message on each side."""
    out: dict[str, float] = {}
    with Providers() as providers:
        for name, share, count in (("mix", email_share, n), ("sms", 0.0, n // 2), ("email", 1.0, n // 2)):
            cpu, child_cpu = time.process_time(), await providers.cpu_s()
            took = await _sends(providers.endpoints, count, share, concurrency)
            out[f"bare_{name}_per_s"] = round(count / took, 1)
            out[f"bare_{name}_cpu_ms_per_msg"] = round(1000 * (time.process_time() - cpu) / count, 3)
            child_cpu = await providers.cpu_s() - child_cpu
            out[f"bare_{name}_providers_cpu_ms_per_msg"] = round(1000 * child_cpu / count, 3)
    return out


if __name__ == "__main__":
    args = sys.argv[1:]
    print(json.dumps(asyncio.run(bare_ceiling(int(args[0]) if args else 3000,
                                              float(args[1]) if len(args) > 1 else 0.25))))

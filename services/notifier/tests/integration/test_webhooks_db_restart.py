"""Twilio webhooks while PostgreSQL restarts (`pg_ctl restart -m fast` of a private server): 503, never 500,
and every callback and text that Twilio retries is applied once."""

from __future__ import annotations

import asyncio
import secrets
from collections import Counter
from collections.abc import Callable

import httpx
import pytest

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.runner import run_notifier
from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.testing.kafka import TopicTail, publish
from iop_devkit.testing.private_pg import PrivatePostgres
from iop_notifier.settings import Settings
from iop_shared.contracts.topics import NOTIFICATIONS

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]
TEXTS = 80


async def _post_like_twilio(twilio: TwilioFake, url: str, params: dict[str, str], seen: Counter[int]) -> None:
    """Post until 2xx, the way Twilio retries a webhook that answered 5xx (same body, same token)."""
    token = secrets.token_hex(16)
    for _ in range(200):
        try:
            response = await twilio.post_signed(url, params, token)
        except httpx.TransportError:
            seen[0] += 1
            await asyncio.sleep(0.1)
            continue
        seen[response.status_code] += 1
        if response.status_code < 300:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the webhook never succeeded")


async def test_webhooks_answer_503_while_the_database_restarts_and_lose_nothing(
        private_postgres: PrivatePostgres, topics: str, kafka_bootstrap: str, twilio: TwilioFake,
        make_settings: Callable[..., Settings]) -> None:
    clinic, pid, sid, ph = b.uid("cl"), b.uid("pt"), b.uid("ses"), b.phone()
    rem = b.reminder(pid, clinic, [sid])
    settings = make_settings(DATABASE_URL=private_postgres.url)
    async with TopicTail(kafka_bootstrap, NOTIFICATIONS.name) as tail, run_notifier(settings) as svc:
        await publish(kafka_bootstrap, b.clinic(clinic, quiet=b.all_day()), b.patient(pid, clinic, phone_number=ph),
                      b.session(sid, clinic, [pid]), rem)
        await tail.wait_for(lambda e: e.type == "iop.notification.sent.v1"
                            and e.data.source_event_id == rem.data.reminder_id, timeout=40)
        [msg] = twilio.to(ph)
        seen: Counter[int] = Counter()
        inbound = f"{svc.base_url}/twilio/inbound"
        texts = [{"MessageSid": "SM" + secrets.token_hex(16), "AccountSid": twilio.account_sid, "From": ph,
                  "To": "+15550000000", "Body": "3", "NumMedia": "0", "ApiVersion": "2010-04-01"}
                 for _ in range(TEXTS)]
        status = {"MessageSid": msg.sid, "SmsSid": msg.sid, "MessageStatus": "delivered", "SmsStatus": "delivered",
                  "AccountSid": twilio.account_sid, "To": msg.to, "From": msg.sender, "ApiVersion": "2010-04-01"}

        async def stream() -> None:
            posts = []
            for i, text in enumerate(texts):
                posts.append(asyncio.create_task(_post_like_twilio(twilio, inbound, text, seen)))
                if i == TEXTS // 2:
                    posts.append(asyncio.create_task(
                        _post_like_twilio(twilio, f"{svc.base_url}/twilio/status", status, seen)))
                await asyncio.sleep(0.05)
            await asyncio.gather(*posts)

        async def restart() -> None:
            await asyncio.sleep(0.4)
            await asyncio.to_thread(private_postgres.restart)

        await asyncio.gather(stream(), restart())
        assert seen[500] == 0, seen
        assert seen[503] > 0, f"the restart was not seen by any webhook: {seen}"
        pool = svc.deps.pool
        ids = [t["MessageSid"] for t in texts]
        kept = await pool.fetchval("SELECT count(DISTINCT id) FROM inbound_messages WHERE id = ANY($1)", ids)
        assert kept == TEXTS
        assert await pool.fetchval("SELECT state FROM ledger WHERE provider_message_id = $1", msg.sid) == "delivered"
        await tail.wait_for(lambda e: e.type == "iop.notification.delivered.v1"
                            and e.data.provider_message_id == msg.sid, timeout=30)
